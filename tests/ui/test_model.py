"""The screen's rules, without a display: which card wins, fading, the recent list."""

import numpy as np
import pytest

from kiosk.config import UiSection
from kiosk.messages.screen import (
    EMBEDDER_FALLBACK, LIVENESS_BLINK_ONLY, STORAGE_FAILING, CameraState, CheckInPosted, FaceLabel, FacesSeen, LookAtCamera, Notice, RecognitionState,
    SessionChanged,
)
from kiosk.model import Frame, Status
from kiosk.ui import text
from kiosk.ui.model import TOAST_S, CardKind, ScreenModel
from kiosk.vision.base import FaceBox

from ui_support import NOW, checkin, session


def model(**cfg) -> ScreenModel:
    return ScreenModel(UiSection(**cfg))


def post(m: ScreenModel, *events) -> None:
    for event in events:
        m.apply(event, NOW)


def test_checkin_shows_card_until_confirm_time_passes():
    m = model(confirm_s=2.5)
    post(m, CheckInPosted(checkin(Status.PRESENT)))
    assert m.card.kind is CardKind.PRESENT
    assert m.card.title == "Checked in: Maya Chen"
    m.tick(2.4)
    assert m.card is not None
    m.tick(0.2)
    assert m.card is None


def test_newer_card_replaces_older():
    m = model()
    post(m, SessionChanged(session(), None), CheckInPosted(checkin(Status.PRESENT)),
         CheckInPosted(checkin(Status.STRANGER, name=None)))
    assert m.card.kind is CardKind.STRANGER
    assert m.card.detail == "Please try again or see your instructor"


def test_look_at_camera_never_hides_a_result_but_shows_when_idle():
    m = model()
    post(m, CheckInPosted(checkin(Status.LATE)), LookAtCamera())
    assert m.card.kind is CardKind.LATE
    m.tick(10)
    post(m, LookAtCamera())
    assert m.card.kind is CardKind.HINT and m.card.title == "Please look at the camera"
    serial = m.card.serial
    post(m, LookAtCamera())  # a repeat keeps the same hint up
    assert m.card.serial == serial
    post(m, CheckInPosted(checkin(Status.PRESENT)))
    assert m.card.kind is CardKind.PRESENT


def test_recent_list_keeps_newest_first_and_only_attendance_outcomes():
    m = model(recent_count=3)
    names = ["A One", "B Two", "C Three", "D Four"]
    for name in names:
        post(m, CheckInPosted(checkin(Status.PRESENT, name=name)))
    post(m, CheckInPosted(checkin(Status.STRANGER, name=None)), CheckInPosted(checkin(Status.NOT_ON_ROSTER)))
    assert [c.name for c in m.recent] == ["D Four", "C Three", "B Two"]


def test_repeat_sighting_of_a_listed_person_is_not_listed_twice():
    m = model()
    post(m, CheckInPosted(checkin(Status.PRESENT)), CheckInPosted(checkin(Status.ALREADY)))
    assert [c.status for c in m.recent] == [Status.PRESENT]
    post(m, CheckInPosted(checkin(Status.ALREADY, name="Sam Reed")))  # checked in before a restart
    assert [c.name for c in m.recent] == ["Sam Reed", "Maya Chen"]


def test_recent_count_zero_keeps_nothing():
    m = model(recent_count=0)
    post(m, CheckInPosted(checkin(Status.PRESENT)))
    assert list(m.recent) == [] and m.card is not None


def test_a_new_session_clears_the_recent_list_even_after_a_break():
    m = model()
    post(m, SessionChanged(session(), None, 1, 20), CheckInPosted(checkin(Status.PRESENT)))
    post(m, SessionChanged(session(), None, 2, 20))  # same session, new count
    assert len(m.recent) == 1 and m.present_count == 2
    post(m, SessionChanged(None, None))  # the break between classes keeps the list
    assert len(m.recent) == 1
    post(m, SessionChanged(session(code="MA201", start=(10, 0), end=(11, 0)), None, 0, 30))
    assert list(m.recent) == [] and m.roster_size == 30


def test_state_word_follows_the_session():
    m = model()
    assert m.state_word == "NO SESSION"
    post(m, SessionChanged(session(), None))
    assert m.state_word == "ACTIVE"
    post(m, SessionChanged(session(state="ended"), None))
    assert m.state_word == "ENDED"


def test_face_boxes_hold_then_fade_then_vanish():
    m = model()
    face = FaceLabel(FaceBox(10, 10, 50, 60, 0.9), "Maya Chen", 0.8, True)
    post(m, FacesSeen(3, (face,)))
    m.tick(0.5)
    assert m.faces_alpha() == 1.0
    m.tick(0.2)
    assert 0.0 < m.faces_alpha() < 1.0
    m.tick(0.5)
    assert m.faces == () and m.faces_alpha() == 0.0


