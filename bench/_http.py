"""Plain HTTP to the real web view for the benches: an admin's sign-in (the form's token
first, as a browser loads it), a GET, and a multipart POST."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode


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
    boundary = "----kiosk-bench-boundary-41c9"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
              for field, name, data in files]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, body, {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    reply = conn.getresponse()
    text = reply.read().decode("utf-8", "replace")
    conn.close()
    return reply.status, text


def csrf_of(page: str) -> str:
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
