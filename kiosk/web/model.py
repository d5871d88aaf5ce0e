"""What the web pages show: small dataclasses that both data sources produce. A
session's lines are the store's roll lines (kiosk/model.py: RollLine), so the pages,
the exports and the API read one shape, from SQLite or from the central database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.model import Roll, RollLine
from kiosk.reports.rows import unmarked


@dataclass(frozen=True)
class ClassSummary:
    code: str
    name: str
    room: str
    instructor_id: str | None


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
    lines: tuple[RollLine, ...] = ()
    failed_live_checks: int | None = 0

    @property
    def unmarked(self) -> str:
        """What a line with no status is: "not yet", or "not marked" once the session ended."""
        return unmarked(self.state)

    @property
    def counts(self) -> Counter:
        """By status; lines with none under `unmarked` (not_yet or not_marked)."""
        found = Counter(line.status or self.unmarked.replace(" ", "_") for line in self.lines)
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


def session_view(roll: Roll, tz: ZoneInfo, doors: tuple[str, ...]) -> SessionView:
    """A roll as a page shows it: times in the school's zone, the doors that held it, and the
    failed live checks: each line's and the unnamed faces', or unknown (None) if any is."""
    s = roll.session
    known = [line.failed_live_checks for line in roll.lines] + [roll.unnamed_failed_live_checks]
    failed = None if any(n is None for n in known) else sum(known)
    return SessionView(s.session_id, s.class_code, s.class_name, s.room, s.starts_at.astimezone(tz),
                       s.ends_at.astimezone(tz), s.state, doors, roll.lines, failed)


@dataclass
class ChangeCursor:
    """Where a source's change feed has got to (the ledger id, or a snapshot of documents)."""

    position: int = 0
    snapshot: dict = field(default_factory=dict)
