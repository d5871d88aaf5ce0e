"""The attendance rules, branch by branch, with explicit times."""

from datetime import datetime, timedelta, timezone

import pytest

from kiosk.attendance.model import SessionInfo, Status
from kiosk.attendance.rules import decide

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
