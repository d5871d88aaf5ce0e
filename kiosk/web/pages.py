"""The staff pages: Today, a session, a class, the kiosks; downloads; fixing a mark."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime, timedelta
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk.errors import StoreError
from kiosk.model import AWAITING
from kiosk.model import session_id as meeting_id
from kiosk.reports.chart import draw_chart
from kiosk.reports.summary import should_reenrol, tally
from kiosk.staff.marks import MARK_STATUSES, NOT_YOURS, UNKNOWN_SESSION, Mark, Marked, MarkRefused
from kiosk.staff.register import mark_meeting, meeting_by_id
from kiosk.web.access import allowed_codes, require_class, visible
from kiosk.web.context import blocking, page, signed_form, signed_in, state
from kiosk.web.downloads import attendance_file, checked_kind
from kiosk.web.forms import WebError, class_code_in_path, parse_day
from kiosk.web.model import SessionView

MAX_ID = 100
_CHART_LOCK = threading.Lock()  # pyplot keeps global state: one chart at a time


async def today(request: Request) -> Response:
    web = state(request)
    signed = await signed_in(request)
    text = request.query_params.get("date")
    day = parse_day(text) if text is not None else web.clock().astimezone(web.tz).date()
    since = f"{web.hub.run}.{web.hub.seq}"  # before reading: a change meanwhile is replayed, not lost
    views, classes = await blocking(web.source.day, day), await blocking(web.source.classes)
    allowed = allowed_codes(signed, classes)
    views = [v for v in views if visible(allowed, v.class_code)]
    return page(request, "today.html", day=day, views=views, since=since, is_today=day == _today(web),
                previous=day - timedelta(days=1), following=day + timedelta(days=1))


async def session_card(request: Request) -> Response:
    view = await _session(request)
    return page(request, "_card.html", view=view)


async def session_page(request: Request, error: dict | None = None, status: int = 200) -> Response:
    web = state(request)
    since = f"{web.hub.run}.{web.hub.seq}"
    view = await _session(request)
    signed = await signed_in(request)
    flash, signed.flash = signed.flash, ""
    return page(request, "session.html", status, view=view, since=since, can_fix=await _markable(web, view),
                choices=MARK_STATUSES, flash=flash, error=error)


async def session_roster(request: Request) -> Response:
    web = state(request)
    view = await _session(request)
    return page(request, "_roster.html", view=view, can_fix=await _markable(web, view), choices=MARK_STATUSES)


async def _markable(web, view: SessionView) -> bool:
    """Held here, or a meeting of this machine's timetable whose register has opened."""
    meeting = await blocking(lambda: meeting_by_id(web.stores.get(), view.session_id, web.tz, _early(web)))
    return meeting is not None and (meeting.state != "scheduled" or web.clock() >= meeting.opens_at)


async def session_download(request: Request) -> Response:
    view = await _session(request)
    kind = checked_kind(request.path_params["kind"])
    start = view.starts_at.isoformat(timespec="seconds")
    rows = [r for r in await blocking(state(request).source.export_rows, view.starts_at.date(), view.class_code)
            if r[3] == start]
    return await attendance_file(request, rows, kind, f"{_safe(view.class_code)}_{view.starts_at:%Y-%m-%d_%H%M}")


async def class_page(request: Request) -> Response:
    web = state(request)
    summary = await _class(request)
    rows = await blocking(web.source.export_rows, None, summary.code)
    sessions, students = tally(rows)
    meetings = [(meeting_id(summary.code, datetime.fromisoformat(start)), datetime.fromisoformat(start), counts)
                for start, counts in sessions.items()]
    table = sorted(((pid, name, counts) for (pid, name, _), counts in students.items()),
                   key=lambda item: item[1].casefold())
    reenrol = {key[0] for key, _ in should_reenrol(students)}
    awaiting = {pid for pid, _, enrolment in students if enrolment == AWAITING}
    signed = await signed_in(request)
    flash, signed.flash = signed.flash, ""
    setup = await blocking(lambda: _class_setup(web.stores.get(), summary.code)) \
        if signed.person.role == "admin" else None
    return page(request, "class.html", summary=summary, meetings=meetings, students=table, reenrol=reenrol,
                awaiting=awaiting, setup=setup, flash=flash)


