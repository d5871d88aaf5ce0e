"""Plain HTTP to the real web view for the benches: an admin's sign-in (the form's token
first, as a browser loads it), a GET, and a multipart POST."""

from __future__ import annotations

import http.client
import sys
from urllib.parse import urlencode

from _common import REPO

sys.path.insert(0, str(REPO / "tests"))  # the tests' multipart encoder
from form_body import multipart_body  # noqa: E402


def sign_in(port: int, staff_id: str, pin: str) -> str:
    """The session cookie ("name=value") of a signed-in member of staff."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    form = conn.getresponse()
    token = form.read().decode().split('name="csrf" value="', 1)[1].split('"', 1)[0]
    conn.request("POST", "/login", urlencode({"staff_id": staff_id, "pin": pin, "csrf": token}),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Cookie": form.getheader("set-cookie").split(";", 1)[0]})
    reply = conn.getresponse()
    reply.read()
    assert reply.status == 303, reply.status
    return reply.getheader("set-cookie").split(";", 1)[0]


def get(port: int, path: str, cookie: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie})
    reply = conn.getresponse()
    body = reply.read().decode()
    conn.close()
    assert reply.status == 200, (path, reply.status)
    return body


def post_files(port: int, path: str, cookie: str, fields: dict[str, str],
               files: list[tuple[str, str, bytes]]) -> tuple[int, str]:
    """multipart/form-data: text fields, and files as (field name, file name, bytes)."""
    body, kind = multipart_body(fields, files)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, body, {"Cookie": cookie, "Content-Type": kind})
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
    conn.close()
    return reply.status, text


def csrf_of(page: str) -> str:
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
