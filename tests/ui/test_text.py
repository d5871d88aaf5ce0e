from datetime import timedelta

from kiosk.model import Status
from kiosk.ui import text

from ui_support import NOW, TZ, at, checkin, session


def test_time_left_in_minutes_hours_and_under_a_minute():
    assert text.time_left(timedelta(minutes=31, seconds=10)) == "32 min left"
    assert text.time_left(timedelta(minutes=65)) == "1 h 05 min left"
    assert text.time_left(timedelta(seconds=20)) == "Less than a minute left"


def test_session_timing_before_during_and_after():
    s = session(start=(9, 35), end=(10, 30))  # its check-in window opened at 09:25
    assert text.session_timing(s, NOW) == "Starts in 7 min"
    early = session(start=(10, 15), end=(11, 0))  # an instructor started it before its window (10:05)
    assert text.session_timing(early, NOW) == "Started early · due 10:15"
    assert text.session_timing(session(), NOW) == "32 min left"
    assert text.session_timing(session(state="ended"), NOW) == "Check-in closed"
    assert text.session_timing(session(end=(9, 20)), NOW) == "Ended at 09:20"


def test_next_session_today_and_another_day():
    assert text.next_session(session(start=(10, 0), end=(11, 0)), NOW) == "Next: CS101 Intro to Programming at 10:00"
    tomorrow = session()
    tomorrow = tomorrow.__class__(**{**tomorrow.__dict__, "starts_at": tomorrow.starts_at + timedelta(days=1)})
    assert text.next_session(tomorrow, NOW) == "Next: CS101 Intro to Programming, Wed 09:00"
    assert text.next_session(None, NOW) == text.NO_MORE_CLASSES


def test_checked_in_count_with_and_without_roster():
    assert text.checked_in_count(12, 25) == "12 / 25 checked in"
    assert text.checked_in_count(3, 0) == "3 checked in"


def test_card_text_for_every_status():
    assert text.card_text(checkin(Status.PRESENT), TZ)[0] == "Checked in: Maya Chen"
    assert text.card_text(checkin(Status.LATE, when=(9, 12)), TZ) == (
        "Late: Maya Chen", "Checked in at 09:12, marked late")
    assert text.card_text(checkin(Status.ALREADY, when=(9, 2)), TZ)[0] == "Already checked in at 09:02"
    assert text.card_text(checkin(Status.NOT_ON_ROSTER), TZ)[0] == "Not on this class's list"
    assert text.card_text(checkin(Status.STRANGER, name=None), TZ) == (
        "Not recognised", "Please try again or see your instructor")
    assert text.card_text(checkin(Status.NO_SESSION), TZ)[0] == "No class in session"


def test_card_times_are_shown_in_the_display_zone():
    from zoneinfo import ZoneInfo

    utc_checkin = checkin(Status.ALREADY).__class__(
        Status.ALREADY, "m", "Maya Chen", at=at(9, 2).astimezone(ZoneInfo("UTC")))
    assert text.card_text(utc_checkin, TZ)[0] == "Already checked in at 09:02"


def test_face_labels():
    assert text.face_label("Maya Chen", 0.8123, True, True) == "Maya Chen · 0.81"
    assert text.face_label("Maya Chen", 0.81, True, False) == "Maya Chen"
    assert text.face_label(None, None, True, True) == "Unknown"
    assert text.face_label("Maya Chen", 0.5, False, True) is None
    assert text.face_label("Maya Chen", 0.81, True, False, age=0.42) == "Maya Chen · 0.4 s ago"  # from an older frame
    assert text.face_label(None, None, False, True, age=0.42) == "0.4 s ago"


def test_the_workers_reason_codes_become_words():
    from kiosk.messages import desk as adm, screen as scr

    assert text.pin_refusal(adm.PinChecked(False, refusal=adm.PIN_WRONG, tries_left=3)) == "Wrong PIN · 3 tries left"
    assert text.pin_refusal(adm.PinChecked(False, refusal=adm.PIN_WRONG, tries_left=1)) == \
        "Wrong PIN · 1 try left before the keypad locks"
    assert text.pin_refusal(adm.PinChecked(False, refusal=adm.PIN_LOCKED, locked_for=29.2)) == \
        "Keypad locked · try again in 30 s"
    assert text.pin_refusal(adm.PinChecked(False, refusal=adm.PIN_NOBODY)) == text.PIN_NOBODY
    assert text.code_refusal(adm.CodeChecked(False, adm.CODE_WRONG, tries_left=1)) == \
        "That code is not right · 1 try left"
    assert text.code_refusal(adm.CodeChecked(False, adm.CODE_WRONG, tries_left=2)) == \
        "That code is not right · 2 tries left"
    assert [text.tries_left(n) for n in (0, 1, 2)] == ["0 tries left", "1 try left", "2 tries left"]
    assert text.action_result(adm.ActionDone("manual_mark", True, person="Lin", status="late")) == "Marked Lin late"
    assert text.action_result(adm.ActionDone("end_session", True, class_code="CS101")) == "CS101 ended"
    assert text.action_result(adm.ActionDone("refresh", True)) == ""
    assert text.action_result(adm.ActionDone("end_session", False, adm.NOT_YOURS, class_code="CS101")) == \
        "Only CS101's instructor or an admin can do that"
    assert text.action_result(adm.ActionDone("start_early", False, adm.NO_NEXT, within_h=2)) == \
        "No class starts in the next 2 hours"
    assert text.action_result(adm.ActionDone("x", False, adm.FAILED, detail="database is locked")) == \
        "database is locked"
    assert text.recognition_status(scr.RecognitionState(False, error="no model")) == "Recognition unavailable: no model"
    assert text.recognition_status(scr.RecognitionState(True, scr.LIVENESS_OFF)) == text.LIVENESS_OFF
    assert text.notice(scr.Notice(scr.LIVENESS_CUE_OFF, "screen")) == (
        "Live check: screen unavailable, using the other checks", "warning")
