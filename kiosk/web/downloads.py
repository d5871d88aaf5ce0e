"""Attendance downloads: a session's (on its page) and a day's (on Today), as CSV, XLSX, and
in the office's codes (OneRoster CSV or Ed-Fi JSON, keyed by the imported sourcedIds). The
rows are `attendance export`'s (kiosk/reports/rows.py); an instructor's day has only their
own classes."""

from __future__ import annotations

import io

from starlette.requests import Request
from starlette.responses import Response

from kiosk.reports.files import csv_to, write_xlsx
from kiosk.reports.interchange import write_edfi_json, write_oneroster_csv
from kiosk.store.oneroster import interchange_ids
from kiosk.web.access import allowed_codes, visible
from kiosk.web.context import blocking, signed_in, state
from kiosk.web.forms import WebError, parse_day

KINDS = ("csv", "xlsx", "oneroster.csv", "edfi.json")
INTERCHANGE = {"oneroster.csv": (write_oneroster_csv, "text/csv; charset=utf-8"),  # the office's codes
               "edfi.json": (write_edfi_json, "application/json")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def checked_kind(kind: str) -> str:
    if kind not in KINDS:
        raise WebError(404, "downloads are attendance.csv or attendance.xlsx, and in the office's codes "
                            "attendance.oneroster.csv or attendance.edfi.json")
    return kind


async def attendance_file(request: Request, rows: list[list], kind: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    if kind in INTERCHANGE:  # keyed by OneRoster sourcedIds, from this machine's (pulled) links
        ids = await blocking(lambda: interchange_ids(state(request).stores.get()))
        out = io.StringIO()
        INTERCHANGE[kind][0](out, rows, ids)
        return Response(out.getvalue(), media_type=INTERCHANGE[kind][1], headers=headers)
    if kind == "csv":
        out = io.StringIO()
        csv_to(out, rows)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    data = io.BytesIO()
    await blocking(write_xlsx, data, rows, zone=state(request).tz.key)
    return Response(data.getvalue(), media_type=XLSX, headers=headers)


async def day_download(request: Request) -> Response:
    """GET /day/{date}/attendance.{kind}: every session of the day the signed-in member may see."""
    web = state(request)
    kind = checked_kind(request.path_params["kind"])
    day = parse_day(request.path_params["day"])
    allowed = allowed_codes(await signed_in(request), await blocking(web.source.classes))
    rows = [r for r in await blocking(web.source.export_rows, day, None) if visible(allowed, r[2])]
    return await attendance_file(request, rows, kind, f"attendance_{day.isoformat()}")
