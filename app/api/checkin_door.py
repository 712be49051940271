"""The check-in POST answered before Flask's request handling (docs/checkin-fast-path.md, "The door").

`POST /api/v1/activities/<id>/checkins` is the endpoint a crowd at a fair hits hundreds of times a second. Its
view (`app/api/checkins.py`) is short, but the request around it — a request context, the URL map, the
session, eight before/after hooks, a Response object — costs more than the check-in itself. This WSGI wrapper
answers the ordinary check-in without them, by the same services in the same order as the view:

    token (app/api/auth.py) → role → activity in scope → check_in (app/checkin/services.py) → outcome_json

and hands everything else to Flask untouched: another path or method, a query string, a body that is not a
small JSON object, a character the NUL guard looks at (`app/routing.py`), no or a bad token, a role or an
activity the view refuses. Those are answered by the view and the app's hooks as before, so every refusal
keeps its one implementation. What the door answers carries the headers Flask's hooks give an API JSON answer
(`app/security.py` `api_json_headers`, the compression hook's `Vary`); an answer the compression hook would
compress is finished by Flask's own response processing. Nothing it writes is held in a Session: the token
and the check-in run on the thread's kept connection (`app/checkin/fastpath.py`), in an app context whose
teardown closes whatever the once-a-minute token touch opened. An error it meets is answered by the app's
error handlers through the same response processing (`app/errors.py`: a lost database is a 503 with
Retry-After), as the view's would be.

A test sends the same requests through the door and through the view and compares status, headers and body
(`tests/checkin/test_checkin_door.py`).
"""

from __future__ import annotations

import io
import re
from functools import partial

from flask import Flask, Response

from app.api.auth import bearer_token, checkin_caller
from app.api.checkins import checkin_refusal, create_checkin
from app.auth.services import principal_of
from app.checkin import services as svc
from app.checkin.fastpath import StaleRead
from app.checkin.responders import outcome_json
from app.checkin.tokens import short_ticket
from app.models.types import utcnow
from app.routing import MAX_ID, bad_text_in_json_body
from app.security import api_json_headers

PATH = re.compile(r"/api/v1/activities/([1-9][0-9]{0,9})/checkins")  # an id as the URL map reads it
ROLES = frozenset(create_checkin.allowed_roles)  # the view's @api_roles
MAX_BODY = 64 * 1024  # a check-in is a few hundred bytes; anything larger goes the ordinary way


class CheckinDoor:
    """WSGI wrapper: answers an ordinary check-in POST itself, passes every other request to `wsgi_app`."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self.headers = [*api_json_headers(app.config), ("Vary", "Accept-Encoding")]
        self.min_compressed = app.config["COMPRESS_MIN_SIZE"]

    def __call__(self, environ, start_response):
        found = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if found is None or environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        activity_id = int(found[1])
        body = self._body(environ)
        if body is None or activity_id > MAX_ID:
            return self.wsgi_app(environ, start_response)
        try:
            with self.app.app_context():
                answer = self._answer(environ, activity_id, body)
        except Exception as error:  # answered by the app's error handlers, as the view's would be
            return self._through_flask(environ, start_response, partial(self.app.handle_user_exception, error))
        if answer is None:
            return self.wsgi_app(environ, start_response)  # Flask's view and hooks answer it, as for any request
        data = answer.get_data()
        if len(data) >= self.min_compressed and environ.get("HTTP_ACCEPT_ENCODING"):
            return self._through_flask(environ, start_response, lambda: answer)
        start_response(answer.status, [*self.headers, ("Content-Length", str(len(data)))])
        return [data]

    @staticmethod
    def _body(environ) -> bytes | None:
        """The raw JSON body when it is small and declared, else None; `wsgi.input` is replaced so Flask can
        still read it."""
        mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "")
        if mimetype != "application/json" or not (length.isascii() and length.isdigit()) or not 0 < int(length) <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _answer(self, environ, activity_id: int, body: bytes) -> Response | None:
        """The check-in's JSON answer as `jsonify` makes it (its headers are not sent: the door's are the same), or
        None to let the view answer."""
        raw = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        if raw is None:
            return None
        try:
            data = self.app.json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict) or bad_text_in_json_body(body, lambda: data):
            return None
        now = utcnow()
        ticket = short_ticket(data.get("ticket"))  # a short ticket is read with the token (`checkin_caller`)
        with svc.direct_connection() as conn:
            try:
                outcome = self._check_in(conn, raw, now, activity_id, data, ticket, fresh=False)
            except StaleRead:  # a remembered row changed: read everything again, as a fresh request does
                outcome = self._check_in(conn, raw, now, activity_id, data, ticket, fresh=True)
        if outcome is None:
            return None
        answer = self.app.json.response(outcome_json(outcome))
        answer.status_code = outcome.status
        return answer

    def _check_in(self, conn, raw: str, now, activity_id: int, data: dict, ticket: str | None, fresh: bool):
        """The Outcome of the check-in, or None to let the view answer. On remembered reads (a guard) only a
        stored row counts: any other outcome raises StaleRead, so that it is decided on rows read now."""
        looked_up = checkin_caller(raw, now, activity_id, ROLES, conn, ticket, fresh)  # token, activity[, ticket]
        if looked_up is None:
            return None
        values, activity, holder, guard = looked_up
        caller = principal_of(values)
        if caller.role not in ROLES or checkin_refusal(activity, caller) is not None:
            if guard:
                raise StaleRead("refused on remembered reads")
            return None
        outcome = svc.check_in(activity, data, caller, now, self.app.config["SECRET_KEY"], conn,
                               None if ticket is None else (ticket, holder), guard)
        if guard and outcome.status != 201:
            raise StaleRead("answered on remembered reads")
        return outcome

    def _through_flask(self, environ, start_response, make):
        """An answer Flask finishes: `make()`'s response (or return value) through every after-request hook, in a
        request context of its own — an answer big enough to compress, or an error for the app's handlers."""
        with self.app.request_context(environ):
            response = self.app.process_response(self.app.make_response(make()))
            return response(environ, start_response)
