"""Scenes for docs/screenshots.py: the instructor overlay and the session summary.

Each setup(app) runs after the window opens: it pushes the overlay (or the
summary) in the state a real instructor would see, with the data the admin
worker would have sent. Nothing here talks to a database.
"""

from __future__ import annotations

import dataclasses

from kiosk.config import PinSection
from kiosk.messages.desk import PIN_LOCKED, Candidate, OverlayContext, PinChecked, SessionEnded
from kiosk.model import SessionInfo, reconcile
from kiosk.ui.staff_layer import StaffLayer
from kiosk.ui.pin_overlay import PinOverlay

PIN = PinSection()
ROSTER = {
    "s01": "Tom Okafor", "s02": "Priya Natarajan", "s03": "Lucas Meyer", "s04": "Aisha Rahman",
    "s05": "Sofia García-López", "s06": "Lin-Manuel Miranda", "s07": "Hannah Schmidt", "s08": "Kenji Watanabe",
    "s09": "Olivia Brown", "s10": "Mateo Rossi", "s11": "Zara Ahmed", "s12": "Noah Kim",
}
SEEN = {"s01": "present", "s02": "present", "s03": "present", "s04": "late", "s05": "present",
        "s06": "present", "s07": "late", "s09": "present"}


def layer(app) -> StaffLayer:
    return next(s for s in app.stack.states if isinstance(s, StaffLayer))


def context(session: SessionInfo, upcoming: SessionInfo | None) -> OverlayContext:
    candidates = tuple(Candidate(pid, name, SEEN.get(pid, "")) for pid, name in
                       sorted(ROSTER.items(), key=lambda kv: kv[1]))
    summary = dataclasses.replace(reconcile(ROSTER, SEEN.items()), failed_live_checks=1)
    return OverlayContext(session, upcoming, summary, candidates)


def overlay_scene(screen: str, session: SessionInfo, upcoming: SessionInfo | None, **state):
    """setup(app) that opens the overlay on `screen` with extra attributes set."""

    def setup(app) -> None:
        over: PinOverlay = layer(app).open_overlay()
        if screen != "pin":
            ok = PinChecked(True, "Dr. Ada Lovelace", "instructor", context=context(session, upcoming))
            over.handle_event(ok)
        over.screen = screen
        for key, value in state.items():
            setattr(over, key, value)
        over.update(0.0)

    return setup


def locked_scene(setup_time: float = 27.0):
    def setup(app) -> None:
        over: PinOverlay = layer(app).open_overlay()
        over.handle_event(PinChecked(False, refusal=PIN_LOCKED, locked_for=setup_time))
        over.update(0.0)

    return setup


def summary_scene(session: SessionInfo):
    def setup(app) -> None:
        ended = SessionInfo(**{**session.__dict__, "state": "ended"})
        absent_all = {pid: SEEN.get(pid, "absent") for pid in ROSTER}
        # Queued after the scene's check-ins, as the scheduler would post it at the end time.
        summary = dataclasses.replace(reconcile(ROSTER, absent_all.items()), failed_live_checks=1)
        app.inbox.outbox("scheduler").deliver(SessionEnded(ended, summary))

    return setup


def scenes(session: SessionInfo, upcoming: SessionInfo) -> list[tuple]:
    """(name, size, setup) for each overlay screenshot."""
    return [
        ("11_pin_pad", (1280, 720), overlay_scene("pin", session, upcoming, digits="48")),
        ("12_pin_wrong", (1024, 600), overlay_scene("pin", session, upcoming, message="Wrong PIN · 3 tries left",
                                                    message_level="error")),
        ("13_pin_locked", (1280, 720), locked_scene()),
        ("14_menu", (1280, 720), overlay_scene("menu", session, upcoming)),
        ("15_confirm_end", (1024, 600), overlay_scene("confirm_end", session, upcoming)),
        ("29_confirm_start_early", (1024, 600), overlay_scene("confirm_start", session, upcoming)),
        ("16_mark_student", (1280, 720), overlay_scene("mark", session, upcoming, query="",
                                                       message="Marked Olivia Brown present", message_level="good")),
        ("17_reconcile", (1920, 1080), overlay_scene("reconcile", session, upcoming)),
        ("18_menu_portrait", (720, 1280), overlay_scene("menu", session, upcoming)),
        ("19_reconcile_portrait", (720, 1280), overlay_scene("reconcile", session, upcoming)),
        ("20_session_summary", (1280, 720), summary_scene(session)),
        ("21_session_summary_1024x600", (1024, 600), summary_scene(session)),
        ("22_pin_pad_1024x600", (1024, 600), overlay_scene("pin", session, upcoming, digits="4829")),
        ("23_mark_portrait", (720, 1280), overlay_scene("mark", session, upcoming, query="a")),
    ]
