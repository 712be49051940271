"""Scope over every route: each endpoint of the URL map is called as every role and as a visitor.

Every endpoint must have a rule here; a new route without one makes this test fail.
Page rule = the roles that may GET it ("anon" = no login needed), or POST (GET answers 405).
API rule = TOKEN(roles that may GET it with their bearer token).
Refusals: 302 to the login page for visitors, 403 (wrong role) or 404 (out of scope).
A commune user asking for another commune's object gets 404 from every route that names one.
"""

from dataclasses import dataclass

import pytest
from flask import url_for

from tests.support import csrf_token

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

ROLES = ("admin", "city", "commune", "viewer", "agency")
ALL = frozenset({"admin", "city", "commune", "viewer"})  # the first wave's roles; `agency` is named where it may
WITH_AGENCY = ALL | {"agency"}
EVERYONE = frozenset({"anon", *ROLES})
CITY = frozenset({"admin", "city", "viewer"})
WRITERS = frozenset({"admin", "city", "commune"})
ADMIN = frozenset({"admin"})
OFFICE = frozenset({"admin", "city"})  # the city office: edits agencies, plans and tasks (SPEC §13, §14)
POST = "POST"
PUBLIC = "PUBLIC"  # residents' pages: anyone, never a login redirect, never a 5xx (bad tokens get a message)


@dataclass(frozen=True)
class TOKEN:  # noqa: N801 — reads as a rule
    roles: frozenset


