"""Every word the kiosk screen shows, in one place so it can be localised.

Templates are plain str.format strings; the small functions below pick and
fill them, and turn the workers' messages (facts and reason codes,
kiosk/messages/) into words. Nothing here imports pygame. The sync corner's words are in
sync_words.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.messages import desk as adm, screen as scr
from kiosk.model import CheckIn, SessionInfo, Status

QUIT_KEYS_HELP = "Ctrl+Shift+Q"

# Banner: the session state word (never shown by colour alone).
STATE_ACTIVE = "ACTIVE"
STATE_NO_SESSION = "NO SESSION"
STATE_ENDED = "ENDED"

NO_CLASS_TITLE = "No class in session"
NEXT_TODAY = "Next: {code} {name} at {time}"
NEXT_LATER = "Next: {code} {name}, {day} {time}"
NO_MORE_CLASSES = "No more classes scheduled"
NO_CLASS_FOR_ROOM = "No class is set up for this door's room (ask IT to set the kiosk's room)"
SESSION_DETAIL = "{room}{sep}{start} – {end}"
MINUTES_LEFT = "{m} min left"
HOURS_LEFT = "{h} h {m:02d} min left"
UNDER_A_MINUTE_LEFT = "Less than a minute left"
STARTS_IN = "Starts in {m} min"
ENDED_AT = "Ended at {time}"
CHECK_IN_CLOSED = "Check-in closed"
NEXT_IN = "Next class in {m} min"
NEXT_IN_HOURS = "Next class in {h} h {m:02d} min"
CHECKED_IN_COUNT = "{n} / {total} checked in"
CHECKED_IN_COUNT_NO_ROSTER = "{n} checked in"
STARTED_EARLY = "Started early · due {time}"  # an instructor opened it before its check-in window
# The wall clock is doubted (SessionChanged.clock_reads): said for as long as it lasts, over the feed.
CLOCK_WRONG_TITLE, CLOCK_WRONG_DETAIL = "Clock looks wrong", "No class opens until the clock is right"
CLOCK_WRONG = "This kiosk's clock looks wrong: it reads {reads}. {then} Staff: please check the clock, or tell IT."
CLOCK_WRONG_HELD, CLOCK_WRONG_PAUSED = "{code} goes on, and check-ins still count.", "No class opens until it is right."
PROMPT_CLOCK = "Check-in is paused until the clock is right"

# Cards: one headline and one detail line per outcome.
CARD_PRESENT = "Checked in: {name}"
CARD_PRESENT_DETAIL = "Welcome! Checked in at {time}"
CARD_LATE = "Late: {name}"
CARD_LATE_DETAIL = "Checked in at {time}, marked late"
CARD_ALREADY = "Already checked in at {time}"
CARD_ALREADY_NO_TIME = "Already checked in"
CARD_ALREADY_DETAIL = "{name}, you're all set"
CARD_NOT_ON_ROSTER = "Not on this class's list"
CARD_NOT_ON_ROSTER_DETAIL = "{name}, please see your instructor"
CARD_NOT_ON_ROSTER_ANON = "Please see your instructor"
CARD_STRANGER = "Not recognised"
CARD_STRANGER_DETAIL = "Please try again or see your instructor"
CARD_NO_SESSION = "No class in session"
CARD_NO_SESSION_DETAIL = "Attendance is not being taken right now"
HINT_LOOK = "Please look at the camera"
HINT_LOOK_DETAIL = "Face the screen and hold still for a moment"
SOMEONE = "Student"

# Live feed.
PROMPT_ACTIVE = "Look at the camera to check in"
PROMPT_IDLE = "Check-in opens shortly before each class"
PROMPT_ENDED = "Check-in for this class is closed"
PROMPT_CAMERA_DOWN = "Check-in resumes when the camera is back"
CAMERA_UNAVAILABLE = "Camera unavailable — retrying"
CAMERA_UNAVAILABLE_DETAIL = "Staff: check the camera's cable and power"  # the prompt says check-in resumes
CAMERA_STARTING = "Starting camera…"
FACE_STRANGER = "Unknown"
FACE_LABEL_SCORE = "{name} · {score:.2f}"
FACE_LIVENESS = "live {score:.2f}"
FACE_AGE = "{s:.1f} s ago"  # the box was found in an older frame than the one shown

# Liveness (anti-spoofing): plain words, never an accusation.
CARD_LIVENESS_FAILED = "Live check failed"
CARD_LIVENESS_FAILED_DETAIL = "Please step closer and look at the camera"
# The ask is the headline (read from a step away), the encouragement the small print.
CHALLENGE_ASK = {"blink": "Please blink once", "turn": "Please turn your head slightly"}
CHALLENGE_DETAIL = "Almost there"
# The status corner: what is left of the live check, in full (the notice says why).
LIVENESS_OFF = "Ready · live check: OFF"
LIVENESS_BLINK = "Ready · live check: blink only"
LIVENESS_LIMITED = "Ready · live check: basic only"
_LIVENESS_STATUS = {scr.LIVENESS_OFF: LIVENESS_OFF, scr.LIVENESS_BLINK: LIVENESS_BLINK, scr.LIVENESS_LIMITED: LIVENESS_LIMITED}
LIVENESS_ASK_EVERYONE = "Live check model not installed (ask IT): everyone is asked to blink"
LIVENESS_TEXTURE_ONLY = "Live check limited to basic checks: its models are not installed (ask IT)"
LIVENESS_LAYER_OFF = "Live check: {layer} unavailable, using the other checks"
STORAGE_FAILING = "Check-ins are not being saved: {reason}. Please tell IT."
EMBEDDER_FALLBACK = "Face model {layer} missing or damaged (ask IT): using the built-in model"
STORAGE_BACK = "Check-ins are being saved again ({reason} kept meanwhile now saved)"
GALLERY_PARTIAL = "{people} enrolled people have no {configured} face vector yet (ask IT): recognising with {serving}"
GALLERY_UNMATCHED = "{people} enrolled people cannot be recognised by any installed face model (ask IT)"
RECOGNITION_UNAVAILABLE = "Recognition unavailable: {error}"

# Side panel.
RECENT_HEADER = "Recent check-ins"
RECENT_EMPTY = "No check-ins yet"
RECOGNITION_STARTING = "Starting recognition…"
RECOGNITION_READY = "Ready"
CAMERA_OK = "Camera OK"
CAMERA_RETRYING = "Camera retrying"
CAMERA_WAITING = "Camera starting…"

STATUS_WORDS = {
    Status.PRESENT: "Present",
    Status.LATE: "Late",
    Status.ALREADY: "Already",
    Status.NOT_ON_ROSTER: "Not on list",
    Status.NO_SESSION: "No session",
    Status.STRANGER: "Unknown",
}


def recognition_status(state: scr.RecognitionState) -> str:
    """The side panel's recognition line."""
    if not state.ready:
        return RECOGNITION_UNAVAILABLE.format(error=state.error) if state.error else RECOGNITION_STARTING
    return _LIVENESS_STATUS.get(state.liveness, RECOGNITION_READY)


