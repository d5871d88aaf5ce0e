"""The kiosk's ids for OneRoster records (docs/ONEROSTER.md, "Ids").

A user's person id is their sourcedId when that is a valid person id (kiosk/enrolment/rules.py:
letters, digits, `.`, `_`, `-`, at most 64), else one derived from it: its valid characters,
the rest made `-`, then `-` and the first 10 hex digits of its SHA-256, so two sourcedIds that
clean up alike still differ. A class's code is its classCode cleaned the same way (no hash: a
classCode is made to be read), or with none, derived from its sourcedId.
"""

from __future__ import annotations

import hashlib
import re

from kiosk.enrolment.rules import person_id_problem


def derived_id(sourced_id: str) -> str:
    """A valid person id for a sourcedId that is not one: its valid characters and a short hash."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", sourced_id).strip("._-")[:40].strip("._-")
    digest = hashlib.sha256(sourced_id.encode("utf-8")).hexdigest()[:10]
    return f"{cleaned}-{digest}" if cleaned else f"or-{digest}"


def person_id_for(sourced_id: str) -> str:
    return sourced_id if person_id_problem(sourced_id) is None else derived_id(sourced_id)


def class_code_for(class_code: str, sourced_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", class_code.strip()).strip("._-")[:64].strip("._-")
    return cleaned if cleaned else person_id_for(sourced_id)
