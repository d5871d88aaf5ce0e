"""Reading what a browser sends, within limits: forms, dates, ids.

Anything out of shape becomes a WebError with a 4xx status and a one-line
message, which the app shows as a page (or JSON under /api/), never a traceback.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from starlette.requests import Request

from kiosk.enrolment.rules import MAX_ID_LEN

MAX_FORM_BYTES = 8 * 1024  # a login or a mark with its reason fits many times over
MAX_FIELDS = 20
MAX_REASON = 200


class WebError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


async def read_form(request: Request, max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """An application/x-www-form-urlencoded body of at most MAX_FORM_BYTES; the first value of each field
    (at most `max_fields` fields: a list of ticked boxes may ask for more)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise WebError(415, "send the form as application/x-www-form-urlencoded")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise WebError(413, f"form too large (at most {MAX_FORM_BYTES // 1024} KiB)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise WebError(413, f"form too large (at most {MAX_FORM_BYTES // 1024} KiB)")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise WebError(400, "the form is not UTF-8 text") from None
    except ValueError:
        raise WebError(400, f"the form has more than {max_fields} fields") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)  # a day either side still fits a datetime


def parse_day(text: str | None, what: str = "date") -> date:
    if not text:
        raise WebError(400, f"{what} is required, as YYYY-MM-DD")
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise WebError(400, f"{what} {text[:40]!r} is not a date in YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise WebError(400, f"{what} {text} is out of range ({FIRST_DAY} to {LAST_DAY})")
    return day


def class_code_in_path(request: Request) -> str:
    """The class code of a /class/{code}/... URL, whole. One longer than the id rule allows is no
    class the console opens (404): cutting it short could name another class that shares its start."""
    code = request.path_params["code"]
    if len(code) > MAX_ID_LEN:
        raise WebError(404, f"unknown class: a class code has at most {MAX_ID_LEN} characters, this one {len(code)}")
    return code
