"""The web app: routes, the signed-in browser, errors as pages, and its lifespan.

Handlers never block the event loop: every read (SQLite, pymongo) and every
scrypt check runs in a worker thread (`blocking`). The event streams only
await the hub, so 30 open browsers hold no thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kiosk.attendance.shared_lockout import SharedLockout
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.web.auth import PinLogin, StaffLogin, WebSessions
from kiosk.web.events import EventHub, poll_changes
from kiosk.web.forms import WebError, read_form
from kiosk.web.source import AttendanceSource, school_zone
from kiosk.web.stores import ThreadStores

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "staff_session"
IDLE_S = 15 * 60.0


@dataclass
class WebState:
    """What every handler shares; built once in create_app."""

    cfg: Config
    clock: Clock
    source: AttendanceSource
    stores: ThreadStores  # this machine's kiosk database: sign-in, lockout, marks
    sessions: WebSessions
    login: PinLogin
    hub: EventHub
    templates: Jinja2Templates
    secure_cookie: bool
    poll_s: float
    announce: str = ""  # logged once the server is up (and stops on SIGTERM)

    @property
    def tz(self):
        return school_zone(self.cfg)


async def blocking(fn, *args, **kwargs):
    """Run a blocking call (SQLite, pymongo, scrypt) in a worker thread."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def state(request: Request) -> WebState:
    return request.app.state.web


def signed_in(request: Request) -> StaffLogin:
    """The signed-in browser, or WebError 401 (a page says sign in again; /api/ answers JSON)."""
    login = state(request).sessions.get(request.cookies.get(COOKIE))
    if login is None:
        raise WebError(401, "your session has ended or is not valid: sign in again"
                       if request.cookies.get(COOKIE) else "sign in first")
    return login


async def signed_form(request: Request) -> tuple[StaffLogin, dict[str, str]]:
    """A POST from a signed-in browser, with its CSRF token checked (WebError 401 / 403 otherwise)."""
    signed = signed_in(request)
    form = await read_form(request)
    if not signed.csrf_ok(form.get("csrf")):
        raise WebError(403, "the form's security token is missing or wrong: reload the page and try again")
    return signed, form


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    if "login" not in context:
        context["login"] = state(request).sessions.peek(request.cookies.get(COOKIE))
    context.setdefault("source_name", state(request).source.name)
    return state(request).templates.TemplateResponse(request, name, context, status_code=status)


async def on_web_error(request: Request, err: Exception) -> Response:
    if isinstance(err, HTTPException):  # from routing: an unknown path, a wrong method
        words = {404: "no such page", 405: "that method is not allowed here"}
        err = WebError(err.status_code, words.get(err.status_code, str(err.detail)), dict(err.headers or {}))
    assert isinstance(err, WebError)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": err.message, "status": err.status}, err.status, headers=err.headers)
    if err.status == 401 and request.method == "GET" and not request.cookies.get(COOKIE):
        return RedirectResponse("/login", 303)  # a first visit: straight to the sign-in form
    login = None if err.status == 401 else state(request).sessions.get(request.cookies.get(COOKIE))
    response = page(request, "error.html", err.status, error=err, login=login)
    response.headers.update(err.headers)
    if err.status == 401 and request.cookies.get(COOKIE):
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


async def on_unavailable(request: Request, err: Exception) -> Response:
    """The database cannot be read now (the central server is down, the file is locked): 503, one line."""
    log.warning("%s %s: %s", request.method, request.url.path, err)
    return await on_web_error(request, WebError(503, str(err), {"Retry-After": "10"}))


async def on_crash(request: Request, err: Exception) -> Response:
    """A bug, not bad input: logged with its traceback, answered with a plain 500 page."""
    log.error("%s %s failed: %s", request.method, request.url.path, err, exc_info=err)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "internal error, see the server log", "status": 500}, 500)
    return HTMLResponse("<!doctype html><title>Error</title><h1>Something went wrong</h1>"
                        "<p>The error is in the server's log.</p>", 500)


def create_app(cfg: Config, clock: Clock, source: AttendanceSource, idle_s: float = IDLE_S,
               secure_cookie: bool = False, poll_s: float | None = None) -> Starlette:
    from kiosk.web import routes

    stores = ThreadStores(cfg.data_dir)
    lockouts = functools.partial(_lockouts, cfg)
    web = WebState(cfg, clock, source, stores, WebSessions(idle_s), PinLogin(lockouts, cfg.kiosk.id, clock),
                   EventHub(), Jinja2Templates(directory=str(HERE / "templates")), secure_cookie,
                   poll_s or source.poll_s)
    routes.add_filters(web.templates.env, web)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        poller = asyncio.create_task(poll_changes(source, web.hub, web.poll_s), name="web-changes")
        if web.announce:
            log.info("%s", web.announce)
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            source.close()
            stores.close()

    app = Starlette(routes=routes.ROUTES + [Mount("/static", StaticFiles(directory=str(HERE / "static")),
                                                  name="static")],
                    exception_handlers={WebError: on_web_error, HTTPException: on_web_error,
                                        KioskError: on_unavailable, Exception: on_crash},
                    lifespan=lifespan)
    app.state.web = web
    return app


def _lockouts(cfg: Config, store) -> SharedLockout:
    return SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s)