RULES: dict[str, object] = {
    "static": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": POST,
    "auth.profile": WITH_AGENCY,
    "auth.tokens": WITH_AGENCY,
    "auth.revoke_api_token": POST,
    "main.index": WITH_AGENCY,
    "main.communes": CITY,
    "main.commune": ALL,
    "main.set_language": EVERYONE,
    "main.favicon": EVERYONE,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.deactivate_user": POST,
    "admin.reset_password": POST,
    "admin.unlock_login": POST,
    "dashboard.targets": CITY,
    "dashboard.targets_xlsx": CITY,
    "dashboard.city": ALL,  # a commune user is sent to /dashboard/commune
    "dashboard.commune": WITH_AGENCY,  # city roles are sent to /dashboard
    "dashboard.city_xlsx": CITY,
    "dashboard.block": CITY,
    "activities.list_activities": WITH_AGENCY,
    "activities.calendar": WITH_AGENCY,
    "activities.export_xlsx": WITH_AGENCY,
    "activities.export_csv": WITH_AGENCY,
    "activities.new_activity": WRITERS | {"agency"},  # an agency records its own (SPEC §13)
    "activities.show_activity": ALL,
    "activities.edit_activity": WRITERS,
    "activities.mark_held": WRITERS,
    "activities.cancel_activity": POST,
    "activities.copy_activity": WRITERS,
    "activities.delete_activity": WRITERS,
    "activities.upload_photos": POST,
    "activities.photo_file": ALL,
    "activities.photo_thumb": ALL,
    "activities.delete_photo": POST,
    "reports.index": ALL,
    "reports.activity_report": ALL,
    "reports.activity_poster": WRITERS,
    "reports.period_report": ALL,
    "reports.city_summary": CITY,
    "reports.commune_report": ALL,
    "api.activity_report_pdf": TOKEN(ALL),
    "api.activity_poster_pdf": TOKEN(WRITERS),
    "api.activity_attendance_pdf": TOKEN(WRITERS),
    "reports.attendance_list": WRITERS,
    "campaigns.index": WITH_AGENCY,
    "campaigns.new_campaign": ADMIN,
    "campaigns.copy": POST,
    "campaigns.publish": POST,
    "campaigns.new_duty": ADMIN,
    "campaigns.new_requirement": ADMIN,
    "campaigns.duty_action": POST,
    "campaigns.requirement_action": POST,
    "campaigns.messages": ADMIN,
    "campaigns.matrix": WITH_AGENCY,  # a commune user is sent to their own commune's page
    "campaigns.export_xlsx": WITH_AGENCY,
    "campaigns.export_csv": WITH_AGENCY,
    "campaigns.commune": ALL,
    "campaigns.submit": POST,
    "campaigns.record_paper": POST,
    "campaigns.unlock": POST,
    "campaigns.edit_campaign": ADMIN,
    "campaigns.edit_duty": ADMIN,
    "campaigns.edit_requirement": ADMIN,
    "notifications.index": WITH_AGENCY,
    "notifications.mark_notification_read": POST,
    "notifications.mark_all_notifications_read": POST,
    "admin.jobs": ADMIN,
    "admin.run_job_now": POST,
    "api.campaigns": TOKEN(WITH_AGENCY),
    "api.create_campaign": TOKEN(WITH_AGENCY),  # same URL as the list: its GET is the list
    "api.compliance": TOKEN(WITH_AGENCY),
    "api.submit": POST,
    "api.list_notifications": TOKEN(WITH_AGENCY),
    "api.read_notification": POST,
    "api.commune_report_pdf": TOKEN(ALL),
    "checkin.self_checkin": PUBLIC,
    "checkin.register": PUBLIC,
    "checkin.ticket_png": PUBLIC,
    "checkin.attendance": ALL,
    "checkin.export_attendance": WRITERS,
    "checkin.activity_qr": ALL,
    "checkin.regenerate_qr": POST,
    "checkin.scanner": WRITERS,
    "checkin.scanner_checkin": POST,
    "checkin.scanner_search": WRITERS,
    "checkin.walk_in": WRITERS,
    "checkin.import_upload": WRITERS,
    "checkin.import_preview": WRITERS,  # a missing upload id answers 404 to allowed roles too
    "checkin.import_confirm": WRITERS,  # same URL as the preview: its GET is the preview
    "checkin.import_cancel": POST,
    "api.create_checkin": TOKEN(ALL),  # same URL as the list
    "api.list_checkins": TOKEN(ALL),
    "api.activity_qr": TOKEN(ALL),
    "api.communes": TOKEN(WITH_AGENCY),
    "api.openapi": EVERYONE,  # the OpenAPI document is public
    "api.list_activities_api": TOKEN(WITH_AGENCY),  # an agency user: its own agency's
    "api.get_activity_api": TOKEN(ALL),
    "api.create_activity_api": TOKEN(WITH_AGENCY),  # same URL as the list: its GET is the list
    "api.update_activity_api": TOKEN(ALL),  # same URL as get: its GET is the activity
    "api.delete_activity_api": TOKEN(ALL),
    "voice.questions": WRITERS,
    "voice.question": WRITERS,
    "voice.log_question": POST,
    "voice.thanks": PUBLIC,  # the `token` is a rating token: the poster token of the world answers 400
    "voice.rate": POST,
    "voice.ask": POST,
    "voice.faq": PUBLIC,
    "api.create_question": POST,
    "api.list_questions": TOKEN(WRITERS),
    "api.update_question": POST,  # PATCH only: its GET answers 405
    "api.create_rating": POST,  # no bearer token: the body's signed rating token is the credential
    "api.satisfaction": TOKEN(ALL),
    "voice.followups": WRITERS,
    "voice.record_followup": POST,
    "voice.export_followups": WRITERS,
    "voice.followups_index": WRITERS,
    "api.list_followups": TOKEN(WRITERS),
    "api.update_followup": POST,  # PATCH only
    "voice.satisfaction_report": ALL,
    "voice.erase_resident": ADMIN,
    # Agencies and the task register (issue 17): readers include agency users, scoped to their agency.
    "api.list_agencies": TOKEN(WITH_AGENCY),
    "api.list_plans": TOKEN(WITH_AGENCY),
    "api.plan_tasks": TOKEN(WITH_AGENCY),
    "api.submit_task_product": POST,
    "tasks.index": WITH_AGENCY,
    "tasks.register": WITH_AGENCY,
    "tasks.register_xlsx": WITH_AGENCY,
    "tasks.unit": ALL,  # names the commune 11311: an agency user gets 404 (its own agency's page is probed below)
    "tasks.task": ALL,  # task I.1, led by every commune: 404 for an agency user; the GET of the submit form
    "tasks.task_xlsx": ALL,
    "tasks.progress": CITY,
    "tasks.progress_xlsx": CITY,
    "tasks.progress_pdf": CITY,
    "tasks.submission_file": ALL,  # a commune's product: 404 for an agency user
    "tasks.withdraw_submission": POST,
    "tasks.new_plan": OFFICE,
    "tasks.edit_plan": OFFICE,
    "tasks.plan_state": POST,
    "tasks.new_task": OFFICE,
    "tasks.edit_task": OFFICE,  # the role is refused (403) before the task is looked up
    "tasks.task_state": POST,
    "agencies.index": OFFICE,
    "agencies.new_agency": OFFICE,
    "agencies.edit_agency": OFFICE,
    "agencies.set_state": POST,
    "api.commune_targets": TOKEN(ALL),  # a commune user gets its own commune's row only
    "api.put_commune_targets": TOKEN(ALL),  # same URL as the list: its GET is the list
    "api.put_commune_actuals": POST,  # PUT only: its GET answers 405
    "api.emulation": TOKEN(ALL),  # a commune user gets its own row only
    # Periodic reports (issue 18): the world's agency user is Sở Nội vụ's, which reads every unit's submitted
    # report (it consolidates them, seed 000 §VIII.2); another agency's user is probed below.
    "periodic.index": WITH_AGENCY,
    "periodic.report": WITH_AGENCY,
    "periodic.autosave": POST,
    "periodic.report_pdf": WITH_AGENCY,
    "periodic.version_pdf": frozenset({"admin", "city"}),
    "periodic.reopen_report": POST,
    "periodic.consolidation": CITY | {"agency"},
    "periodic.remind": POST,
    "periodic.figures_xlsx": CITY | {"agency"},
    "periodic.consolidated_report": CITY | {"agency"},
    "periodic.consolidated_pdf": CITY | {"agency"},
    "periodic.consolidated_docx": CITY | {"agency"},
    "periodic.calendar": frozenset({"admin", "city"}),
    "api.list_periodic_reports": TOKEN(WITH_AGENCY),
    "api.save_periodic_report": TOKEN(WITH_AGENCY),  # same URL as the list: its GET is the list
    "api.periodic_report_pdf": TOKEN(WITH_AGENCY),
    # Targets by commune (issue 19): a commune user sees its own commune's page and its own line of the list.
    "targets.communes": ALL,  # a commune user is sent to its own commune's page
    "targets.communes_xlsx": CITY,
    "targets.shortfalls": ALL,
    "targets.commune": ALL,
    "targets.record_shortfall": POST,
    "targets.import_targets": OFFICE,
    "targets.import_preview": OFFICE,  # a missing upload id answers 404 to the office too
    "targets.import_confirm": OFFICE,  # same URL as the preview: its GET is the preview
    "targets.edit_targets": OFFICE,
    "targets.emulation": ALL,  # a commune user sees its own line, with its rank in the city
    "targets.set_emulation_weights": POST,
    "targets.emulation_xlsx": CITY,
    "targets.emulation_pdf": CITY,
}

