"""What every handler shares: the app's state, the signed-in browser, rendering a page,
and running blocking calls off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.store.pins import pin_holder
from kiosk.web.auth import PinLogin, StaffLogin, WebSessions
from kiosk.web.events import EventHub
from kiosk.web.forms import WebError, read_form
from kiosk.web.limits import LoginLimiter
from kiosk.web.security import LOGIN_COOKIE, LoginCsrf, return_path
from kiosk.web.source import AttendanceSource, school_zone
from kiosk.web.stores import DatabaseHealth, ThreadStores

HERE = Path(__file__).resolve().parent
COOKIE = "staff_session"


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
    limiter: LoginLimiter = field(default_factory=LoginLimiter)  # failed logins per client and overall
    login_csrf: LoginCsrf = field(default_factory=LoginCsrf)  # the sign-in form's token
    health: DatabaseHealth = field(default_factory=DatabaseHealth)  # /healthz

    sync_wanted: asyncio.Event | None = None  # with a central database: sync now (a mark was just made)

    _pipeline: object = None
    _pipeline_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def photo_pipeline(self):
        """The face pipeline for photo uploads: loaded on first use (models are heavy and most days
        nobody enrols), then one upload at a time, so the worker threads never share it at once."""
        with self._pipeline_lock:
            if self._pipeline is None:
                from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline

                # The configured model (SFace while its file is missing) and every other installed
                # one: an enrolment keeps each model's vectors, as the command line's does.
                self._pipeline = FacePipeline(self.cfg.vision, self.cfg.data_dir / "models", FALLBACK_EMBEDDER)
                self._pipeline.load_companions()
            yield self._pipeline

    def sync_soon(self) -> None:
        """A mark was made here: send it to the central database without waiting for the interval."""
        if self.sync_wanted is not None:
            self.sync_wanted.set()

    @property
    def tz(self):
        return school_zone(self.cfg)


async def blocking(fn, *args, **kwargs):
    """Run a blocking call (SQLite, pymongo, scrypt) in a worker thread."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def state(request: Request) -> WebState:
    return request.app.state.web


async def signed_in(request: Request) -> StaffLogin:
    """The signed-in browser, with its person's role as the store has it now, or WebError 401 (a page
    says sign in again; /api/ answers JSON). Read once per request: one row by primary key."""
    known = getattr(request.state, "signed", None)
    if known is not None:
        return known
    web = state(request)
    token = request.cookies.get(COOKIE)
    login = web.sessions.get(token)
    if login is not None:
        # The role taken at sign-in is not trusted: a demoted or removed member loses access now.
        person_id = login.person.id
        web.sessions.settle(person_id, await blocking(lambda: pin_holder(web.stores.get(), person_id)))
        login = web.sessions.peek(token)
    if login is None:
        plain = "your session has ended or is not valid: sign in again" if token else "sign in first"
        raise WebError(401, web.sessions.why_ended(token) or plain)
    request.state.signed = login
    return login


async def signed_form(request: Request, **limits) -> tuple[StaffLogin, dict[str, str]]:
    """A POST from a signed-in browser, with its CSRF token checked (WebError 401 / 403 otherwise)."""
    signed = await signed_in(request)
    form = await read_form(request, **limits)
    if not signed.csrf_ok(form.get("csrf")):
        raise WebError(403, "the form's security token is missing or wrong: reload the page and try again")
    return signed, form


def return_to(request: Request) -> str:
    """The page this browser was on, to go back to once signed in ("" for Today): the one asked
    for, or for a form the page it was sent from (the Referer, when it is this server's)."""
    if request.url.path == "/login":  # a sign-in refused: the form keeps where it was going
        return return_path(request.query_params.get("next"))
    if request.method == "GET":
        query = request.scope.get("query_string") or b""
        target = request.scope.get("raw_path") or request.url.path.encode()  # as sent, still %-encoded
        return return_path((target + (b"?" + query if query else b"")).decode("latin-1"))
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host"):
        return ""
    return return_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def login_url(request: Request) -> str:
    target = return_to(request)
    return f"/login?next={quote(target, safe='/')}" if target else "/login"


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    web = state(request)
    if "login" not in context:
        context["login"] = web.sessions.peek(request.cookies.get(COOKIE))
    if context["login"] is None:  # the sign-in form may be on it: where it goes once signed in
        context.setdefault("next_path", return_to(request))
    context.setdefault("source_name", web.source.name)
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    fresh = context["login"] is None and len(nonce) < 16
    if fresh:  # a browser with no sign-in token yet: give it one with the form
        nonce = web.login_csrf.new_nonce()
    context["login_csrf"] = web.login_csrf.token(nonce) if nonce else ""
    response = web.templates.TemplateResponse(request, name, context, status_code=status)
    if fresh:
        response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", secure=web.secure_cookie,
                            path="/")
    return response
