"""What every response carries, and the login form's token.

- Security headers on every response (pages, JSON, static files, errors): a Content
  Security Policy that allows scripts, styles and images only from this server (no inline
  script: the live pages load /static/live.js), no framing, no MIME sniffing, and no
  Referer to other sites.
- No copy of anything but the static files: every other response (pages, downloads, JSON,
  redirects, errors) is `Cache-Control: no-store`, so after Sign out the browser's Back
  button and a shared machine's cache show nothing of what was on screen. A handler may
  not weaken it; the stylesheet and scripts under /static/ stay cacheable.
- The login form has no session yet, so its CSRF token is a signed double-submit: a random
  value in an HttpOnly, SameSite=Strict cookie, and its HMAC under a key of this server run in
  the form. A page elsewhere can neither read the cookie nor compute the HMAC.
- After signing in, a browser goes back to the page it was on, but only to a path on this
  site (`return_path`): the `next` it carries is never trusted to name another site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}  # pragma: for HTTP/1.0 caches
STATIC = "/static/"
LOGIN_COOKIE = "login_csrf"
MAX_RETURN = 512  # characters of a path to come back to; a longer one goes to Today


class SecurityHeaders:
    """ASGI middleware: adds HEADERS to every HTTP response that does not set them itself, and
    NO_STORE to every one outside /static/."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        private = not scope["path"].startswith(STATIC)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_headers(message.get("headers", []), private)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_headers(headers: list[tuple[bytes, bytes]], private: bool) -> list[tuple[bytes, bytes]]:
    """A handler's own no-store stands (with its extras, "private"); anything weaker is replaced."""
    if private and not any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in headers):
        headers = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"pragma")]
        headers += [(k.encode(), v.encode()) for k, v in NO_STORE.items()]
    present = {k.lower() for k, _ in headers}
    return list(headers) + [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]


class LoginCsrf:
    """The signed double-submit token of the login form."""

    def __init__(self, key: bytes | None = None):
        self.key = key or secrets.token_bytes(32)

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    def token(self, nonce: str) -> str:
        return hmac.new(self.key, nonce.encode(), hashlib.sha256).hexdigest()

    def valid(self, nonce: str | None, sent: str | None) -> bool:
        return bool(nonce) and bool(sent) and hmac.compare_digest(self.token(nonce).encode(), sent.encode())


def return_path(text: str | None) -> str:
    r"""`text` if it is a page of this site to come back to after signing in, else "" (Today).

    Only a path: "//host" and "/\host" name another site to a browser, which also drops tabs
    and newlines ("/\t/host"), so anything but printable ASCII without a backslash is refused."""
    if not text or len(text) > MAX_RETURN or not text.startswith("/") or text.startswith("//"):
        return ""
    if any(not "!" <= ch <= "~" or ch == "\\" for ch in text):
        return ""
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout") or text in ("/", "/today"):
        return ""
    return text