# Which URL argument names an object, and where to find the commune user's own one / another commune's.
OBJECT_ARGS = ("activity_id", "photo_id", "code", "user_id", "token", "question_id", "followup_id", "task_id",
               "submission_id")
MISSING_OK = {"checkin.import_preview", "checkin.import_confirm", "targets.import_preview", "targets.import_confirm"}
ROLE_FIRST = {"tasks.edit_task"}  # a city-office editor: a commune user is refused (403) before the lookup


FIXED_ARGS = {
    "static": {"filename": "css/app.css"},
    "main.set_language": {"code": "vi"},
    "auth.revoke_api_token": {"token_id": 1},
    "campaigns.edit_duty": {"no": 1},
    "campaigns.edit_requirement": {"key": "communication_points"},
    "campaigns.duty_action": {"no": 1, "action": "up"},
    "campaigns.requirement_action": {"key": "communication_points", "action": "up"},
    "notifications.mark_notification_read": {"notification_id": 1},
    "api.read_notification": {"notification_id": 1},
    "admin.run_job_now": {"name": "compliance_snapshot"},
    "dashboard.block": {"name": "chi-tieu"},
    "periodic.version_pdf": {"version": 1},
    "checkin.ticket_png": {"ticket": "ve-khong-hop-le"},
    "checkin.export_attendance": {"fmt": "csv"},
    "checkin.activity_qr": {"fmt": "png"},
    "api.activity_qr": {"fmt": "png"},
    "api.submit_task_product": {"task_id": 1},
    "agencies.edit_agency": {"code": "SNV"},
    "agencies.set_state": {"code": "SNV"},
    "checkin.import_preview": {"upload_id": "khong-co"},
    "checkin.import_confirm": {"upload_id": "khong-co"},
    "checkin.import_cancel": {"upload_id": "khong-co"},
    "targets.import_preview": {"upload_id": "khong-co"},
    "targets.import_confirm": {"upload_id": "khong-co"},
}
SLUG = "bhyt-day-2026"
PLAN_SLUG = "phat-trien-bhxh-2026-2030"
SLUGS = {"api.plan_tasks": PLAN_SLUG}


