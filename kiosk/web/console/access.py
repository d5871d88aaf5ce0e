"""Who may use the console, and acting as them: the school's admin actions run with this
machine's store, in a worker thread, under `web:STAFF_ID`."""

from __future__ import annotations

from starlette.requests import Request

from kiosk.errors import KioskError
from kiosk.staff.school import School
from kiosk.store.pins import pin_holder
from kiosk.sync.client import CentralUnavailable
from kiosk.web.auth import StaffLogin
from kiosk.web.context import WebState, blocking, signed_in, state
from kiosk.web.forms import WebError


async def require_admin(request: Request) -> StaffLogin:
    signed = await signed_in(request)
    if signed.person.role != "admin":
        raise WebError(403, "only an admin can change the school's set-up; ask one, or see your classes on Today")
    return signed


def actor(signed: StaffLogin) -> str:
    return f"web:{signed.person.id}"


async def as_school(request: Request, signed: StaffLogin, action):
    """Run `action(school)` off the event loop; a refused change is a WebError 400 with its one line."""
    web: WebState = state(request)

    def run():
        store = web.stores.get()
        result = action(School(store, web.cfg, actor(signed)))
        # A role, a PIN or a person may have changed: their other browsers sign out now (an open
        # live page too), while this one takes its own new role on.
        for person_id in web.sessions.signed_in_people():
            web.sessions.settle(person_id, pin_holder(store, person_id), acting=signed)
        return result

    try:
        result = await blocking(run)
    except CentralUnavailable as err:  # nothing was written: an admin change is made centrally or not at all
        raise WebError(503, f"the central database cannot be reached, so nothing was changed: {err}") from None
    except KioskError as err:
        raise WebError(400, str(err)) from None
    web.sync_soon()
    return result


async def read_store(request: Request, read):
    """`read(store)` with this machine's store, off the event loop."""
    web: WebState = state(request)
    return await blocking(lambda: read(web.stores.get()))


def check_csrf(signed: StaffLogin, form: dict[str, str]) -> None:
    """For multipart forms (read by read_upload, not signed_form)."""
    if not signed.csrf_ok(form.get("csrf")):
        raise WebError(403, "the form's security token is missing or wrong: reload the page and try again")
