"""Who sees what: an admin every class, an instructor their own (the kiosk's rule)."""

from __future__ import annotations

from kiosk.staff.roles import may_manage
from kiosk.web.auth import StaffLogin
from kiosk.web.forms import WebError
from kiosk.web.model import ClassSummary


def allowed_codes(login: StaffLogin, classes: list[ClassSummary]) -> set[str] | None:
    """The class codes this person may see; None for all (an admin)."""
    if login.person.role == "admin":
        return None
    return {c.code for c in classes if may_manage(login.person.role, login.person.id, c.instructor_id)}


def require_class(login: StaffLogin, classes: list[ClassSummary], code: str) -> ClassSummary:
    """The class, if it exists and is this person's to see (WebError 404 / 403 otherwise)."""
    found = next((c for c in classes if c.code == code), None)
    if found is None:
        raise WebError(404, f"unknown class {code[:64]!r}")
    if not may_manage(login.person.role, login.person.id, found.instructor_id):
        raise WebError(403, f"{found.code} is not one of your classes")
    return found


def visible(allowed: set[str] | None, code: str) -> bool:
    return allowed is None or code in allowed