def _urls(app, world, which):
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = dict(FIXED_ARGS.get(rule.endpoint, {}))
            if "period" in rule.arguments:
                args["period"] = "2026-H1"
            if "slug" in rule.arguments:
                args["slug"] = PLAN_SLUG if rule.endpoint.startswith("tasks.") else SLUGS.get(rule.endpoint, SLUG)
            args.update({a: world[which][a] for a in rule.arguments if a in OBJECT_ARGS and a not in args})
            urls[rule.endpoint] = (url_for(rule.endpoint, **args), rule.arguments & set(OBJECT_ARGS))
    return urls


def test_every_endpoint_has_a_rule(app):
    missing = sorted(e for e in app.view_functions if e not in RULES)
    assert missing == [], f"add a scope rule for: {missing}"


def _check_page(who, endpoint, rule, response):
    if rule == PUBLIC:
        assert response.status_code < 500, (who, endpoint, response.status_code)
        assert "/login" not in response.headers.get("Location", ""), (who, endpoint)
    elif rule == POST:
        assert response.status_code == 405, (who, endpoint, response.status_code)
    elif isinstance(rule, TOKEN):
        assert response.status_code == 401, (who, endpoint)  # the API wants a bearer token, not a session
    elif who in rule:
        ok = (200, 302, 404) if endpoint in MISSING_OK else (200, 302)
        assert response.status_code in ok, (who, endpoint, response.status_code)
        if endpoint not in ("main.set_language", "auth.login") and response.status_code == 302:
            assert "/login" not in response.headers["Location"], (who, endpoint)
    elif who == "anon":
        assert response.status_code == 302 and "/login" in response.headers["Location"], (who, endpoint)
    else:
        assert response.status_code in (403, 404), (who, endpoint, response.status_code)


def test_every_route_as_every_role(app, client, world, login, api_token):
    own = _urls(app, world, "own")
    tokens = {role: api_token(world["users"][role]) for role in ROLES}
    checked = 0
    for who in ("anon", *ROLES):
        if who != "anon":
            if who != ROLES[0]:
                client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
            login(world["users"][who])
        for endpoint, (url, _) in sorted(own.items()):
            rule = RULES[endpoint]
            response = client.get(url)
            response.close()
            _check_page(who, endpoint, rule, response)
            if isinstance(rule, TOKEN) and who != "anon":
                response = client.get(url, headers=tokens[who])
                response.close()
                expected = (200,) if who in rule.roles else (403, 404)
                assert response.status_code in expected, (who, endpoint, "token", response.status_code)
            checked += 1
    assert checked == len(own) * (len(ROLES) + 1)


