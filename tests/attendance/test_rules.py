"""The attendance rules, branch by branch, with explicit times."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk.attendance.rules import decide
from kiosk.model import SessionInfo, Status

UTC = timezone.utc
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SESSION = SessionInfo("CS101@x", "CS101", "Intro", "B12", START, START + timedelta(hours=1),
                      START - timedelta(minutes=10), "active")
GRACE = timedelta(minutes=5)
ROSTER = frozenset({"maya", "lin"})


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "now, session, person, already, expected",
    [
        (at(0), None, "maya", None, Status.NO_SESSION),
        (at(-11), SESSION, "maya", None, Status.NO_SESSION),  # before the early window
        (at(-10), SESSION, "maya", None, Status.PRESENT),  # window opens
        (at(-1), SESSION, "maya", None, Status.PRESENT),
        (at(5), SESSION, "maya", None, Status.PRESENT),  # last moment of grace
        (at(5.01), SESSION, "maya", None, Status.LATE),
        (at(59.9), SESSION, "maya", None, Status.LATE),
        (at(60), SESSION, "maya", None, Status.NO_SESSION),  # the end is exclusive
        (at(1), SESSION, "obama", None, Status.NOT_ON_ROSTER),
        (at(2), SESSION, "maya", at(1), Status.ALREADY),
        (at(70), SESSION, "obama", None, Status.NO_SESSION),  # window beats roster
        (at(1), SessionInfo(**{**SESSION.__dict__, "state": "ended"}), "maya", None, Status.NO_SESSION),
    ],
)
def test_decide(now, session, person, already, expected):
    assert decide(now, session, person, ROSTER, already, GRACE) is expected


def test_only_present_and_late_are_stored():
    assert {s for s in Status if s.stored} == {Status.PRESENT, Status.LATE}


# Timezones and DST: the rules compare instants, so the zone of `now` does not matter,
# and a session on the night the clocks change keeps its real length.
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
UTC_START = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST; clocks go back at 02:00 BST
DST_SESSION = SessionInfo("N@x", "N", "Night", "B12", *(t.astimezone(LONDON) for t in (
    UTC_START, UTC_START + timedelta(hours=3), UTC_START - timedelta(minutes=10))), "active")
# Starts at the second 01:20 (GMT); the first 01:15 (BST) is an hour earlier.
FOLD_START = datetime(2026, 10, 25, 1, 20, tzinfo=UTC)
FOLD_SESSION = SessionInfo("F@x", "F", "Fold", "B12", *(t.astimezone(LONDON) for t in (
    FOLD_START, FOLD_START + timedelta(hours=1), FOLD_START - timedelta(minutes=10))), "active")

@pytest.mark.parametrize(
    "now, session, expected",
    [
        (at(3).astimezone(TOKYO), SESSION, Status.PRESENT),  # the same instant seen from Tokyo
        (at(6).astimezone(TOKYO), SESSION, Status.LATE),
        (at(-11).astimezone(TOKYO), SESSION, Status.NO_SESSION),
        (datetime(2026, 10, 25, 0, 33, tzinfo=LONDON), DST_SESSION, Status.PRESENT),
        (datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1), DST_SESSION, Status.LATE),  # second 01:30 (GMT)
        (datetime(2026, 10, 25, 2, 29, tzinfo=LONDON), DST_SESSION, Status.LATE),  # 3 h after 00:30 BST is 02:30 GMT
        (datetime(2026, 10, 25, 2, 30, tzinfo=LONDON), DST_SESSION, Status.NO_SESSION),
        (datetime(2026, 10, 25, 1, 15, tzinfo=LONDON, fold=0), FOLD_SESSION, Status.NO_SESSION),  # BST: too early
        (datetime(2026, 10, 25, 1, 15, tzinfo=LONDON, fold=1), FOLD_SESSION, Status.PRESENT),  # GMT: window open
    ],
)
def test_decide_across_zones_and_dst(now, session, expected):
    assert decide(now, session, "maya", ROSTER, None, GRACE) is expected
