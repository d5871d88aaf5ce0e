"""Classes: the list, creating one, and on a class's page (admins) its name, room and
instructor, its roster (add, remove, import the school system's CSV) and removing it."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk.enrolment.people_csv import parse_people_csv, roster_entries
from kiosk.errors import UsageError
from kiosk.model import room_name
from kiosk.staff.roles import may_manage
from kiosk.store.staff import staff_members
from kiosk.web.console.access import as_school, check_csrf, read_store, require_admin
from kiosk.web.console.uploads import read_upload
from kiosk.web.context import page, signed_form, signed_in
from kiosk.web.forms import WebError, class_code_in_path


async def classes_list(request: Request) -> Response:
    signed = await signed_in(request)
    records, staff = await read_store(request, lambda s: (s.class_records(), staff_members(s)))
    if signed.person.role != "admin":
        records = [r for r in records if may_manage(signed.person.role, signed.person.id, r.instructor_id)]
    flash, signed.flash = signed.flash, ""
    return page(request, "classes.html", records=records, staff=staff, flash=flash, form={}, error="")


async def class_create(request: Request) -> Response:
    signed, form = await signed_form(request)
    await require_admin(request)
    code, name = form.get("code", "").strip(), form.get("name", "").strip()  # the id rule: School.add_class
    students = _ids(form.get("students", ""))
    try:
        await as_school(request, signed, lambda school: school.add_class(
            code, name, students, room_name(form.get("room", "")), form.get("instructor") or None))
    except WebError as err:
        records, staff = await read_store(request, lambda s: (s.class_records(), staff_members(s)))
        return page(request, "classes.html", err.status, records=records, staff=staff, flash="", form=form,
                    error=err.message)
    signed.flash = f"class {code} added"
    return RedirectResponse(f"/class/{quote(code, safe='')}", 303)


async def class_change(request: Request) -> Response:
    """POST /class/{code}/{what}: edit, roster-add, roster-remove, remove."""
    signed, form = await signed_form(request)
    await require_admin(request)
    code, what = class_code_in_path(request), request.path_params["what"]
    if what == "remove" and form.get("confirm", "").strip() != code:
        raise WebError(400, f"type the class's code ({code}) to confirm removing it")
    actions = {
        "edit": lambda s: s.update_class(code, form.get("name", ""), form.get("room", ""),
                                         form.get("instructor") or None),
        "roster-add": lambda s: s.add_students(code, _ids(form.get("students", ""))),
        "roster-remove": lambda s: s.remove_students(code, _ids(form.get("students", ""))),
        "remove": lambda s: s.remove_class(code),
    }
    if what not in actions:
        raise WebError(404, "no such change")
    done = await as_school(request, signed, actions[what])
    signed.flash = {"edit": "class updated", "roster-remove": "removed from the roster",
                    "remove": f"class {code} removed (its past attendance is kept)"}.get(
        what, f"{len(done or [])} added to the roster")
    return RedirectResponse("/classes" if what == "remove" else f"/class/{quote(code, safe='')}", 303)


async def class_import(request: Request) -> Response:
    """Multipart: a roster CSV (the school system's export) put on the class's roster."""
    signed = await require_admin(request)
    form, files = await read_upload(request)
    check_csrf(signed, form)
    code = class_code_in_path(request)
    if len(files) != 1:
        raise WebError(400, "choose one CSV file")
    try:
        text = files[0].data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WebError(400, f"{files[0].name}: it is not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    try:
        entries = roster_entries(parse_people_csv(text, ("id",), files[0].name))
    except UsageError as err:
        raise WebError(400, str(err)) from None
    report = await as_school(request, signed, lambda school: school.import_roster(code, entries, files[0].name))
    lines = [f"line {n}: {why}" for n, why in sorted(report.bad)] + \
            [f"line {n}: warning: {why}" for n, why in report.warnings]
    signed.flash = (f"{len(report.added)} added ({len(report.created)} awaiting enrolment), {len(report.already)} "
                    f"already on the roster, {len(report.bad)} bad row(s)" +
                    (": " + "; ".join(lines[:10]) if lines else ""))
    return RedirectResponse(f"/class/{quote(code, safe='')}", 303)


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()][:500]
