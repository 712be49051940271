"""User administration: create, edit, deactivate, reset password; bad input never saves and never 500s."""

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, User
from tests.support import post_form

GOOD = {"username": "nguyenvana", "full_name": "Nguyễn Văn A", "email": "", "role": "commune",
        "commune_code": "11311", "password": "Matkhau123", "active": "y"}


@pytest.fixture
def admin(client, make_user, login):
    user = make_user("admin", username="quantri")
    login(user)
    return user


def _users(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_admin_creates_a_commune_user(client, admin, db):
    response = post_form(client, "/admin/users/new", GOOD)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "nguyenvana"))
    assert user.role == "commune" and user.commune.name == "Phường Hồng Bàng" and user.check_password("Matkhau123")
    audit = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "user", AuditLog.action == "create",
                                                     AuditLog.object_id == str(user.id)))
    assert audit.user_id == admin.id and audit.details["changes"]["commune"] == "11311"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"username": ""}, "username", "Vui lòng nhập tên đăng nhập."),
    ({"full_name": ""}, "full_name", "Vui lòng nhập họ và tên."),
    ({"full_name": "Nguyễn " * 50}, "full_name", "Họ và tên tối đa 120 ký tự."),
    ({"username": "quantri"}, "username", "Tên đăng nhập này đã được dùng."),
    ({"commune_code": ""}, "commune_code", "Cán bộ cơ sở phải thuộc một đơn vị cấp xã."),
    ({"role": "city"}, "commune_code", "Chỉ cán bộ cơ sở mới gắn với một đơn vị cấp xã"),
    ({"commune_code": "99999"}, "commune_code", "Đơn vị cấp xã không tồn tại."),
    ({"role": "superuser"}, "role", "Lựa chọn không hợp lệ."),
    ({"password": "123"}, "password", "ít nhất 8 ký tự"),
    ({"password": ""}, "password", "Vui lòng đặt mật khẩu"),
    ({"email": "khong-phai-email"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
    ({"username": "Tên Có Dấu"}, "username", "chữ thường không dấu"),
])
def test_bad_user_input_shows_message_beside_field_and_saves_nothing(client, admin, db, change, field, message):
    before = _users(db)
    response = post_form(client, "/admin/users/new", {**GOOD, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'data-error-for="{field}"' in page
    assert message in page
    assert _users(db) == before


def test_role_choice_message_is_vietnamese(client, admin):
    page = post_form(client, "/admin/users/new", {**GOOD, "role": "superuser"}).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ." in page


def test_admin_edits_user_to_city_role(client, admin, make_user, db):
    user = make_user("commune", username="canbo1")
    response = post_form(client, f"/admin/users/{user.id}", {**GOOD, "username": "canbo1", "role": "city",
                                                             "commune_code": "", "password": ""})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "city" and user.commune_id is None


def test_admin_deactivates_and_resets_password(client, admin, make_user, db):
    user = make_user("viewer", username="xem1")
    client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": _token(client)})
    db.session.refresh(user)
    assert user.active is False
    response = post_form(client, f"/admin/users/{user.id}/password", {"reset-password": "Moi12345678"},
                         form_url=f"/admin/users/{user.id}")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("Moi12345678")


def test_admin_cannot_lock_themselves(client, admin, db):
    client.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": _token(client)})
    db.session.refresh(admin)
    assert admin.active is True


def test_missing_user_is_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404


def _token(client):
    from tests.support import csrf_token

    return csrf_token(client, "/admin/users/new")


def test_every_header_of_the_users_table_is_named(client, admin):
    """Issue 15 item 11: the actions column has a header a screen reader reads ("Thao tác"), no empty cell."""
    import re

    html = client.get("/admin/users").get_data(as_text=True)
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", header, re.S)
    assert cells and all(re.sub(r"<[^>]+>", "", c).strip() for c in cells), cells
    assert "Thao tác" in cells[-1]
