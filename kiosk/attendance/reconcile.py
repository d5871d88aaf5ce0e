"""Who was expected, who came, who did not: pure functions over a roster and rows.

Used by the instructor's reconciliation view, the end-of-session summary
and the absent rows written when a session ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Reconciliation:
    """One session's attendance. Names are sorted; `absent` holds everyone
    on the roster not present or late (whether or not an absent row exists yet)."""

    expected: int
    present: tuple[str, ...]
    late: tuple[str, ...]
    absent: tuple[str, ...]
    not_on_roster: tuple[str, ...] = ()  # rows for people since removed from the roster
    failed_live_checks: int = 0  # spoof events recorded during the session

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return self.expected, len(self.present), len(self.late), len(self.absent)


def reconcile(roster: Mapping[str, str], rows: Iterable[tuple[str, str]]) -> Reconciliation:
    """`roster`: person id -> name; `rows`: (person id, status) stored for the session."""
    status = dict(rows)
    present = _names(roster, [p for p in roster if status.get(p) == "present"])
    late = _names(roster, [p for p in roster if status.get(p) == "late"])
    absent = _names(roster, [p for p in roster if status.get(p) not in ("present", "late")])
    stray = tuple(sorted((p for p, s in status.items() if p not in roster and s != "absent"), key=str.casefold))
    return Reconciliation(len(roster), present, late, absent, stray)


def _names(roster: Mapping[str, str], ids: list[str]) -> tuple[str, ...]:
    return tuple(sorted((roster[p] or p for p in ids), key=str.casefold))


def absentees(roster: Iterable[str], seen: Iterable[str]) -> list[str]:
    """Roster members with no row at all: they get an 'absent' row when the session ends."""
    have = set(seen)
    return sorted(p for p in set(roster) if p not in have)
