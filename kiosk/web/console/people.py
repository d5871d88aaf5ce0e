"""People: the list with search and filters, a person's page, adding someone (with photos
to enrol them, or awaiting enrolment), and every change to a person: name, role, consent,
photos, check-in code, opting out of face recognition, erasure. Admins only."""

from __future__ import annotations

import io
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from kiosk.enrolment.rules import name_problem, person_id_problem
from kiosk.store.staff import staff_add_problem
from kiosk.errors import ImageError
from kiosk.model import AWAITING, Consent, enrolment_state
from kiosk.store.people import people_overview, person_details, roster_memberships
from kiosk.store.sqlite_store import ROLES, Person
from kiosk.web.console.access import as_school, check_csrf, read_store, require_admin
from kiosk.web.console.uploads import read_upload
from kiosk.web.context import blocking, page, signed_form, state
from kiosk.web.forms import WebError

FILTERS = {"all": "Everyone", "awaiting": "Awaiting enrolment", "no-photo": "No photo", "opted-out": "Opted out",
           "cautioned": "Cautioned photos or look-alikes", "staff": "Staff"}
MAX_ID = 64
PAGE_SIZE = 100  # a page a phone scrolls through; search finds anyone beyond it


def _state_of(p) -> str:
    return enrolment_state(p.role, p.vectors > 0, p.face_opt_out) or "staff"


def _keep(p, wanted: str, query: str) -> bool:
    state_ = _state_of(p)
    if wanted == "awaiting" and state_ != "awaiting enrolment":
        return False
    if wanted == "no-photo" and (p.vectors or p.face_opt_out):
        return False
    if wanted == "opted-out" and not p.face_opt_out:
        return False
    if wanted == "cautioned" and not p.cautioned:
        return False
    if wanted == "staff" and p.role == "student":
        return False
    return not query or query in p.id.casefold() or query in p.name.casefold()


async def people_list(request: Request) -> Response:
    signed = await require_admin(request)
    wanted = request.query_params.get("filter", "all")
    wanted = wanted if wanted in FILTERS else "all"
    query = request.query_params.get("q", "").strip()[:80]
    everyone, classes = await read_store(request, lambda s: (people_overview(s), roster_memberships(s)))
    shown = [p for p in everyone if _keep(p, wanted, query.casefold())]
    flash, signed.flash = signed.flash, ""  # an erasure lands here
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    number = min(pages, max(1, int(text))) if (text := request.query_params.get("page", "1")).isdigit() else 1
    first = (number - 1) * PAGE_SIZE
    return page(request, "people.html", people=shown[first:first + PAGE_SIZE], matching=len(shown),
                first=first, number=number, pages=pages, total=len(everyone), classes=classes, filters=FILTERS,
                wanted=wanted, query=query, state_of=_state_of, flash=flash)


async def api_people(request: Request) -> Response:
    await require_admin(request)
    everyone, classes = await read_store(request, lambda s: (people_overview(s), roster_memberships(s)))
    # The contract's three words: staff with no face enrolled are "awaiting enrolment" too.
    return JSONResponse([{"person_id": p.id, "name": p.name, "role": p.role,
                          "enrolment": enrolment_state(p.role, p.vectors > 0, p.face_opt_out) or AWAITING,
                          "classes": list(classes.get(p.id, ()))} for p in everyone])


async def person_page(request: Request, flash: str = "", status: int = 200, outcomes=None) -> Response:
    signed = await require_admin(request)
    pid = request.path_params["person_id"][:MAX_ID]
    details = await read_store(request, lambda s: person_details(s, pid))
    if details is None:
        raise WebError(404, f"unknown person {pid!r}")
    pending, signed.flash = signed.flash, ""  # a change's confirmation (person_change): shown here, once
    flash = flash or pending
    if not flash and request.query_params.get("enrolled", "").isdigit():  # arrived from "Add a person"
        flash = f"Enrolled from {request.query_params['enrolled']} photo(s)."
    attended = details.statuses.get("present", 0) + details.statuses.get("late", 0)
    marked = sum(details.statuses.values())
    return page(request, "person.html", status, person=details, state=_state_of(details.overview),
                rate=f"{attended / marked:.0%}" if marked else "—", roles=ROLES, flash=flash, outcomes=outcomes or [])


async def person_new(request: Request) -> Response:
    await require_admin(request)
    return page(request, "person_new.html", roles=ROLES, form={}, outcomes=[], error="")


async def person_create(request: Request) -> Response:
    """Multipart: person_id, name, role, consent_by, guardian, csrf, and any number of `photo` files.
    With photos: 303 to the person's page once enrolled, 422 with each photo's outcome if not."""
    signed = await require_admin(request)
    form, files = await read_upload(request)
    check_csrf(signed, form)
    pid, name, role = form.get("person_id", "").strip(), form.get("name", "").strip(), form.get("role", "student")
    problem = person_id_problem(pid) or name_problem(name) or (None if role in ROLES else f"role {role!r} is not known")
    if problem:
        return page(request, "person_new.html", 400, roles=ROLES, form=form, outcomes=[], error=problem)
    consent = Consent.typed(form.get("consent_by", ""), form.get("guardian", ""))
    person = Person(pid, name, role)
    known = await read_store(request, lambda s: s.person(pid))
    taken = known and staff_add_problem(pid, known.name, known.role, name, role)
    if taken:  # adding never renames or re-faces someone known: their own page does that, on purpose
        return page(request, "person_new.html", 400, roles=ROLES, form=form, outcomes=[], error=taken)
    if not files:
        try:
            await as_school(request, signed, lambda school: school.add_person(person))
        except WebError as err:  # someone else has that id: the form comes back with what was typed
            return page(request, "person_new.html", err.status, roles=ROLES, form=form, outcomes=[], error=err.message)
        return RedirectResponse(f"/people/{quote(pid)}", 303)
    result = await _enrol(request, signed, person, files, "new", consent)
    if not result.stored:
        return page(request, "person_new.html", 422, roles=ROLES, form=form, outcomes=result.outcomes,
                    error=result.refusal or "no photo could be used: see each photo's reason below")
    return RedirectResponse(f"/people/{quote(pid)}?enrolled={result.enrolled.stored}", 303)


