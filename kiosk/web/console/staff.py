"""Staff and the audit trail: adding an instructor or admin, taking the role away, resetting a
PIN (typed twice, trivial PINs refused); and `audit list` as a page with its filters."""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk.enrolment.rules import name_problem, person_id_problem
from kiosk.store.audit import KINDS, audit_since
from kiosk.store.pins import pin_problem
from kiosk.store.staff import staff_members
from kiosk.web.console.access import as_school, read_store, require_admin
from kiosk.web.context import page, signed_form, state
from kiosk.web.forms import WebError, parse_day

AUDIT_ROWS = 500  # the newest shown; `main.py audit list` prints them all


async def staff_list(request: Request, error: str = "", status: int = 200, form: dict | None = None) -> Response:
    signed = await require_admin(request)
    members = await read_store(request, staff_members)
    flash, signed.flash = signed.flash, ""
    return page(request, "staff.html", status, members=members, flash=flash, error=error, form=form or {})


async def staff_add(request: Request) -> Response:
    signed, form = await signed_form(request)
    await require_admin(request)
    pid, name, role = form.get("person_id", "").strip(), form.get("name", "").strip(), form.get("role", "instructor")
    problem = person_id_problem(pid) or name_problem(name)
    if problem:
        return await staff_list(request, problem, 400, form)
    added = await as_school(request, signed, lambda school: school.add_staff(pid, name, role))
    signed.flash = f"{role} {pid} added: set their PIN below" if added else f"{pid} is already {role}; nothing changed"
    return RedirectResponse("/staff", 303)


async def staff_change(request: Request) -> Response:
    """POST /staff/{id}/remove, or /staff/{id}/pin with pin and pin_again."""
    signed, form = await signed_form(request)
    await require_admin(request)
    pid, what = request.path_params["person_id"][:64], request.path_params["what"]
    if what == "pin":
        pin, again = form.get("pin", ""), form.get("pin_again", "")
        problem = pin_problem(pin) or (None if pin == again else "the two PINs differ")
        if problem:
            return await staff_list(request, f"{pid}: PIN not set: {problem}", 400)
        await as_school(request, signed, lambda school: school.set_pin(pid, pin))
        signed.flash = f"PIN set for {pid}"
    elif what == "remove":  # their classes lose their instructor: typed, as removing a class is
        if form.get("confirm", "").strip() != pid:
            return await staff_list(request, f"{pid}: not removed: type their id ({pid}) to confirm", 400)
        done = await as_school(request, signed, lambda school: school.remove_staff(pid))
        signed.flash = f"{pid}: staff role and PIN removed; {done}"
    else:
        raise WebError(404, "no such change")
    return RedirectResponse(f"/staff#{quote(pid)}", 303)


async def audit_page(request: Request) -> Response:
    await require_admin(request)
    web = state(request)
    since_text, kind = request.query_params.get("since"), request.query_params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise WebError(400, f"kind must be one of {', '.join(KINDS)}")
    since = datetime.combine(parse_day(since_text, "since"), time(0), web.tz) if since_text else None
    entries = await read_store(request, lambda s: audit_since(s, since, kind))
    return page(request, "audit.html", entries=entries[-AUDIT_ROWS:][::-1], total=len(entries), kinds=KINDS,
                kind=kind or "", since=since_text or "")