def recognition_degraded(state: scr.RecognitionState) -> bool:
    """Ready, but the live check is limited or off: the corner shows a warning, not a tick."""
    return state.ready and state.liveness in _LIVENESS_STATUS


_NOTICES = {scr.STORAGE_FAILING: (STORAGE_FAILING, "error"), scr.STORAGE_BACK: (STORAGE_BACK, "info"),
            scr.LIVENESS_CUE_OFF: (LIVENESS_LAYER_OFF, "warning"),
            scr.LIVENESS_BLINK_ONLY: (LIVENESS_ASK_EVERYONE, "warning"),
            scr.LIVENESS_TEXTURE_ONLY: (LIVENESS_TEXTURE_ONLY, "warning"),
            scr.EMBEDDER_FALLBACK: (EMBEDDER_FALLBACK, "warning")}


def notice(event: scr.Notice) -> tuple[str, str]:
    """(words, level: info | warning | error) of a toast."""
    if event.reason == scr.GALLERY_PARTIAL:
        kind, people, configured, serving = (event.detail.split(":") + ["", "", "", ""])[:4]
        template = GALLERY_UNMATCHED if kind == "unmatched" else GALLERY_PARTIAL
        return template.format(people=people, configured=configured, serving=serving), "warning"
    template, level = _NOTICES.get(event.reason, ("{reason}", "info"))
    return template.format(reason=event.detail or event.reason, layer=event.detail), level


