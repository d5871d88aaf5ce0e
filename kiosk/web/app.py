"""The web app: its routes, errors as pages, and its lifespan.

Handlers never block the event loop: every read (SQLite, pymongo) and every
scrypt check runs in a worker thread (`blocking`). The event streams only
await the hub, so 30 open browsers hold no thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.staff.sign_in import SharedLockout
from kiosk.web import routes
from kiosk.web.auth import PinLogin, WebSessions
from kiosk.web.context import COOKIE, HERE, WebState, login_url, page, state
from kiosk.web.events import EventHub, poll_changes
from kiosk.web.forms import WebError
from kiosk.web.security import HEADERS, NO_STORE, SecurityHeaders
from kiosk.web.source import AttendanceSource
from kiosk.web.stores import ThreadStores
from kiosk.web.syncing import sync_loop

log = logging.getLogger(__name__)

IDLE_S = 15 * 60.0


async def on_web_error(request: Request, err: Exception) -> Response:
    if isinstance(err, HTTPException):  # from routing: an unknown path, a wrong method
        words = {404: "no such page", 405: "that method is not allowed here"}
        err = WebError(err.status_code, words.get(err.status_code, str(err.detail)), dict(err.headers or {}))
    assert isinstance(err, WebError)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": err.message, "status": err.status}, err.status, headers=err.headers)
    if err.status == 401 and request.method == "GET" and not request.cookies.get(COOKIE):
        return RedirectResponse(login_url(request), 303)  # a first visit: straight to the sign-in form
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
    if request.url.path.startswith("/api/"):  # (outside the middleware: its headers are added here)
        return JSONResponse({"error": "internal error, see the server log", "status": 500}, 500,
                            headers={**HEADERS, **NO_STORE})
    return HTMLResponse("<!doctype html><title>Error</title><h1>Something went wrong</h1>"
                        "<p>The error is in the server's log.</p>", 500, headers={**HEADERS, **NO_STORE})


def create_app(cfg: Config, clock: Clock, source: AttendanceSource, idle_s: float = IDLE_S,
               secure_cookie: bool = False, poll_s: float | None = None) -> Starlette:
    stores = ThreadStores(cfg.data_dir)
    lockouts = functools.partial(_lockouts, cfg)
    web = WebState(cfg, clock, source, stores, WebSessions(idle_s), PinLogin(lockouts, cfg.kiosk.id, clock),
                   EventHub(), Jinja2Templates(directory=str(HERE / "templates")), secure_cookie,
                   poll_s or source.poll_s)
    routes.add_filters(web.templates.env, web)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        tasks = [asyncio.create_task(poll_changes(source, web.hub, web.poll_s), name="web-changes")]
        if cfg.mongo.uri:  # marks made here go up, marks made elsewhere come down (kiosk/web/syncing.py)
            web.sync_wanted = asyncio.Event()
            tasks.append(asyncio.create_task(sync_loop(web), name="web-sync"))
        if web.announce:
            log.info("%s", web.announce)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            source.close()
            stores.close()

    app = Starlette(routes=routes.ROUTES + [Mount("/static", StaticFiles(directory=str(HERE / "static")),
                                                  name="static")],
                    exception_handlers={WebError: on_web_error, HTTPException: on_web_error,
                                        KioskError: on_unavailable, Exception: on_crash},
                    middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.web = web
    return app


def _lockouts(cfg: Config, store) -> SharedLockout:
    return SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s)

