"""The central `oneroster` collection: which school-system record (its OneRoster sourcedId) each
imported person, class and enrollment came from. Written by the central import
(kiosk/interchange/central.py), pulled by every door like the other admin documents, so an
export anywhere keys its rows by the same sourcedIds.

  _id = "user:<sourcedId>"        person_id, identifier, active
  _id = "class:<sourcedId>"       class_code, active
  _id = "enrollment:<sourcedId>"  class_sourced_id, user_sourced_id, role, primary
  every one: kind, sourced_id, deleted (a tombstone), updated_at (server time)
"""

from __future__ import annotations

from kiosk.store.oneroster import ClassLink, EnrollmentLink, PulledLink, UserLink
from kiosk.sync.documents import MalformedDocument

COLLECTION = "oneroster"
KINDS = ("user", "class", "enrollment")


def link_id(kind: str, sourced_id: str) -> str:
    return f"{kind}:{sourced_id}"


def link_fields(link: UserLink | ClassLink | EnrollmentLink) -> dict:
    if isinstance(link, UserLink):
        return {"kind": "user", "sourced_id": link.sourced_id, "person_id": link.person_id,
                "identifier": link.identifier, "active": link.active, "deleted": False}
    if isinstance(link, ClassLink):
        return {"kind": "class", "sourced_id": link.sourced_id, "class_code": link.class_code,
                "active": link.active, "deleted": False}
    return {"kind": "enrollment", "sourced_id": link.sourced_id, "class_sourced_id": link.class_sourced_id,
            "user_sourced_id": link.user_sourced_id, "role": link.role, "primary": link.primary, "deleted": False}


def parse_link(doc: dict) -> PulledLink:
    """A document as the store's value type; MalformedDocument (skipped with a warning) if it does not fit."""
    kind, sid = doc.get("kind"), doc.get("sourced_id")
    if kind not in KINDS or not isinstance(sid, str) or not sid or doc.get("_id") != link_id(kind, sid):
        raise MalformedDocument(f"oneroster document {doc.get('_id')!r}: needs kind, sourced_id and a matching _id")
    if doc.get("deleted") is True:
        return PulledLink(kind, sid)
    try:
        if kind == "user":
            link = UserLink(sid, _text(doc, "person_id"), str(doc.get("identifier") or ""),
                            doc.get("active") is not False)
        elif kind == "class":
            link = ClassLink(sid, _text(doc, "class_code"), doc.get("active") is not False)
        else:
            role = _text(doc, "role")
            if role not in ("student", "teacher"):
                raise ValueError(f"role {role!r} is not student or teacher")
            link = EnrollmentLink(sid, _text(doc, "class_sourced_id"), _text(doc, "user_sourced_id"), role,
                                  doc.get("primary") is True)
    except ValueError as err:
        raise MalformedDocument(f"oneroster document {doc['_id']!r}: {err}") from None
    return PulledLink(kind, sid, link)


def _text(doc: dict, key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be non-empty text")
    return value
