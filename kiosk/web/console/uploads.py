"""Multipart forms (photos, a roster or OneRoster file) read within limits, before anything is
decoded: the body's declared size, the number of files and each file's size. Anything over
is a 413 (or a 4xx naming the problem), never a traceback or a full disk."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from kiosk.web.forms import WebError

MAX_BODY_BYTES = 64 * 1024 * 1024  # several phone photos, with room to spare
MAX_FILE_BYTES = 20 * 1024 * 1024  # one photo or file
MAX_FILES = 12
MAX_FIELDS = 30


@dataclass(frozen=True)
class Upload:
    name: str  # the file's name as sent (shown back, never used as a path)
    data: bytes


async def read_upload(request: Request) -> tuple[dict[str, str], list[Upload]]:
    """The form's text fields (the first value of each) and its files, in order."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise WebError(415, "send the form as multipart/form-data")
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise WebError(411, "the upload needs a Content-Length")
    if int(declared) > MAX_BODY_BYTES:
        raise WebError(413, f"the upload is too large (at most {MAX_BODY_BYTES // 2**20} MB in all)")
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except Exception as err:  # starlette's MultiPartException and the parser's own errors
        raise WebError(400, f"the upload could not be read: {str(err)[:120]}") from None
    fields: dict[str, str] = {}
    files: list[Upload] = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, value)
        elif value.filename:
            data = await value.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise WebError(413, f"{value.filename[:80]}: a file is at most {MAX_FILE_BYTES // 2**20} MB")
            files.append(Upload(value.filename[:200], data))
    await form.close()
    return fields, files
