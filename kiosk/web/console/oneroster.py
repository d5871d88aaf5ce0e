"""The OneRoster upload on the Classes page: the same import as `main.py import oneroster`
(School.import_oneroster), from a zip the admin chooses. The zip is checked first (no path
outside it, no bomb, every file and header as the standard says); a refused bundle
imports nothing and names each problem; otherwise the good lines are imported in one
transaction and each refused line is named with its file and line."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from kiosk.interchange.bundle import BundleRefused, read_zip
from kiosk.interchange.plan import summary
from kiosk.store.staff import staff_members
from kiosk.web.console.access import as_school, check_csrf, read_store, require_admin
from kiosk.web.console.uploads import read_upload
from kiosk.web.context import blocking, page
from kiosk.web.forms import WebError


@dataclass
class ImportOutcome:
    headline: str
    refused: list[str] = field(default_factory=list)  # lines (or, for a refused bundle, problems)
    warnings: list[str] = field(default_factory=list)
    imported: bool = True


async def oneroster_upload(request: Request) -> Response:
    """Multipart: `bundle` (a OneRoster 1.1/1.2 CSV bundle as a zip) and `csrf`."""
    signed = await require_admin(request)
    form, files = await read_upload(request)
    check_csrf(signed, form)
    if len(files) != 1:
        raise WebError(400, "choose one OneRoster zip file")
    upload = files[0]
    try:
        bundle = await blocking(read_zip, io.BytesIO(upload.data), upload.name)
    except BundleRefused as refused:
        outcome = ImportOutcome(f"{upload.name}: nothing imported", refused.problems, imported=False)
        return await _classes(request, outcome, 422)
    plan = await as_school(request, signed, lambda school: school.import_oneroster(bundle))
    outcome = ImportOutcome(summary(plan, bundle.name), [str(b) for b in plan.bad], [str(w) for w in plan.warnings])
    return await _classes(request, outcome, 200)


async def _classes(request: Request, outcome: ImportOutcome, status: int) -> Response:
    records, staff = await read_store(request, lambda s: (s.class_records(), staff_members(s)))
    return page(request, "classes.html", status, records=records, staff=staff, flash="", form={}, error="",
                outcome=outcome)
