"""What a person id and a name may be: one set of rules for the CLI and the kiosk.

An id ends up in file names (enroll --from-dir), CSV exports and audit rows,
so it is kept to letters, digits and a few separators, with no spaces.
"""

from __future__ import annotations

MAX_ID_LEN = 64
MAX_NAME_LEN = 100
ID_SEPARATORS = "._-"


def person_id_problem(person_id: str) -> str | None:
    """Why this id cannot be used (a short phrase), or None."""
    if not person_id:
        return "the id is empty"
    if len(person_id) > MAX_ID_LEN:
        return f"the id is longer than {MAX_ID_LEN} characters"
    if not person_id[0].isalnum() or not all(c.isalnum() or c in ID_SEPARATORS for c in person_id):
        return "an id may use only letters, digits, '.', '_' and '-', starting with a letter or digit"
    return None


def name_problem(name: str, what: str = "name") -> str | None:
    """Why this name cannot be used, or None; `what` names the field in the message."""
    if not name.strip():
        return f"the {what} is empty"
    if len(name.strip()) > MAX_NAME_LEN:
        return f"the {what} is longer than {MAX_NAME_LEN} characters"
    if not name.isprintable():
        return f"the {what} has control characters"
    return None
