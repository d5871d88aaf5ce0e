"""Who may act on a class: an admin any class, an instructor their own. The one rule the
door's overlay, the web view and the command line all apply."""

from __future__ import annotations


def may_manage(role: str, person_id: str, instructor_id: str | None) -> bool:
    """Whether someone may see and mark a class taught by `instructor_id`."""
    return role == "admin" or (role == "instructor" and bool(instructor_id) and instructor_id == person_id)
