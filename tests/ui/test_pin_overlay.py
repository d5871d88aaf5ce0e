"""The instructor overlay on the real app loop (dummy SDL display), driven by posted
pygame events, with the real desk worker thread and a real SQLite file."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pygame
import pytest

from kiosk.staff.worker import DeskWorker
from kiosk.clock import FixedClock
from kiosk.config import Config, UiSection
from kiosk.messages.screen import CheckInPosted
from kiosk.model import Schedule, Status
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import staff
from kiosk.store.audit import audit_entries
from kiosk.store.pins import set_pin
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.ui.staff_layer import StaffLayer, SummaryState
from kiosk.ui.app import KioskApp
from kiosk.ui.pin_overlay import PinOverlay
from tests.lanes_support import ScreenLanes

from ui_support import SyntheticCamera, checkin, post_key, post_text

TZ = ZoneInfo("Europe/London")
SESSION = "CS101@2026-11-25T09:00Z"


class Ticks:
    """A clock for the lockout that moves only when told."""

    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


@pytest.fixture
def kiosk(data_dir):
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7").replace(
        "vision", embedder="sface")  # like `faces`
    cfg = cfg.replace("pin", idle_timeout_s=120.0)
    store = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(store, "prof", "Prof Ada")
    staff.add_staff(store, "other", "Prof Bo")
    set_pin(store, "prof", "4829")
    set_pin(store, "other", "5930")
    store.add_class("CS101", "Intro", ["maya", "lin", "tom"], room="B12", instructor_id="prof")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=TZ))
    events = ScreenLanes()
    SessionScheduler(store, cfg, clock, events.put).tick()  # CS101 is active
    stop = threading.Event()
    ticks = Ticks()
    worker = DeskWorker(cfg, lambda: SqliteStore.in_dir(data_dir), clock, events.outbox("admin"), stop,
                         lock_clock=ticks)
    worker.start()
    layers = [lambda live: StaffLayer(cfg.pin, live, worker.submit)]
    app = KioskApp(UiSection(width=1024, height=600), SyntheticCamera(), events, stop, clock, windowed=True,
                   layers=layers)
    app.open()
    app.ticks = ticks
    app.store = store
    yield app
    stop.set()
    worker.join(3)
    app.close()
    store.close()


def step(app: KioskApp, until=lambda: False, timeout: float = 10.0, frames: int = 0) -> None:
    """Run loop ticks (input, events, update, draw) until `until()` or `frames` ticks."""
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        app._pump_input()
        app.tick(1 / 30)
        done += 1
        if until() or (frames and done >= frames):
            return
        time.sleep(0.005)
    raise AssertionError("condition not reached")


def overlay(app) -> PinOverlay | None:
    return next((s for s in app.stack.states if isinstance(s, PinOverlay)), None)


def click(app, label: str) -> None:
    button = next(b for b in overlay(app).buttons if b.label == label)
    assert button.enabled, label
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button.rect.center))
    step(app, frames=1)


def open_overlay(app) -> PinOverlay:
    post_key(pygame.K_F2)
    step(app, lambda: overlay(app) is not None)
    return overlay(app)


def type_pin(app, pin: str) -> None:
    for digit in pin:
        post_key(getattr(pygame, f"K_{digit}"))
    post_key(pygame.K_RETURN)
    step(app, lambda: not overlay(app).pending)


def sign_in_by_touch(app, pin: str = "4829") -> PinOverlay:
    over = open_overlay(app)
    for digit in pin:
        click(app, digit)
    click(app, "OK")
    step(app, lambda: over.screen == "menu")
    return over


def test_correct_pin_opens_the_menu_and_is_audited(kiosk):
    over = open_overlay(kiosk)
    type_pin(kiosk, "4829")
    assert over.screen == "menu" and over.person.name == "Prof Ada"
    assert over.context.session.session_id == SESSION
    (entry,) = audit_entries(kiosk.store, "pin_ok")
    assert (entry.actor_id, entry.kiosk_id, entry.session_id) == ("prof", "door-7", SESSION)


def test_another_classes_instructor_cannot_open_it(kiosk):
    over = open_overlay(kiosk)
    type_pin(kiosk, "5930")  # Prof Bo's PIN is real, but CS101 is not theirs
    assert over.screen == "pin" and "Wrong PIN" in over.message


def test_five_wrong_pins_lock_the_keypad_with_the_time_left_shown(kiosk):
    over = open_overlay(kiosk)
    for n in range(4):
        type_pin(kiosk, "1111")
    assert over.message == "Wrong PIN · 1 try left before the keypad locks"
    type_pin(kiosk, "1111")
    assert over.locked and over.message.startswith("Keypad locked · try again in 30 s")
    assert not next(b for b in over.buttons if b.label == "5").enabled
    post_key(pygame.K_5)
    step(kiosk, frames=2)
    assert over.digits == ""  # the locked pad takes nothing
    actions = [a.action for a in audit_entries(kiosk.store)]
    assert actions.count("pin_wrong") == 5 and actions[0] == "lockout"
    kiosk.ticks.t += 31  # the worker's lock has run out ...
    over.update(31)  # ... and so has the overlay's countdown
    type_pin(kiosk, "4829")
    assert over.screen == "menu"


def test_end_session_by_touch_writes_absent_rows_and_shows_the_summary(kiosk):
    kiosk.store.conn.execute(
        "INSERT INTO attendance (session_id, person_id, status, checked_in_at) VALUES (?, 'maya', 'present', ?)",
        (SESSION, "2026-11-25T09:01:00.000+00:00"))
    over = sign_in_by_touch(kiosk)
    click(kiosk, "End CS101 now")
    assert over.screen == "confirm_end"
    click(kiosk, "End session")
    step(kiosk, lambda: any(isinstance(s, SummaryState) for s in kiosk.stack.states))
    assert overlay(kiosk) is None  # the overlay closed itself
    summary = next(s for s in kiosk.stack.states if isinstance(s, SummaryState)).ended.summary
    assert summary.counts == (3, 1, 0, 2)
    rows = dict(kiosk.store.query("SELECT person_id, status FROM attendance WHERE session_id = ?", (SESSION,)))
    assert rows == {"maya": "present", "lin": "absent", "tom": "absent"}
    assert kiosk.store.session_state(SESSION) == "ended"
    ends = audit_entries(kiosk.store, "end_session")
    assert [(e.actor_id, e.kiosk_id, e.session_id) for e in ends] == [("prof", "door-7", SESSION)]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(5, 5)))
    step(kiosk, lambda: not any(isinstance(s, SummaryState) for s in kiosk.stack.states))


def test_manual_mark_by_search_records_method_and_author(kiosk):
    over = sign_in_by_touch(kiosk)
    click(kiosk, "Mark a student")
    step(kiosk, lambda: not over.pending)
    post_text((pygame.K_l, pygame.K_i))
    step(kiosk, frames=2)
    assert over.query == "li" and [c.name for c in over.matches()] == ["Lin Miranda"]
    click(kiosk, "Present")
    step(kiosk, lambda: not over.pending)
    assert over.message == "Marked Lin Miranda present"
    row = kiosk.store.query("SELECT status, method, made_by, kiosk_id FROM attendance WHERE person_id = 'lin'")
    assert tuple(row[0]) == ("present", "manual", "prof", "door-7")
    (entry,) = audit_entries(kiosk.store, "manual_mark")
    assert (entry.actor_id, entry.target_id, entry.detail) == ("prof", "lin", "none -> present")


def test_unknown_student_in_a_manual_mark_gets_a_clear_message(kiosk):
    over = sign_in_by_touch(kiosk)
    over.go("mark")
    step(kiosk, lambda: not over.pending)
    over.mark("ghost", "present")
    step(kiosk, lambda: not over.pending)
    assert over.message == "unknown student 'ghost'" and over.message_level == "error"
    assert kiosk.store.query("SELECT count(*) FROM attendance")[0][0] == 0


def test_reconciliation_view_counts(kiosk):
    over = sign_in_by_touch(kiosk)
    click(kiosk, "Attendance so far")
    step(kiosk, lambda: not over.pending)
    assert over.screen == "reconcile" and over.context.summary.counts == (3, 0, 0, 3)
    post_key(pygame.K_ESCAPE)
    step(kiosk, frames=1)
    assert over.screen == "menu"


def test_live_view_keeps_updating_under_the_overlay(kiosk):
    open_overlay(kiosk)
    frames_before = kiosk.live.feed.frame.index
    kiosk.inbox.put(CheckInPosted(checkin(Status.PRESENT, name="Tom Okafor")))
    step(kiosk, frames=3)
    assert kiosk.live.card.title == "Checked in: Tom Okafor"
    assert kiosk.live.feed.frame.index > frames_before


def test_overlay_closes_itself_after_inactivity_and_logs_out(kiosk):
    over = sign_in_by_touch(kiosk)
    over.update(119.0)
    assert overlay(kiosk) is over
    step(kiosk, lambda: overlay(kiosk) is None)  # the next second of ticks crosses 120 s
    step(kiosk, lambda: audit_entries(kiosk.store, "timeout") != [])
    assert audit_entries(kiosk.store, "timeout")[0].actor_id == "prof"


def test_the_staff_button_opens_the_overlay_by_touch(kiosk):
    layer = next(s for s in kiosk.stack.states if isinstance(s, StaffLayer))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=layer.button_rect().center))
    step(kiosk, lambda: overlay(kiosk) is not None)
    click(kiosk, "Close")
    assert overlay(kiosk) is None


def test_start_next_early_by_an_admin(kiosk):
    staff.add_staff(kiosk.store, "root", "Admin", role="admin")
    set_pin(kiosk.store, "root", "905173")
    kiosk.store.add_class("MA201", "Calculus", ["maya"], room="B12", instructor_id="other")
    kiosk.store.add_schedule(Schedule("MA201", dtime(10), dtime(11), "Europe/London", on_date=date(2026, 11, 25)))
    over = open_overlay(kiosk)
    type_pin(kiosk, "905173")
    assert over.screen == "menu" and over.context.upcoming.class_code == "MA201"
    click(kiosk, "Start MA201 now (10:00)")
    assert over.screen == "confirm_start" and kiosk.store.session_state(SESSION) == "active"  # not yet
    click(kiosk, "Start now")
    step(kiosk, lambda: overlay(kiosk) is None)
    assert kiosk.store.active_session().class_code == "MA201"
    assert kiosk.store.session_state(SESSION) == "ended"
    (entry,) = audit_entries(kiosk.store, "start_early")
    assert entry.actor_id == "root"


def test_start_early_asks_first_says_what_it_means_and_the_banner_says_started_early(kiosk):
    from kiosk.ui import overlay_views, text

    staff.add_staff(kiosk.store, "root", "Admin", role="admin")
    set_pin(kiosk.store, "root", "905173")
    kiosk.store.add_class("MA201", "Calculus", ["maya"], room="B12", instructor_id="other")
    kiosk.store.add_schedule(Schedule("MA201", dtime(10), dtime(11), "Europe/London", on_date=date(2026, 11, 25)))
    over = open_overlay(kiosk)
    type_pin(kiosk, "905173")
    click(kiosk, "Start MA201 now (10:00)")
    title, _ = overlay_views._titles(over)
    assert title == "Start MA201 now, 57 min early?"  # the door's clock reads 09:03
    assert overlay_views.start_lines(over) == [
        "Students can check in from now. Late counts as usual, from its scheduled start at 10:00.",
        "CS101 ends first: 3 not seen will be marked absent"]
    click(kiosk, "Back")  # changed nothing
    assert over.screen == "menu" and kiosk.store.session_state(SESSION) == "active"
    assert not audit_entries(kiosk.store, "start_early")
    click(kiosk, "Start MA201 now (10:00)")
    click(kiosk, "Start now")
    step(kiosk, lambda: overlay(kiosk) is None)
    change = SessionScheduler(kiosk.store, Config(), kiosk.clock, lambda m: None).tick()
    assert change.current.class_code == "MA201" and change.current.state == "active"
    assert text.session_timing(change.current, kiosk.clock()) == "Started early · due 10:00"  # not "Starts in 57 min"
