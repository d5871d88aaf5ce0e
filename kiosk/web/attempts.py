"""Door attempts in the web view: the review pages (per session and per day), the pictures, the
JSON a school's scripts read, and "This is X", "Not one of ours" and "Dismiss", one or several at
once. Every action is the one routine of kiosk/staff/attempts.py, on this machine's database.

- GET /api/attempts?date=YYYY-MM-DD[&class=CODE]: id, session, time, state, candidates
  [{person_id, score}] and the picture's URL (null once the attempt ended);
- POST /attempts/{id}/confirm (person_id, csrf): 303 back; 409 when the door reference is refused
  (the mark is made) or the attempt was already ended; 403 another instructor's class; 404 an
  unknown attempt or a picture gone from disk; 400 a person not on the class's list;
- POST /attempts/{id}/dismiss (csrf, optional kind=not_ours): 303 back;
- POST /attempts/bulk (csrf, action, person_id, pick_<id>=on ...): the same, for each ticked one;
- GET /attempts/{id}/crop.jpg: the picture, to staff who may see that class, never cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from kiosk.errors import Refused, StoreError
from kiosk.messages.desk import NOT_YOURS
from kiosk.model import SessionInfo
from kiosk.reports.rows import day_bounds
from kiosk.staff import attempts as review
from kiosk.store import attempts as stored
from kiosk.store.sessions import roster_names, session_info
from kiosk.web.context import blocking, page, signed_form, signed_in, state
from kiosk.web.forms import WebError, parse_day

MAX_ID = 100
BULK_FIELDS = 210  # csrf, action, person, back and up to 200 ticked attempts
STATUS = {review.UNKNOWN_ATTEMPT: 404, NOT_YOURS: 403, review.ALREADY_ENDED: 409, review.NO_PICTURE: 404,
          review.NOT_ON_ROSTER: 400, review.BAD_ENDING: 400}
_BACK = re.compile(r"^/(attempts|session/[^/?#\\]+/attempts)(\?[A-Za-z0-9=&%_.:@-]*)?$")


@dataclass(frozen=True)
class Review:
    """One session's attempts as a review page shows them."""

    session: SessionInfo
    roster: list[tuple[str, str]]  # (person id, name), by name
    attempts: list[stored.Attempt]
    pictures: frozenset[int]  # attempts whose picture is on disk


def _review(store, session: SessionInfo, found: list[stored.Attempt]) -> Review:
    roster = sorted(roster_names(store, session.class_code).items(), key=lambda kv: (kv[1].casefold(), kv[0]))
    on_disk = frozenset(a.id for a in found if (p := stored.crop_path(store, a.crop)) is not None and p.is_file())
    return Review(session, roster, found, on_disk)


def _day_reviews(web, day: date, class_code: str | None, actor) -> list[Review]:
    store = web.stores.get()
    found = stored.attempts_between(store, *day_bounds(day, web.tz), class_code)
    by_session: dict[str, list[stored.Attempt]] = {}
    for a in found:
        by_session.setdefault(a.session_id, []).append(a)
    reviews = []
    for sid, items in by_session.items():
        info = session_info(store, sid)
        if info is not None and review.may_see(store, actor, info.class_code):
            reviews.append(_review(store, info, items))
    return sorted(reviews, key=lambda r: (r.session.starts_at, r.session.class_code))


async def day_page(request: Request) -> Response:
    web = state(request)
    signed = await signed_in(request)
    text = request.query_params.get("date")
    day = parse_day(text) if text is not None else web.clock().astimezone(web.tz).date()
    code = (request.query_params.get("class") or "")[:MAX_ID] or None
    reviews = await blocking(_day_reviews, web, day, code, signed.person)
    flash, signed.flash = signed.flash, ""
    back = f"/attempts?date={day.isoformat()}"
    back += f"&class={code}" if code and _BACK.match(f"{back}&class={code}") else ""
    return page(request, "attempts.html", reviews=reviews, day=day, class_code=code, flash=flash, back=back,
                single=False, retention_days=web.cfg.privacy.attempt_retention_days)


async def session_page(request: Request) -> Response:
    web = state(request)
    signed = await signed_in(request)
    sid = request.path_params["session_id"][:MAX_ID]

    def read() -> Review | None:
        store = web.stores.get()
        info = session_info(store, sid)
        if info is None:
            return None
        if not review.may_see(store, signed.person, info.class_code):
            raise WebError(403, f"{info.class_code} is not one of your classes")
        return _review(store, info, stored.session_attempts(store, sid))

    found = await blocking(read)
    if found is None:
        raise WebError(404, f"no door attempts: session {sid!r} is not held in this kiosk's database")
    flash, signed.flash = signed.flash, ""
    return page(request, "attempts.html", reviews=[found], day=found.session.starts_at.astimezone(web.tz).date(),
                class_code=found.session.class_code, flash=flash, back=f"/session/{sid}/attempts", single=True,
                retention_days=web.cfg.privacy.attempt_retention_days)


