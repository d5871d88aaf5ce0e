"""Events for the instructor's overlay and the end-of-session summary.

The admin worker and the scheduler post these on the UI queue (they never
touch pygame); the overlay and its launcher react to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.model import Reconciliation, SessionInfo


@dataclass(frozen=True)
class SessionEnded:
    """A session just ended (at its time, or by the instructor): show the summary."""

    session: SessionInfo
    summary: Reconciliation


@dataclass(frozen=True)
class PinChecked:
    ok: bool
    name: str = ""
    role: str = ""
    message: str = ""  # why not (wrong PIN, locked, nobody may open it now)
    locked_for: float = 0.0  # seconds the keypad stays locked
    context: OverlayContext | None = None  # what the instructor can act on, when ok


@dataclass(frozen=True)
class Candidate:
    """A roster member the instructor can mark by hand."""

    person_id: str
    name: str
    status: str  # '' (not seen), present, late, absent


@dataclass(frozen=True)
class OverlayContext:
    """What the signed-in instructor can act on right now."""

    session: SessionInfo | None  # the active (or just ended) session
    upcoming: SessionInfo | None  # the next meeting, for "start early"
    summary: Reconciliation | None
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class ActionDone:
    action: str  # end_session | start_early | manual_mark | logout
    ok: bool
    message: str
    context: OverlayContext | None = None