def _write_method(app, endpoint: str) -> str:
    """POST, or the route's other writing method (PATCH, PUT, DELETE) when it takes no POST."""
    methods = set().union(*(r.methods for r in app.url_map.iter_rules() if r.endpoint == endpoint))
    return "POST" if "POST" in methods else sorted(methods & {"PATCH", "PUT", "DELETE"})[0]


def test_commune_user_gets_404_for_every_route_naming_another_communes_object(app, client, world, login,
                                                                             api_token):
    login(world["users"]["commune"])
    headers = api_token(world["users"]["commune"])
    probed = 0
    for endpoint, (url, args) in sorted(_urls(app, world, "other").items()):
        if not args & {"activity_id", "photo_id", "code", "question_id", "followup_id", "task_id", "submission_id"} \
                or endpoint.startswith("admin.") or endpoint in FIXED_ARGS or endpoint in ROLE_FIRST:
            continue
        rule = RULES[endpoint]
        if rule == PUBLIC:
            continue  # residents' pages are public by design
        response = client.get(url, headers=headers if isinstance(rule, TOKEN) else {})
        response.close()
        if rule == POST:
            assert response.status_code == 405, endpoint
            response = client.open(url, method=_write_method(app, endpoint), headers=headers,
                                   data={"csrf_token": csrf_token(client, "/profile")})
            response.close()
            assert response.status_code in (403, 404), (endpoint, response.status_code)  # 403: role refused first
        else:
            assert response.status_code == 404, (endpoint, response.status_code)
        probed += 1
    assert probed >= 10


def test_agency_user_gets_its_own_tasks_and_404_for_another_agencys(app, client, world, login, api_token):
    """Sở Nội vụ's user: its unit page, task, product and activity open; Sở Y tế's answer 404, pages, POSTs and API
    alike."""
    login(world["users"]["agency"])
    slug = "phat-trien-bhxh-2026-2030"
    with app.test_request_context():
        urls = {which: {
            "unit": url_for("tasks.unit", slug=slug, code=world[which]["code"]),
            "task": url_for("tasks.task", slug=slug, task_id=world[which]["task_id"]),
            "task_xlsx": url_for("tasks.task_xlsx", slug=slug, task_id=world[which]["task_id"]),
            "file": url_for("tasks.submission_file", submission_id=world[which]["submission_id"]),
            **{f"activity {name}": url_for(f"activities.{name}", activity_id=world[which]["activity_id"])
               for name in ("show_activity", "edit_activity", "mark_held", "copy_activity", "delete_activity")},
        } for which in ("agency_own", "agency_other")}
        api = {which: url_for("api.get_activity_api", activity_id=world[which]["activity_id"])
               for which in ("agency_own", "agency_other")}
        withdraw = url_for("tasks.withdraw_submission", submission_id=world["agency_other"]["submission_id"])
    for name, url in urls["agency_own"].items():
        response = client.get(url)
        response.close()
        assert response.status_code == 200, (name, response.status_code)
    for name, url in urls["agency_other"].items():
        response = client.get(url)
        response.close()
        assert response.status_code == 404, (name, response.status_code)
    token = csrf_token(client, "/profile")
    response = client.post(urls["agency_other"]["task"], data={"csrf_token": token, "period": "2026-H1",
                                                               "title": "x", "url": "https://example.org/x"})
    assert response.status_code == 404
    assert client.post(withdraw, data={"csrf_token": token}).status_code == 403
    cancel = f"/activities/{world['agency_other']['activity_id']}/cancel"
    assert client.post(cancel, data={"csrf_token": token, "cancel_reason": "x"}).status_code == 404, cancel
    headers = api_token(world["users"]["agency"])
    assert client.get(api["agency_own"], headers=headers).status_code == 200
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(api["agency_other"], method=method, headers=headers, json={"title": "x"})
        assert response.status_code == 404, (method, response.status_code)


