"""What the web pages show: small dataclasses that both data sources produce."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

MARK_CHOICES = ("present", "late", "absent")


@dataclass(frozen=True)
class ClassSummary:
    code: str
    name: str
    room: str
    instructor_id: str | None


@dataclass(frozen=True)
class RosterLine:
    """One student in one session: '' status while not seen in an open session."""

    person_id: str
    name: str
    status: str = ""  # present | late | absent | '' (not yet)
    checked_in_at: datetime | None = None
    method: str = ""  # face | manual | auto (absent at the end) | ''
    made_by: str = ""
    failed_live_checks: int | None = 0  # None: not known here (not synced centrally)
    note: str = ""  # the reason given with the latest mark by hand


@dataclass(frozen=True)
class SessionView:
    session_id: str
    class_code: str
    class_name: str
    room: str
    starts_at: datetime
    ends_at: datetime
    state: str  # scheduled | active | ended
    kiosks: tuple[str, ...] = ()
    lines: tuple[RosterLine, ...] = ()
    failed_live_checks: int | None = 0

    @property
    def counts(self) -> Counter:
        found = Counter(line.status or "not_yet" for line in self.lines)
        found["roster"] = len(self.lines)
        return found


@dataclass(frozen=True)
class KioskView:
    kiosk_id: str
    room: str
    version: str = "?"
    last_seen: datetime | None = None
    age_s: float | None = None
    camera: str | None = None
    queue: int | None = None
    outbox: int | None = None
    ui_fps: float | None = None
    stale: bool = False


@dataclass(frozen=True)
class Change:
    """One attendance row written or changed: what the event stream carries."""

    session_id: str
    class_code: str
    person_id: str
    name: str
    status: str
    checked_in_at: str  # ISO text, the school's zone
    method: str

    def as_dict(self) -> dict:
        return dict(session_id=self.session_id, class_code=self.class_code, person_id=self.person_id,
                    name=self.name, status=self.status, checked_in_at=self.checked_in_at, method=self.method)


def mark_note(audit_detail: str) -> str:
    """The reason in a manual_mark audit row: 'absent -> late: web: bus' -> 'web: bus' (door marks have none)."""
    return audit_detail.split(": ", 1)[1] if ": " in audit_detail else ""


@dataclass
class ChangeCursor:
    """Where a source's change feed has got to (the ledger id, or a snapshot of documents)."""

    position: int = 0
    snapshot: dict = field(default_factory=dict)
