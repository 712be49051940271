"""Menus by role, 403 on admin pages, 404 on another commune's pages, error pages in Vietnamese."""

import pytest

MENU = {
    "admin": {"main.communes", "admin.users", "targets.communes"},
    "city": {"main.communes", "targets.communes"},
    "viewer": {"main.communes", "targets.communes"},
    "commune": {"targets.communes"},  # their own commune's targets page (the city totals are linked from it)
}
ALL_GUARDED = {"main.communes", "admin.users", "targets.communes", "dashboard.targets"}


@pytest.mark.parametrize("role", ["admin", "city", "commune", "viewer"])
def test_each_role_sees_its_menu(client, make_user, login, role):
    user = make_user(role)
    login(user)
    page = client.get("/").get_data(as_text=True)
    for endpoint in ALL_GUARDED:
        assert (f'data-nav="{endpoint}"' in page) == (endpoint in MENU[role]), endpoint
    assert 'data-nav="main.index"' in page


@pytest.mark.parametrize("url", ["/admin/users", "/admin/users/new"])
def test_commune_user_gets_403_on_admin_pages(client, make_user, login, url):
    login(make_user("commune"))
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này." in response.get_data(as_text=True)


def test_city_user_gets_403_on_admin_pages(client, make_user, login):
    login(make_user("city"))
    assert client.get("/admin/users").status_code == 403


def test_commune_user_sees_own_commune_page(client, make_user, login):
    login(make_user("commune", commune_code="11311"))
    response = client.get("/communes/11311")
    assert response.status_code == 200
    assert "Phường Hồng Bàng" in response.get_data(as_text=True)


def test_commune_user_gets_404_for_other_commune_page(client, make_user, login):
    login(make_user("commune", commune_code="11311"))
    response = client.get("/communes/11948")  # Đặc khu Bạch Long Vĩ
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Bạch Long Vĩ" not in page
    assert "Không tìm thấy" in page


def test_commune_user_gets_403_on_communes_directory(client, make_user, login):
    login(make_user("commune"))
    assert client.get("/communes").status_code == 403


def test_city_user_opens_any_commune(client, make_user, login):
    login(make_user("city"))
    assert "Đặc khu Bạch Long Vĩ" in client.get("/communes/11948").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/communes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_english_can_be_selected(client, make_user, login):
    login(make_user("city"))
    client.get("/lang/en?next=/communes")
    page = client.get("/communes").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Communes" in page and "Search by name" in page