def test_agency_user_sees_only_its_own_periodic_report(app, client, world, login, api_token):
    """Sở Y tế's user (not the consolidating Sở Nội vụ): its own report opens; a commune's, Sở Nội vụ's and the
    consolidation answer 404/403, pages, POSTs and the API alike."""
    from app.admin.services import create_user

    syt = create_user("scope_syt", "agency", "Matkhau123", agency_code="SYT")
    syt.plain_password = "Matkhau123"
    from app.extensions import db as _db

    _db.session.commit()
    login(syt)
    base = "/bao-cao-dinh-ky/2026-H1"
    assert client.get(f"{base}/SYT").status_code == 200
    for url in (f"{base}/11311", f"{base}/SNV", f"{base}/11311.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.get(base).status_code == 403
    token = csrf_token(client, "/profile")
    assert client.post(f"{base}/SNV", data={"csrf_token": token, "ket_qua": "x"}).status_code == 404
    headers = api_token(syt)
    rows = client.get("/api/v1/periodic-reports?period=2026-H1", headers=headers).get_json()
    assert [r["unit_code"] for r in rows] == ["SYT"]
    assert client.get("/api/v1/periodic-reports/2026-H1/11311.pdf", headers=headers).status_code == 404
    refused = client.post("/api/v1/periodic-reports", headers=headers,
                          json={"unit_type": "commune", "unit_code": "11311", "period": "2026-H1"})
    assert refused.status_code == 404

JUNK_QUERIES = (  # issue 22 item 8: Unicode digits, 30-digit ids, a header injection, an `url_for` keyword
    {k: "²" for k in ("page", "per_page", "commune", "kind", "status", "campaign", "as_of", "from", "to", "year",
                      "unread", "q", "lang", "audience", "activity")} | {"endpoint": "x", "next": "/\r\nX:1"},
    {k: "9" * 30 for k in ("page", "per_page", "commune", "activity", "id", "audience", "year", "notification")}
    | {"next": "/%09/evil.example", "_external": "1"},
)


def test_junk_query_parameters_on_every_route_never_answer_500(app, client, world, login, api_token):
    from urllib.parse import urlencode

    login(world["users"]["admin"])
    headers = api_token(world["users"]["admin"])
    failures = []
    for endpoint, (url, _) in sorted(_urls(app, world, "own").items()):
        for junk in JUNK_QUERIES:
            response = client.get(f"{url}{'&' if '?' in url else '?'}{urlencode(junk)}",
                                  headers=headers if isinstance(RULES[endpoint], TOKEN) else {})
            response.close()
            if response.status_code >= 500:
                failures.append((endpoint, response.status_code))
    assert failures == []


def test_every_post_sent_twice_as_every_role_never_answers_500(app, db, client, world, login, api_token):
    """Issue 22 item 9: the double click, the second tab, the retry — every POST of the URL map, twice."""
    with app.test_request_context():
        posts = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                       if "POST" in rule.methods and rule.endpoint != "auth.logout")
    own = _urls(app, world, "own")
    failures = []
    for who in ROLES:
        user = db.session.get(type(world["users"][who]), world["users"][who].id)
        user.active = True  # the admin's blank post of the viewer's user form unticked "active", as a browser would
        db.session.commit()
        login(world["users"][who])
        token = csrf_token(client, "/profile")
        headers = api_token(world["users"][who])
        for endpoint in posts:
            url = own[endpoint][0]
            for _ in range(2):
                response = client.post(url, data={"csrf_token": token}, headers=headers
                                       if endpoint.startswith("api.") else {})
                response.close()
                if response.status_code >= 500:
                    failures.append((who, endpoint, response.status_code))
        client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    assert failures == []
