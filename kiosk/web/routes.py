"""The URL map, and the template filters that turn facts into words."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, unquote

from jinja2 import Environment
from starlette import routing
from starlette.routing import Match

from kiosk.enrolment.rules import MAX_ID_LEN
from kiosk.model import STATUSES
from kiosk.reports.rows import NOT_MARKED, NOT_YET
from kiosk.web import api, attempts, downloads, pages
from kiosk.web.console import classes, oneroster, people, staff, timetable

STATUS_WORDS = {"present": "Present", "late": "Late", "absent": "Absent", "excused": "Excused", "": "Not yet",
                NOT_YET: "Not yet", NOT_MARKED: "Not marked"}
METHOD_WORDS = {"face": "face", "manual": "by hand", "auto": "at the end", "code": "code",
                "confirmed": "confirmed from the door's picture", "": ""}
STATE_WORDS = {"active": "in progress", "ended": "ended", "scheduled": "scheduled"}
# The audit's action codes in words; an action not listed reads as its code with spaces.
AUDIT_WORDS = {"pin_ok": "signed in", "pin_wrong": "wrong PIN", "pin_rate_limited": "sign-in refused: too many tries",
               "pin_set": "PIN set", "lockout": "PIN locked after wrong tries", "manual_mark": "marked by hand",
               "end_session": "session ended", "start_early": "session started early",
               "register_open": "register opened by hand", "session_reopened": "session reopened",
               "code_check_in": "checked in with a code", "code_wrong": "wrong check-in code",
               "code_locked": "check-in codes locked after wrong tries", "code_issue": "check-in code issued",
               "code_revoke": "check-in code revoked", "enroll": "enrolled", "enroll_refused": "enrolment refused",
               "enroll_duplicate": "enrolment refused: already enrolled face", "person.erase": "person erased",
               "attempt_confirm": "door attempt confirmed", "door_ref_remove": "door reference removed"}


class Route(routing.Route):
    """A route that keeps an encoded '/' inside its segment. The server decodes the path before
    routing, so /class/C%2FD (a class made before codes followed the id rule) would reach
    /class/{code}/{what} as C and D; a path sent with %2F is matched as sent, and each
    parameter decoded then."""

    def matches(self, scope):
        raw = scope.get("raw_path") or b""
        if scope["type"] != "http" or b"%2f" not in raw.lower():
            return super().matches(scope)
        match, child = super().matches({**scope, "path": raw.decode("ascii", "replace")})
        if match is not Match.NONE:
            child["path_params"] = {k: unquote(v) if isinstance(v, str) else v for k, v in child["path_params"].items()}
        return match, child


ROUTES = [
    Route("/", pages.home),
    Route("/healthz", api.healthz),
    Route("/login", api.login_form, methods=["GET"]),
    Route("/login", api.login, methods=["POST"]),
    Route("/logout", api.logout, methods=["POST"]),
    Route("/today", pages.today),
    Route("/kiosks", pages.kiosks),
    Route("/session/{session_id}", pages.session_page),
    Route("/session/{session_id}/card", pages.session_card),
    Route("/session/{session_id}/roster", pages.session_roster),
    # kind: csv, xlsx, oneroster.csv or edfi.json (the office's codes: kiosk/reports/interchange.py)
    Route("/session/{session_id}/attendance.{kind:str}", pages.session_download),
    Route("/session/{session_id}/mark", pages.mark, methods=["POST"]),
    Route("/day/{day}/attendance.{kind:str}", downloads.day_download),
    Route("/class/{code}", pages.class_page),
    Route("/class/{code}/chart.png", pages.class_chart),
    Route("/api/attendance", api.attendance),
    Route("/api/events", api.events),
    # door attempts (kiosk/web/attempts.py)
    Route("/attempts", attempts.day_page),
    Route("/api/attempts", attempts.api_attempts),
    Route("/session/{session_id}/attempts", attempts.session_page),
    Route("/attempts/bulk", attempts.bulk, methods=["POST"]),
    Route("/attempts/{attempt_id:int}/crop.jpg", attempts.crop),
    Route("/attempts/{attempt_id:int}/confirm", attempts.confirm, methods=["POST"]),
    Route("/attempts/{attempt_id:int}/dismiss", attempts.dismiss, methods=["POST"]),
    # the school's console (kiosk/web/console/)
    Route("/people", people.people_list, methods=["GET"]),
    Route("/people", people.person_create, methods=["POST"]),
    Route("/new-person", people.person_new),
    Route("/api/people", people.api_people),
    Route("/people/{person_id}", people.person_page),
    Route("/people/{person_id}/photos", people.person_photos, methods=["POST"]),
    Route("/people/{person_id}/code", people.person_code, methods=["POST"]),
    Route("/people/{person_id}/erase", people.person_erase, methods=["POST"]),
    Route("/people/{person_id}/references/{reference_id:int}/remove", people.reference_remove, methods=["POST"]),
    Route("/people/{person_id}/{what}", people.person_change, methods=["POST"]),
    Route("/classes", classes.classes_list, methods=["GET"]),
    Route("/classes", classes.class_create, methods=["POST"]),
    Route("/classes/oneroster", oneroster.oneroster_upload, methods=["POST"]),
    Route("/class/{code}/import", classes.class_import, methods=["POST"]),
    Route("/class/{code}/{what}", classes.class_change, methods=["POST"]),
    Route("/timetable", timetable.timetable, methods=["GET"]),
    Route("/timetable", timetable.schedule_add, methods=["POST"]),
    Route("/timetable/cancel", timetable.schedule_cancel, methods=["POST"]),
    Route("/timetable/{schedule_id}/remove", timetable.schedule_remove, methods=["POST"]),
    Route("/staff", staff.staff_list, methods=["GET"]),
    Route("/staff", staff.staff_add, methods=["POST"]),
    Route("/staff/{person_id}/{what}", staff.staff_change, methods=["POST"]),
    Route("/audit", staff.audit_page),
]


def add_filters(env: Environment, web) -> None:
    env.filters["segment"] = lambda text: quote(str(text), safe="")  # an id as one path segment ('/' too)
    env.filters["hhmm"] = lambda moment: moment.astimezone(web.tz).strftime("%H:%M") if moment else ""
    env.filters["when"] = _when
    env.filters["day"] = lambda moment: moment.astimezone(web.tz).date().isoformat()
    env.filters["status_word"] = lambda status: STATUS_WORDS.get(status, status)
    env.filters["method_word"] = lambda method: METHOD_WORDS.get(method, method)
    env.filters["state_word"] = lambda s: STATE_WORDS.get(s, s)
    env.filters["view_state"] = lambda view: _view_state(view, web.clock())
    env.filters["audit_word"] = lambda a: AUDIT_WORDS.get(a, a.replace("_", " ").replace(".", " "))
    env.filters["ago"] = _ago
    env.filters["percent"] = lambda share: f"{share:.0%}"
    env.globals["STATUSES"] = STATUSES
    env.globals["MAX_ID_LEN"] = MAX_ID_LEN  # a class code's longest, as a person id's


def _view_state(view, now: datetime) -> str:
    """A session's state in words; a meeting no kiosk opened says whether it is due now or was not
    held, instead of "scheduled" all through its hour (a room without a kiosk, or one switched off)."""
    if view.state == "scheduled" and view.starts_at <= now:
        return "due now: no kiosk opened it" if now < view.ends_at else "not held"
    return STATE_WORDS.get(view.state, view.state)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M") if moment else ""


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"