def status_word(status: Status) -> str:
    return STATUS_WORDS[status]


def hhmm(when: datetime, tz=None) -> str:
    return (when.astimezone(tz) if tz else when).strftime("%H:%M")


def long_date(when: datetime) -> str:
    return f"{when:%A} {when.day} {when:%B}"


def session_state_word(session: SessionInfo | None) -> str:
    if session is None:
        return STATE_NO_SESSION
    return STATE_ENDED if session.state == "ended" else STATE_ACTIVE


def session_title(session: SessionInfo) -> tuple[str, str]:
    """(code, name) for the banner's headline."""
    return session.class_code, session.class_name


def session_detail(session: SessionInfo, tz) -> str:
    room = session.room or ""
    return SESSION_DETAIL.format(
        room=room, sep=" · " if room else "",
        start=hhmm(session.starts_at, tz), end=hhmm(session.ends_at, tz),
    )


def _minutes_up(delta: timedelta) -> int:
    return max(0, int((delta.total_seconds() + 59) // 60))


def time_left(delta: timedelta) -> str:
    if delta.total_seconds() < 60:
        return UNDER_A_MINUTE_LEFT
    minutes = _minutes_up(delta)
    if minutes < 60:
        return MINUTES_LEFT.format(m=minutes)
    return HOURS_LEFT.format(h=minutes // 60, m=minutes % 60)


def session_timing(session: SessionInfo, now: datetime) -> str:
    """The banner's big right-hand line for a current session."""
    if now >= session.ends_at:
        return ENDED_AT.format(time=hhmm(session.ends_at, now.tzinfo))
    if session.state == "ended":  # closed early by the instructor
        return CHECK_IN_CLOSED
    if now < session.opens_at and session.state == "active":  # opened by hand before its window
        return STARTED_EARLY.format(time=hhmm(session.starts_at, now.tzinfo))
    if now < session.starts_at:
        return STARTS_IN.format(m=max(1, _minutes_up(session.starts_at - now)))
    return time_left(session.ends_at - now)


def clock_notice(session: SessionInfo | None, reads: datetime) -> str:
    """The standing notice while the wall clock is doubted; `reads` is what it reads."""
    then = CLOCK_WRONG_HELD.format(code=session.class_code) if session else CLOCK_WRONG_PAUSED
    return CLOCK_WRONG.format(reads=f"{reads:%a} {reads.day} {reads:%b %H:%M}", then=then)


def next_in(upcoming: SessionInfo, now: datetime) -> str:
    minutes = max(1, _minutes_up(upcoming.starts_at - now))
    if minutes < 60:
        return NEXT_IN.format(m=minutes)
    return NEXT_IN_HOURS.format(h=minutes // 60, m=minutes % 60)


def checked_in_count(present: int, roster: int) -> str:
    if roster <= 0:
        return CHECKED_IN_COUNT_NO_ROSTER.format(n=present)
    return CHECKED_IN_COUNT.format(n=present, total=roster)


def next_session(upcoming: SessionInfo | None, now: datetime) -> str:
    if upcoming is None:
        return NO_MORE_CLASSES
    start = upcoming.starts_at.astimezone(now.tzinfo)
    fields = dict(code=upcoming.class_code, name=upcoming.class_name, time=start.strftime("%H:%M"))
    if start.date() == now.date():
        return NEXT_TODAY.format(**fields)
    return NEXT_LATER.format(day=start.strftime("%a"), **fields)


def card_text(checkin: CheckIn, tz, taking: bool = True) -> tuple[str, str]:
    """(headline, detail) for the confirmation card of one check-in; `taking`: a session is open."""
    name = checkin.name or SOMEONE
    at = hhmm(checkin.at, tz) if checkin.at else ""
    status = checkin.status
    if status is Status.PRESENT:
        return CARD_PRESENT.format(name=name), CARD_PRESENT_DETAIL.format(time=at) if at else ""
    if status is Status.LATE:
        return CARD_LATE.format(name=name), CARD_LATE_DETAIL.format(time=at) if at else ""
    if status is Status.ALREADY:
        head = CARD_ALREADY.format(time=at) if at else CARD_ALREADY_NO_TIME
        return head, CARD_ALREADY_DETAIL.format(name=name)
    if status is Status.NOT_ON_ROSTER:
        detail = CARD_NOT_ON_ROSTER_DETAIL.format(name=checkin.name) if checkin.name else CARD_NOT_ON_ROSTER_ANON
        return CARD_NOT_ON_ROSTER, detail
    if status is Status.NO_SESSION:
        return CARD_NO_SESSION, CARD_NO_SESSION_DETAIL
    # "Try again" only while trying can check someone in.
    return CARD_STRANGER, CARD_STRANGER_DETAIL if taking else CARD_NO_SESSION_DETAIL


def face_label(name: str | None, score: float | None, confirmed: bool, show_score: bool,
               liveness: float | None = None, age: float | None = None) -> str | None:
    """The tag above a face box; None draws the box without a tag."""
    label = _face_label(name, score, confirmed, show_score, liveness)
    if age is None:
        return label
    return f"{label} · {FACE_AGE.format(s=age)}" if label else FACE_AGE.format(s=age)


def _face_label(name: str | None, score: float | None, confirmed: bool, show_score: bool,
                liveness: float | None) -> str | None:
    live = FACE_LIVENESS.format(score=liveness) if show_score and liveness is not None else None
    if not confirmed:
        return live
    if name is None:
        label = FACE_STRANGER
    elif show_score and score is not None:
        label = FACE_LABEL_SCORE.format(name=name, score=score)
    else:
        label = name
    return f"{label} · {live}" if live else label


# -- Instructor overlay (PIN pad, actions) and the end-of-session summary. ----
ADMIN_OPEN_KEY = "F2"
ADMIN_BUTTON = "Staff"
CODE_BUTTON = "Check in with a code"
CODE_TITLE = "Check in with your code"
CODE_PROMPT = "Type the 8 digits on your card, or show the card to the camera"
CODE_WRONG = "That code is not right · {tries}"
CODE_LOCKED = "Too many wrong codes · try again in {time}"
PIN_TITLE = "Instructor access"
PIN_PROMPT = "Enter your PIN"
PIN_PROMPT_CLASS = "Enter your PIN · {code} {name}"
PIN_CHECKING = "Checking…"
PIN_WRONG = "Wrong PIN · {tries}"
PIN_WRONG_LAST = "Wrong PIN · {tries} before the keypad locks"
TRIES_LEFT, TRY_LEFT = "{n} tries left", "1 try left"
PIN_LOCKED = "Keypad locked · try again in {time}"
PIN_NOBODY = "No PIN is set for this class's instructor; ask an admin"
WORKER_BUSY = "The kiosk is busy; try again in a moment"
KEY_CLEAR = "Clear"
KEY_DELETE = "Del"
KEY_OK = "OK"
CLOSE = "Close"
BACK = "Back"
SIGNED_IN = "Signed in: {name}"
SIGNED_IN_ADMIN = "Signed in: {name} (admin)"
NO_FOCUS = "No class in session"
FOCUS_ACTIVE = "{code} {name} · {start} – {end}"
FOCUS_ENDED = "{code} {name} · ended"
ACTION_END = "End {code} now"
ACTION_END_NONE = "End session (none active)"
ACTION_START = "Start {code} now ({time})"
ACTION_START_NONE = "Start next class (none soon)"
ACTION_MARK = "Mark a student"
ACTION_RECONCILE = "Attendance so far"
CONFIRM_END_TITLE = "End {code} now?"
CONFIRM_END_DETAIL = "{n} not seen will be marked absent"
CONFIRM_END = "End session"
CONFIRM_START_TITLE, CONFIRM_START_TITLE_NOW = "Start {code} now, {m} min early?", "Start {code} now?"
CONFIRM_START_DETAIL = "Students can check in from now. Late counts as usual, from its scheduled start at {time}."
CONFIRM_START_ENDS = "{code} ends first: {n} not seen will be marked absent"
CONFIRM_START = "Start now"
MARK_TITLE = "Mark a student by hand"
MARK_SEARCH = "Search: {query}"
MARK_SEARCH_HINT = "Type a name or id to search"
MARK_NONE = "No one on {code}'s list matches '{query}'"
MARK_PRESENT = "Present"
MARK_LATE = "Late"
MARK_PREV = "Prev"
MARK_NEXT = "Next"
MARK_PAGE = "{page} / {pages}"
MARK_STATUS = {"": "not seen", "present": "Present", "late": "Late", "absent": "Absent"}
RECONCILE_TITLE = "Attendance · {code}"
COUNT_EXPECTED = "Expected"
COUNT_PRESENT = "Present"
COUNT_LATE = "Late"
COUNT_ABSENT = "Absent"
COUNT_NOT_SEEN = "Not seen"
ABSENT_LIST = "Not here: {names}"
ABSENT_MORE = " +{n} more"
EVERYONE_HERE = "Everyone on the list is here"
DONE_END = "{code} ended"
DONE_START = "{code} started early"
DONE_MARK = "Marked {name} {status}"
# "Was this Maya?": a door attempt offered after a mark by hand (kiosk/staff/attempts.py).
OFFER_TITLE, OFFER_DETAIL = "Was this {name}?", "The door saw this face at {time} and did not know it"
OFFER_YES, OFFER_NO = "Yes, it is", "No"
DONE_LEARNED = "Thank you: the door will know {name} next time"
DONE_NOT_LEARNED = "{name} is marked; this picture cannot teach the door"
ERR_SIGN_IN = "Enter your PIN first"
ERR_NOT_YOURS = "Only {code}'s instructor or an admin can do that"
ERR_NO_ACTIVE = "No session is active"
ERR_NO_FOCUS = "No class to mark attendance for"
ERR_NO_NEXT = "No class starts in the next {h} hours"
ERR_ADMIN_ONLY = "Only an admin can enrol a face that matches someone else"
SUMMARY_TITLE = "{code} has ended"
SUMMARY_DETAIL = "{name} · {start} – {end}"
SUMMARY_DISMISS = "Tap to close"


def wait_text(seconds: float) -> str:
    """'45 s' or '2 min 05 s' for a lockout countdown."""
    s = max(1, int(seconds + 0.999))
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60:02d} s"


def tries_left(n: int) -> str:
    """'1 try left' or '3 tries left': the code keypad and the PIN pad say it alike."""
    return TRY_LEFT if n == 1 else TRIES_LEFT.format(n=n)


def code_refusal(event: adm.CodeChecked) -> str:
    if event.refusal == adm.CODE_LOCKED:
        return CODE_LOCKED.format(time=wait_text(event.locked_for))
    return CODE_WRONG.format(tries=tries_left(event.tries_left))


def pin_refusal(event: adm.PinChecked) -> str:
    if event.refusal == adm.PIN_LOCKED:
        return PIN_LOCKED.format(time=wait_text(event.locked_for))
    if event.refusal == adm.PIN_NOBODY:
        return PIN_NOBODY
    return (PIN_WRONG_LAST if event.tries_left == 1 else PIN_WRONG).format(tries=tries_left(event.tries_left))


def action_result(event: adm.ActionDone) -> str:
    """What an instructor's action did, or why not ('' when there is nothing to say)."""
    if event.ok:
        status = MARK_STATUS.get(event.status, event.status).lower()
        done = {"end_session": DONE_END, "start_early": DONE_START, "manual_mark": DONE_MARK,
                "attempt_confirm": DONE_LEARNED if event.learned else DONE_NOT_LEARNED}.get(event.action, "")
        return done.format(code=event.class_code, name=event.person, status=status)
    refused = {adm.NOT_SIGNED_IN: ERR_SIGN_IN, adm.NOT_YOURS: ERR_NOT_YOURS, adm.NO_ACTIVE: ERR_NO_ACTIVE,
               adm.NO_FOCUS: ERR_NO_FOCUS, adm.NO_NEXT: ERR_NO_NEXT,
               adm.ADMIN_ONLY: ERR_ADMIN_ONLY}
    template = refused.get(event.refusal)
    return template.format(code=event.class_code, h=event.within_h) if template else event.detail or event.refusal


AWAITING_LIST = "No face enrolled yet (mark by hand): {names}"  # roster members imported before photo day
# Spoof events in the instructor's views: neutral words, never "spoof" or "fraud".
FAILED_LIVE_CHECKS = "Live check failed: {n} attempt(s) this session (not marked)"

ACTION_ENROL = "Enrol a student"  # the overlay's way into guided enrolment (its words: kiosk/ui/enrol/words.py)