def _class_setup(store, code: str) -> dict | None:
    """What an admin edits on a class's page: its record here, its roster's names, the staff."""
    from kiosk.store.sessions import roster_names
    from kiosk.store.staff import staff_members

    record = store.class_record(code)
    if record is None:
        return None  # removed: its history stays, there is nothing left to edit
    return {"record": record, "roster": sorted(roster_names(store, code).items(), key=lambda kv: kv[1].casefold()),
            "staff": staff_members(store)}


async def class_chart(request: Request) -> Response:
    web = state(request)
    summary = await _class(request)
    sessions, _ = tally(await blocking(web.source.export_rows, None, summary.code))
    if not sessions:
        raise WebError(404, f"no attendance recorded for {summary.code} yet")
    data = io.BytesIO()

    def draw() -> None:
        with _CHART_LOCK:
            draw_chart(data, summary.code, sessions)

    await blocking(draw)
    return Response(data.getvalue(), media_type="image/png")


async def kiosks(request: Request) -> Response:
    await signed_in(request)
    rows = await blocking(state(request).source.kiosks)
    return page(request, "kiosks.html", kiosks=rows)


async def mark(request: Request) -> Response:
    """POST: fix one mark through the one manual-mark routine (kiosk/staff/marks.py), then back to
    the session. A refused mark is a 4xx page saying why."""
    web = state(request)
    signed, form = await signed_form(request)
    sid = _session_id(request)
    mark = Mark(sid, form.get("person_id", "")[:MAX_ID], form.get("status", ""), form.get("reason", ""))

    def apply() -> tuple[Marked, bool]:
        store = web.stores.get()
        meeting = meeting_by_id(store, sid, web.tz, _early(web))
        if meeting is None:
            raise MarkRefused(UNKNOWN_SESSION, f"{sid[:MAX_ID]!r} is not a meeting of this kiosk's timetable")
        return mark_meeting(store, meeting, mark, signed.person, web.cfg.kiosk.id, web.clock(), where="web")

    try:
        marked, opened = await blocking(apply)
    except (MarkRefused, StoreError) as err:  # shown on the form, with what was typed
        status = {UNKNOWN_SESSION: 404, NOT_YOURS: 403}.get(getattr(err, "reason", ""), 400)
        if status == 404:
            raise WebError(404, str(err)) from None
        error = {"person_id": mark.person_id, "reason": mark.reason, "message": str(err)}
        return await session_page(request, error=error, status=status)
    signed.flash = marked.summary() + (" (the register of this meeting is now open)" if opened else "")
    web.sync_soon()
    return RedirectResponse(f"/session/{quote(sid, safe='@:')}", 303)


async def home(request: Request) -> Response:
    return RedirectResponse("/today", 303)


# -- lookups shared by the handlers ---------------------------------------------------------

async def _session(request: Request) -> SessionView:
    web = state(request)
    signed = await signed_in(request)
    sid = _session_id(request)
    view = await blocking(web.source.session, sid)
    if view is None:
        raise WebError(404, f"unknown session {sid!r}")
    classes = await blocking(web.source.classes)
    if signed.person.role != "admin":
        require_class(signed, classes, view.class_code)
    return view


async def _class(request: Request):
    signed = await signed_in(request)
    return require_class(signed, await blocking(state(request).source.classes), class_code_in_path(request))


def _session_id(request: Request) -> str:
    sid = request.path_params["session_id"]
    if len(sid) > MAX_ID or "@" not in sid:
        raise WebError(404, f"unknown session {sid[:MAX_ID]!r}")
    return sid


def _early(web) -> timedelta:
    return timedelta(minutes=web.cfg.attendance.early_open_min)


def _today(web) -> date:
    return web.clock().astimezone(web.tz).date()


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40]
