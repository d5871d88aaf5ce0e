"""Central admin documents <-> small dataclasses, with validation.

Whatever the server sends is checked here before it may touch SQLite: a
document that does not fit raises MalformedDocument (one line, naming the
document), and the pull skips it with a warning.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import numpy as np

from kiosk.model import Schedule, format_weekdays, parse_weekdays, room_name
from kiosk.store.mirror import PulledClass, PulledCode, PulledPerson, PulledPin, PulledSchedule

ROLES = ("student", "instructor", "admin")


class MalformedDocument(ValueError):
    pass


def parse_person(doc: dict) -> PulledPerson:
    pid = _id(doc, "person")
    if doc.get("deleted") is True:
        return PulledPerson(pid, deleted=True)
    name, role = _text(doc, "name", pid), doc.get("role", "student")
    if role not in ROLES:
        raise MalformedDocument(f"person {pid!r}: role {role!r} is not one of {', '.join(ROLES)}")
    embeddings = []
    for i, item in enumerate(doc.get("embeddings") or []):
        if not isinstance(item, dict):
            raise MalformedDocument(f"person {pid!r}: embedding {i} is not a document")
        embeddings.append((_text(item, "model", pid), _vector_bytes(item.get("vector"), pid, i),
                           str(item.get("source") or "")))
    opted_out = doc.get("face_opt_out") is True
    return PulledPerson(pid, name, role, () if opted_out else tuple(embeddings), face_opt_out=opted_out)


def parse_class(doc: dict) -> PulledClass:
    code = _id(doc, "class")
    if doc.get("deleted") is True:
        return PulledClass(code, deleted=True)
    roster = doc.get("roster") or []
    if not isinstance(roster, list) or not all(isinstance(p, str) and p for p in roster):
        raise MalformedDocument(f"class {code!r}: roster must be a list of person ids")
    instructor = doc.get("instructor_id") or None
    if instructor is not None and not isinstance(instructor, str):
        raise MalformedDocument(f"class {code!r}: instructor_id must be a person id")
    room = doc.get("room") or ""
    if not isinstance(room, str):
        raise MalformedDocument(f"class {code!r}: room must be text")
    return PulledClass(code, _text(doc, "name", code), room_name(room), instructor, tuple(dict.fromkeys(roster)))


def parse_schedule(doc: dict) -> PulledSchedule:
    sid = _id(doc, "schedule")
    if doc.get("deleted") is True:
        return PulledSchedule(sid, deleted=True)
    try:
        start, end = time.fromisoformat(doc["start"]), time.fromisoformat(doc["end"])
        tz = doc["timezone"]
        ZoneInfo(tz)
        on_date = date.fromisoformat(doc["on_date"]) if doc.get("on_date") else None
        weekdays = parse_weekdays(doc["weekdays"]) if doc.get("weekdays") else None
        code = doc["class_code"]
    except (KeyError, TypeError, ValueError) as err:
        raise MalformedDocument(f"schedule {sid!r}: {type(err).__name__}: {err}") from None
    if not isinstance(code, str) or not code:
        raise MalformedDocument(f"schedule {sid!r}: class_code must be a class code")
    if end <= start:
        raise MalformedDocument(f"schedule {sid!r}: end {end:%H:%M} is not after start {start:%H:%M}")
    if (on_date is None) == (weekdays is None):
        raise MalformedDocument(f"schedule {sid!r}: needs exactly one of on_date and weekdays")
    try:
        cancelled = frozenset(date.fromisoformat(d) for d in doc.get("cancelled") or [])
    except (TypeError, ValueError):
        raise MalformedDocument(f"schedule {sid!r}: cancelled must be a list of YYYY-MM-DD dates") from None
    return PulledSchedule(sid, Schedule(code, start, end, tz, on_date=on_date, weekdays=weekdays, cancelled=cancelled))


def parse_pin(doc: dict) -> PulledPin:
    return _parse_hashed(doc, "pin", PulledPin, "a salted scrypt hash")


def parse_code(doc: dict) -> PulledCode:
    return _parse_hashed(doc, "code", PulledCode, "a check-in code's scrypt hash")


def _parse_hashed(doc: dict, kind: str, pulled, what: str):
    """A PIN or check-in code document: its person's id and `<kind>_hash`, or a deletion."""
    pid = _id(doc, kind)
    if doc.get("deleted") is True:
        return pulled(pid, deleted=True)
    value = doc.get(f"{kind}_hash")
    # Checked for shape only; the message never quotes the hash.
    if not isinstance(value, str) or not value.startswith("scrypt$") or value.count("$") != 5:
        raise MalformedDocument(f"{kind} {pid!r}: {kind}_hash is not {what}")
    return pulled(pid, value)


# -- documents the admin path writes ------------------------------------------------

def person_fields(name: str, role: str, model: str, vectors: np.ndarray, sources: list[str]) -> dict:
    from bson.binary import Binary

    return {
        "name": name, "role": role, "deleted": False,
        "embeddings": [{"model": model, "vector": Binary(np.asarray(v, np.float32).tobytes()), "source": s}
                       for v, s in zip(vectors, sources)],
    }


def class_fields(name: str, room: str, instructor_id: str | None, roster: list[str]) -> dict:
    return {"name": name, "room": room_name(room), "instructor_id": instructor_id,
            "roster": list(dict.fromkeys(roster)), "deleted": False}


def schedule_fields(schedule: Schedule) -> dict:
    return {
        "class_code": schedule.class_code, "start": f"{schedule.start:%H:%M}", "end": f"{schedule.end:%H:%M}",
        "on_date": schedule.on_date.isoformat() if schedule.on_date else None,
        "weekdays": format_weekdays(schedule.weekdays) if schedule.weekdays else None,
        "timezone": schedule.timezone, "deleted": False,
    }


def _id(doc: dict, what: str) -> str:
    value = doc.get("_id")
    if not isinstance(value, str) or not value.strip():
        raise MalformedDocument(f"{what} document with _id {value!r}: _id must be non-empty text")
    return value


def _text(doc: dict, key: str, owner: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MalformedDocument(f"{owner!r}: {key} must be non-empty text, got {type(value).__name__}")
    return value.strip()


def _vector_bytes(value, pid: str, i: int) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    elif isinstance(value, list) and value and all(isinstance(x, (int, float)) for x in value):
        raw = np.asarray(value, np.float32).tobytes()
    else:
        raise MalformedDocument(f"person {pid!r}: embedding {i} vector must be float32 bytes or numbers")
    if not raw or len(raw) % 4:
        raise MalformedDocument(f"person {pid!r}: embedding {i} vector has {len(raw)} bytes, not float32s")
    if not np.all(np.isfinite(np.frombuffer(raw, np.float32))):
        raise MalformedDocument(f"person {pid!r}: embedding {i} vector has NaN or infinite values")
    return raw