def test_camera_recognition_and_notice_state():
    m = model()
    assert m.camera_ok is None and not m.recognition_ready
    post(m, CameraState(False, "no signal"), RecognitionState(True), Notice(STORAGE_FAILING, "disk full"))
    assert m.camera_ok is False and m.camera_message == text.CAMERA_UNAVAILABLE_DETAIL  # the screen's words
    assert m.recognition_ready and m.recognition_message == "Ready"
    assert m.toast.text == "Check-ins are not being saved: disk full. Please tell IT." and m.toast.level == "error"
    m.tick(10)
    assert m.toast is None


def test_unknown_events_are_ignored():
    m = model()
    post(m, object())
    assert m.card is None


def frame(index: int, at: float) -> Frame:
    return Frame(np.zeros((4, 4, 3), np.uint8), at, index)


def test_boxes_are_drawn_on_the_frame_they_were_found_in_while_it_is_fresh():
    m = model()
    newest = frame(11, 10.033)
    assert m.choose_picture(newest) is None and m.shown is newest  # no faces yet: the newest frame
    found = frame(10, 10.0)
    post(m, FacesSeen(10, (FaceLabel(FaceBox(1, 1, 2, 2, 0.9), "Maya Chen", 0.8, True),), found))
    assert m.choose_picture(frame(12, 10.066)) is None and m.shown is found  # one pass behind: its own frame
    later = frame(13, 10.1)
    post(m, FacesSeen(13, m.faces, later))
    assert m.choose_picture(frame(14, 10.133)) is None and m.shown is later  # and on, frame by frame


def test_boxes_from_a_stale_frame_are_drawn_on_the_newest_with_their_age():
    m = model()
    post(m, FacesSeen(10, (FaceLabel(FaceBox(1, 1, 2, 2, 0.9), None, None, False),), frame(10, 10.0)))
    newest = frame(25, 10.5)  # recognition is half a second behind
    assert m.choose_picture(newest) == pytest.approx(0.5) and m.shown is newest


def test_the_frame_of_old_boxes_is_let_go_with_them():
    m = model()
    post(m, FacesSeen(1, (), frame(1, 0.0)))
    m.tick(1.0)
    assert m.faces_frame is None


def test_with_nobody_in_view_the_picture_is_the_newest_frame():
    m = model()
    post(m, FacesSeen(10, (), frame(10, 10.0)))  # a pass that found no face
    newest = frame(11, 10.033)
    assert m.choose_picture(newest) is None and m.shown is newest


def test_notices_arriving_together_are_each_shown_in_turn():
    """At start a missing face model and a missing live-check model are announced in one frame."""
    m = model()
    post(m, Notice(EMBEDDER_FALLBACK, "edgeface-s"), Notice(LIVENESS_BLINK_ONLY), Notice(LIVENESS_BLINK_ONLY))
    assert m.toast.text == "Face model edgeface-s missing or damaged (ask IT): using the built-in model"
    assert m.toast.level == "warning"
    m.tick(TOAST_S)
    assert m.toast.text.startswith("Live check model not installed")
    m.tick(TOAST_S)
    assert m.toast is None
    post(m, Notice(EMBEDDER_FALLBACK, "edgeface-s"), Notice(STORAGE_FAILING, "disk full"))
    assert m.toast.level == "error"  # check-ins not being saved cannot wait its turn


def test_with_no_class_in_session_an_unknown_face_is_not_asked_to_try_again():
    m = model()
    post(m, CheckInPosted(checkin(Status.STRANGER, name=None)))
    assert m.card.title == text.CARD_STRANGER and m.card.detail == text.CARD_NO_SESSION_DETAIL
    post(m, SessionChanged(session(state="ended"), None), CheckInPosted(checkin(Status.STRANGER, name=None)))
    assert m.card.detail == text.CARD_NO_SESSION_DETAIL
    post(m, CheckInPosted(checkin(Status.NO_SESSION)))  # a known face keeps its own card
    assert (m.card.title, m.card.detail) == (text.CARD_NO_SESSION, text.CARD_NO_SESSION_DETAIL)
    post(m, SessionChanged(session(), None), CheckInPosted(checkin(Status.STRANGER, name=None)))
    assert m.card.detail == text.CARD_STRANGER_DETAIL  # in a session, trying again can help


def test_after_a_restart_the_recent_list_comes_from_the_store_hand_marks_included():
    m = model()
    stored = (checkin(Status.LATE, name="Sam Reed", when=(9, 12)), checkin(Status.PRESENT, when=(9, 2)))
    post(m, SessionChanged(session(), None, 2, 20, recent=stored))  # the scheduler's first word after a start
    assert [(c.name, c.status) for c in m.recent] == [("Sam Reed", Status.LATE), ("Maya Chen", Status.PRESENT)]
    post(m, CheckInPosted(checkin(Status.ALREADY, when=(9, 2))))  # seen again: already listed
    post(m, CheckInPosted(checkin(Status.PRESENT, name="Ana Silva", when=(9, 14))))  # not stored yet when shown
    post(m, SessionChanged(session(), None, 2, 20, recent=stored))  # a tick read just before it was stored
    assert [c.name for c in m.recent] == ["Ana Silva", "Sam Reed", "Maya Chen"]