async def person_photos(request: Request) -> Response:
    """Multipart: more photos for an enrolled person (each must match them), or the first ones for
    someone awaiting enrolment."""
    signed = await require_admin(request)
    form, files = await read_upload(request)
    check_csrf(signed, form)
    pid = request.path_params["person_id"][:MAX_ID]
    details = await read_store(request, lambda s: person_details(s, pid))
    if details is None:
        raise WebError(404, f"unknown person {pid!r}")
    if not files:
        raise WebError(400, "choose one or more photos")
    person = Person(pid, details.overview.name, details.overview.role)
    result = await _enrol(request, signed, person, files, "extend" if details.photos else "new", None)
    if not result.stored:
        return await person_page(request, status=422, outcomes=result.outcomes,
                                 flash=result.refusal or "no photo could be used")
    return await person_page(request, flash=f"{result.enrolled.stored} photo(s) added", outcomes=result.outcomes)


async def _enrol(request: Request, signed, person: Person, files, mode: str, consent):
    from kiosk.enrolment.photos import enrol_photos
    from kiosk.vision.images import decode_image

    web = state(request)

    def run():
        photos = []
        for upload in files:
            try:
                photos.append((upload.name, decode_image(upload.data, upload.name)))
            except ImageError as err:
                photos.append((upload.name, err))
        with web.photo_pipeline() as pipeline:  # one loaded pipeline, one upload at a time
            return enrol_photos(web.cfg, web.stores.get(), pipeline, person, photos, mode, consent,
                                actor=f"web:{signed.person.id}", kiosk_id=web.cfg.kiosk.id)

    result = await blocking(run)
    web.sync_soon()
    return result


async def person_change(request: Request) -> Response:
    """POST /people/{id}/{what}: name, role, consent, opt-out, opt-in, code-revoke."""
    signed, form = await signed_form(request)
    await require_admin(request)
    pid, what = request.path_params["person_id"][:MAX_ID], request.path_params["what"]
    actions = {
        "name": lambda s: s.rename(pid, form.get("name", "")),
        "role": lambda s: s.set_role(pid, form.get("role", "")),
        "consent": lambda s: s.record_consent(pid, Consent.typed(form.get("consent_by", ""), form.get("guardian", ""))),
        "opt-out": lambda s: s.opt_out(pid, True),
        "opt-in": lambda s: s.opt_out(pid, False),
        "code-revoke": lambda s: s.revoke_code(pid),
    }
    if what not in actions:
        raise WebError(404, "no such change")
    await as_school(request, signed, actions[what])
    signed.flash = {"name": "name changed", "role": "role changed", "consent": "consent recorded",
                    "opt-out": "opted out of face recognition: their face data is erased",
                    "opt-in": "may be recognised by face again: add photos", "code-revoke": "code revoked"}[what]
    return RedirectResponse(f"/people/{quote(pid)}", 303)


async def person_code(request: Request) -> Response:
    """A new check-in code: the answer is the printable card (the code is shown nowhere else)."""
    from kiosk.reports.cards import write_card

    signed, form = await signed_form(request)
    await require_admin(request)
    pid = request.path_params["person_id"][:MAX_ID]
    person = await read_store(request, lambda s: s.person(pid))
    if person is None:
        raise WebError(404, f"unknown person {pid!r}")
    code = await as_school(request, signed, lambda school: school.issue_code(pid))
    kind = "pdf" if form.get("format") == "pdf" else "png"
    data = io.BytesIO()
    await blocking(write_card, data, person.id, person.name, code, kind=kind)
    return Response(data.getvalue(), media_type="application/pdf" if kind == "pdf" else "image/png",
                    headers={"Content-Disposition": f'attachment; filename="card-{_safe(pid)}.{kind}"',
                             "Cache-Control": "no-store"})


async def person_erase(request: Request) -> Response:
    signed, form = await signed_form(request)
    await require_admin(request)
    pid = request.path_params["person_id"][:MAX_ID]
    if form.get("confirm", "").strip() != pid:
        raise WebError(400, f"type the person's id ({pid}) to confirm: erasing cannot be undone")
    removed = await as_school(request, signed, lambda school: school.erase(pid))
    signed.flash = f"{pid} erased: " + ", ".join(f"{n} {table}" for table, n in removed.items())
    return RedirectResponse("/people", 303)


async def reference_remove(request: Request) -> Response:
    """One door reference (a face the door learned), removed by hand; enrolment photos stay."""
    signed, _ = await signed_form(request)
    await require_admin(request)
    pid, ref = request.path_params["person_id"][:MAX_ID], request.path_params["reference_id"]
    await as_school(request, signed, lambda school: school.remove_door_reference(pid, ref))
    signed.flash = "door reference removed"
    return RedirectResponse(f"/people/{quote(pid)}", 303)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40]
