"""The timetable: a week per room (each meeting, cancelled ones struck through), adding a
schedule (overlaps refused with the clashing class named), removing one, and cancelling a
date or a whole term break (or restoring it). Admins change it; instructors may look."""

from __future__ import annotations

from datetime import date, time, timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk.model import ClassInfo, Schedule, meeting, parse_weekdays, rooms
from kiosk.staff.roles import may_manage
from kiosk.web.console.access import as_school, read_store, require_admin
from kiosk.web.context import page, signed_form, signed_in, state
from kiosk.web.forms import WebError, parse_day

MAX_SPAN_DAYS = 400


async def timetable(request: Request) -> Response:
    signed = await signed_in(request)
    return await _timetable_page(request, signed, request.query_params)


async def _timetable_page(request: Request, signed, asked, status: int = 200, error: str = "",
                          typed: dict | None = None) -> Response:
    """The room's week (`asked`: its room and week); with `error`, the add form comes back with
    what was `typed` and why it was refused."""
    web = state(request)
    monday = _monday(asked.get("week"), web)
    schedules, classes, records = await read_store(request, lambda s: (s.schedules(), s.classes(), s.class_records()))
    all_rooms = sorted(rooms(classes)) + ([""] if any(not c.room for c in classes.values()) else [])
    room = asked.get("room", all_rooms[0] if all_rooms else "")
    days = [monday + timedelta(days=n) for n in range(7)]
    week = {day: _meetings_on(schedules, classes, room, day, web) for day in days}
    flash, signed.flash = signed.flash, ""
    # An instructor sees the whole room's week (when it is free) but opens only their own classes.
    own = {r.code for r in records if may_manage(signed.person.role, signed.person.id, r.instructor_id)}
    return page(request, "timetable.html", status, room=room, rooms=all_rooms, week=week, monday=monday, own=own,
                previous=_link(room, monday - timedelta(days=7)), following=_link(room, monday + timedelta(days=7)),
                classes=sorted(classes.values(), key=lambda c: c.code), flash=flash, zone=web.tz.key,
                error=error, typed=typed or {})


def _meetings_on(schedules: list[Schedule], classes: dict[str, ClassInfo], room: str, day: date, web) -> list:
    """(meeting, schedule, cancelled) of the room's classes that day, by start."""
    found = []
    for schedule in schedules:
        info = classes.get(schedule.class_code)
        if info is None or info.room != room:
            continue
        regular = Schedule(**{**schedule.__dict__, "cancelled": frozenset()})
        if regular.meets_on(day):
            found.append((meeting(schedule, day, info, timedelta(minutes=web.cfg.attendance.early_open_min)),
                          schedule, day in schedule.cancelled))
    return sorted(found, key=lambda item: item[0].starts_at)


async def schedule_add(request: Request) -> Response:
    signed, form = await signed_form(request)
    await require_admin(request)
    try:
        schedule = _schedule_from(form, state(request))
        await as_school(request, signed, lambda school: school.add_schedule(schedule))
    except WebError as err:  # refused (an overlap, a bad time): the form comes back as typed
        if err.status != 400:
            raise
        return await _timetable_page(request, signed, form, 400, err.message, form)
    signed.flash = f"{schedule.class_code} added to the timetable"
    return _back(form)


async def schedule_remove(request: Request) -> Response:
    signed, form = await signed_form(request)
    await require_admin(request)
    try:
        schedule_id = int(request.path_params["schedule_id"])
    except ValueError:
        raise WebError(404, "unknown schedule") from None
    code = await as_school(request, signed, lambda school: school.remove_schedule(schedule_id))
    signed.flash = f"a schedule of {code} removed"
    return _back(form)


async def schedule_cancel(request: Request) -> Response:
    """One date (a holiday) or a span (a term break) of a class, or with `schedule_id` one meeting
    ("Cancel this day" beside it); `undo` restores. A meeting already held is refused (400)."""
    signed, form = await signed_form(request)
    await require_admin(request)
    first = parse_day(form.get("from"), "the first date")
    last = parse_day(form.get("until") or form.get("from"), "the last date")
    if last < first or (last - first).days > MAX_SPAN_DAYS:
        raise WebError(400, f"the dates run from the first to the last, at most {MAX_SPAN_DAYS} days")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    cancel = form.get("undo") != "1"
    code, schedule_id = form.get("class_code", ""), _schedule_id(form.get("schedule_id") or None)
    count = await as_school(request, signed, lambda school: school.cancel_dates(
        code, days, form.get("reason", "").strip()[:120], cancel, schedule_id))
    signed.flash = f"{code}: {count} meeting(s) {'cancelled' if cancel else 'restored'}"
    return _back(form)


def _schedule_id(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or len(text) > 12:
        raise WebError(400, f"schedule {text[:20]!r} is not a schedule's number")
    return int(text)


def _schedule_from(form: dict[str, str], web) -> Schedule:
    try:
        start, end = time.fromisoformat(form.get("start", "")), time.fromisoformat(form.get("end", ""))
    except ValueError:
        raise WebError(400, "start and end are times such as 09:00") from None
    if end <= start:
        raise WebError(400, f"the end {end:%H:%M} must be after the start {start:%H:%M}")
    zone = web.tz.key
    ticked = [v for k, v in form.items() if k.startswith("day_")]
    if form.get("date") and ticked:
        raise WebError(400, "choose weekdays for a weekly meeting, or one date, not both")
    if form.get("date"):
        return Schedule(form.get("class_code", ""), start, end, zone, on_date=parse_day(form["date"]))
    try:
        weekdays = parse_weekdays(",".join(ticked) or form.get("days", ""))
    except ValueError as err:
        raise WebError(400, f"{err}: choose the weekdays, or a date") from None
    return Schedule(form.get("class_code", ""), start, end, zone, weekdays=weekdays)


def _monday(text: str | None, web) -> date:
    day = parse_day(text, "week") if text else web.clock().astimezone(web.tz).date()
    return day - timedelta(days=day.weekday())


def _link(room: str, monday: date) -> str:
    return "/timetable?" + urlencode({"room": room, "week": monday.isoformat()})


def _back(form: dict[str, str]) -> Response:
    return RedirectResponse("/timetable?" + urlencode({"room": form.get("room", ""),
                                                       "week": form.get("week", "")}), 303)