async def api_attempts(request: Request) -> Response:
    """The day's attempts as JSON (401 without a session, 403 another instructor's class)."""
    web = state(request)
    signed = await signed_in(request)
    day = parse_day(request.query_params.get("date"))
    code = request.query_params.get("class") or None

    def read() -> list[Review]:
        store = web.stores.get()
        if code is not None:
            record = store.class_record(code[:MAX_ID])
            if record is None:
                raise WebError(404, f"unknown class {code[:64]!r}")
            if not review.may_see(store, signed.person, record.code):
                raise WebError(403, f"{record.code} is not one of your classes")
        return _day_reviews(web, day, code, signed.person)

    reviews = await blocking(read)
    return JSONResponse([_as_json(r, a, web.tz) for r in reviews for a in r.attempts])


def _as_json(r: Review, a: stored.Attempt, tz) -> dict:
    return {"id": a.id, "session": a.session_id, "class": a.class_code, "time": a.at.astimezone(tz).isoformat(),
            "kiosk": a.kiosk_id, "state": a.state, "person_id": a.person_id, "reference": a.reference or None,
            "candidates": [{"person_id": c.person_id, "score": round(c.score, 3)} for c in a.candidates],
            "crop": f"/attempts/{a.id}/crop.jpg" if a.id in r.pictures else None,
            "face_px": a.face_px, "sharpness": a.sharpness, "frames": a.frames}


async def crop(request: Request) -> Response:
    web = state(request)
    signed = await signed_in(request)
    attempt_id = request.path_params["attempt_id"]

    def find():
        store = web.stores.get()
        found = stored.attempt(store, attempt_id)
        if found is None:
            raise WebError(404, f"unknown door attempt {attempt_id}")
        if not review.may_see(store, signed.person, found.class_code):
            raise WebError(403, f"{found.class_code} is not one of your classes")
        path = stored.crop_path(store, found.crop)
        if path is None or not path.is_file():
            raise WebError(404, f"the picture of door attempt {attempt_id} is no longer kept")
        return path

    path = await blocking(find)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-store, private"})


async def confirm(request: Request) -> Response:
    web = state(request)
    signed, form = await signed_form(request)
    attempt_id = request.path_params["attempt_id"]
    person_id = form.get("person_id", "").strip()[:MAX_ID]
    if not person_id:
        raise WebError(400, "say who it is: choose a student")
    done = await _act(lambda store: review.confirm_attempt(web.cfg, store, attempt_id, person_id, signed.person,
                                                           web.clock()), web)
    web.sync_soon()
    back = _back(form)
    if done.reference.problem:  # the mark stands; the reference was refused
        return page(request, "attempt_done.html", 409, summary=done.summary(), back=back)
    signed.flash = done.summary()
    return RedirectResponse(back, 303)


async def dismiss(request: Request) -> Response:
    web = state(request)
    signed, form = await signed_form(request)
    attempt_id = request.path_params["attempt_id"]
    ending = stored.NOT_OURS if form.get("kind") == stored.NOT_OURS else stored.DISMISSED
    await _act(lambda store: review.end_attempt(web.cfg, store, attempt_id, ending, signed.person,
                                                        web.clock()), web)
    signed.flash = f"door attempt {attempt_id} {review.ENDED_WORDS[ending]}"
    return RedirectResponse(_back(form), 303)


async def bulk(request: Request) -> Response:
    """Several ticked attempts at once: all "This is X", "Not one of ours" or "Dismiss"."""
    web = state(request)
    signed, form = await signed_form(request, max_fields=BULK_FIELDS)
    picked = sorted({int(k[5:]) for k in form if re.fullmatch(r"pick_[0-9]{1,12}", k)})
    action, person_id = form.get("action", ""), form.get("person_id", "").strip()[:MAX_ID]
    if not picked:
        raise WebError(400, "tick the attempts to act on")
    if action not in ("confirm", stored.NOT_OURS, stored.DISMISSED) or (action == "confirm" and not person_id):
        raise WebError(400, "choose what they are: a student (This is...), not one of ours, or dismiss")

    def each(store) -> list[str]:
        lines = []
        for attempt_id in picked:
            try:
                if action == "confirm":
                    done = review.confirm_attempt(web.cfg, store, attempt_id, person_id, signed.person, web.clock())
                    lines.append(f"attempt {attempt_id}: {done.summary()}")
                else:
                    review.end_attempt(web.cfg, store, attempt_id, action, signed.person, web.clock())
                    lines.append(f"attempt {attempt_id} {review.ENDED_WORDS[action]}")
            except (Refused, StoreError) as err:
                lines.append(f"attempt {attempt_id} not changed: {err}")
        return lines

    lines = await blocking(lambda: each(web.stores.get()))
    web.sync_soon()
    signed.flash = "; ".join(lines)
    return RedirectResponse(_back(form), 303)


async def _act(action, web):
    """Run a review action off the event loop; a refusal is its 4xx with its one line."""
    try:
        return await blocking(lambda: action(web.stores.get()))
    except Refused as err:
        raise WebError(STATUS.get(err.reason, 400), str(err)) from None
    except StoreError as err:
        raise WebError(400, str(err)) from None


def _back(form: dict[str, str]) -> str:
    """Where the form came from (a review page of this server), else that day's review page."""
    back = form.get("back", "")
    return back if _BACK.match(back) else "/attempts"
