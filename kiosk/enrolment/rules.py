"""What a person id, a class code and a name may be: one set of rules for the CLI, the web
console and the kiosk.

An id ends up in file names (enroll --from-dir), CSV exports and audit rows,
so it is kept to letters, digits and a few separators, with no spaces; a class code
goes to the same places, so it follows the same rule.
"""

from __future__ import annotations

MAX_ID_LEN = 64
MAX_NAME_LEN = 100
ID_SEPARATORS = "._-"


def person_id_problem(person_id: str) -> str | None:
    """Why this id cannot be used (a short phrase), or None."""
    return identifier_problem(person_id, "id")


def class_code_problem(code: str) -> str | None:
    """Why this class code cannot be used (a short phrase), or None."""
    return identifier_problem(code, "class code")


def identifier_problem(text: str, what: str) -> str | None:
    """The one rule for ids and codes; `what` names them in the message."""
    if not text:
        return f"the {what} is empty"
    if len(text) > MAX_ID_LEN:
        return f"the {what} is longer than {MAX_ID_LEN} characters"
    if not text[0].isalnum() or not all(c.isalnum() or c in ID_SEPARATORS for c in text):
        article = "an" if what[0] in "aeiou" else "a"
        return f"{article} {what} may use only letters, digits, '.', '_' and '-', starting with a letter or digit"
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
