"""The contract a school's scripts rely on: /healthz, POST /login, /api/attendance,
/api/events; and signing out."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse

from kiosk.reports.rows import EXPORT_COLUMNS
from kiosk.web.access import allowed_codes, require_class, visible
from kiosk.web.context import COOKIE, blocking, page, signed_form, signed_in, state
from kiosk.web.events import event_stream
from kiosk.web.forms import WebError, parse_day, read_form
from kiosk.web.security import LOGIN_COOKIE, return_path

NOTES = {"signed-out": "You are signed out.",
         "ended": "Your session ended (your role or PIN changed, or it was idle): sign in again."}  # what the sign-in form says, by its fixed name (never echoed)


async def healthz(request: Request) -> Response:
    """200 "ok" only when this machine's database can be read; else 503 with one line."""
    web = state(request)
    problem = await blocking(web.health.problem, web.cfg.data_dir)
    if problem:
        return PlainTextResponse(problem, 503, headers={"Retry-After": "10"})
    return PlainTextResponse("ok")


async def login_form(request: Request) -> Response:
    """The sign-in form; `?next=PATH` is where it goes once signed in, `?why=` one of NOTES."""
    if state(request).sessions.peek(request.cookies.get(COOKIE)):
        return RedirectResponse(return_path(request.query_params.get("next")) or "/today", 303)
    return page(request, "login.html", flash=NOTES.get(request.query_params.get("why", ""), ""))


async def login(request: Request) -> Response:
    web = state(request)
    form = await read_form(request)
    staff_id, pin = form.get("staff_id", ""), form.get("pin", "")
    if not staff_id.strip() or not pin:
        raise WebError(400, "give your staff id and your PIN")
    if not web.login_csrf.valid(request.cookies.get(LOGIN_COOKIE), form.get("csrf")):
        raise WebError(403, "the sign-in form's security token is missing or wrong: reload the sign-in page")
    client = request.client.host if request.client else "unknown"
    slot = web.limiter.take(client)  # before any hash or row: a flood of tries costs nothing
    if slot.retry_after:
        if slot.summary:
            await blocking(lambda: web.login.record_limit(web.stores.get(), slot.summary))
        wait = math.ceil(slot.retry_after)
        raise WebError(429, f"too many failed sign-ins: try again in {wait} s", {"Retry-After": str(wait)})
    result = await blocking(lambda: web.login.check(web.stores.get(), staff_id, pin))
    if result.person is not None:
        web.limiter.give_back(client)
    if result.person is None:
        if result.retry_after > 0:
            wait = math.ceil(result.retry_after)
            raise WebError(429, f"too many wrong PINs: try again in {wait} s", {"Retry-After": str(wait)})
        raise WebError(401, "wrong staff id or PIN")
    signed = web.sessions.create(result.person, result.pin_stamp)
    response = RedirectResponse(return_path(request.query_params.get("next")) or "/today", 303)
    response.set_cookie(COOKIE, signed.token, httponly=True, samesite="strict", secure=web.secure_cookie, path="/")
    return response


async def logout(request: Request) -> Response:
    web = state(request)
    signed, _ = await signed_form(request)
    web.sessions.end(signed.token)
    response = RedirectResponse("/login?why=signed-out", 303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


async def attendance(request: Request) -> Response:
    """The rows `main.py attendance export --date D [--class C]` writes, as JSON objects."""
    web = state(request)
    signed = await signed_in(request)
    day = parse_day(request.query_params.get("date"))
    code = request.query_params.get("class") or None
    classes = await blocking(web.source.classes)
    if code is not None:
        require_class(signed, classes, code)
    allowed = allowed_codes(signed, classes)
    rows = await blocking(web.source.export_rows, day, code)
    return JSONResponse([dict(zip(EXPORT_COLUMNS, row)) for row in rows if visible(allowed, row[2])])


async def events(request: Request) -> Response:
    """Server-sent events: one `attendance` event per row written or changed."""
    web = state(request)
    signed = await signed_in(request)
    allowed = allowed_codes(signed, await blocking(web.source.classes))
    since = request.headers.get("last-event-id") or request.query_params.get("since")
    start = web.hub.resume_point(since)
    body = event_stream(web.hub, start, lambda code: visible(allowed, code),
                        lambda: web.sessions.peek(signed.token) is not None)
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"X-Accel-Buffering": "no"})  # (never cached: kiosk/web/security.py)
