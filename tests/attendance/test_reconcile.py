"""Reconciliation and the PIN lockout, as tables of cases."""

import pytest

from kiosk.attendance.lockout import Lockout
from kiosk.model import absentees, reconcile

ROSTER = {"maya": "Maya Chen", "lin": "Lin Miranda", "tom": "Tom Okafor", "ana": "Ana Ruiz"}


@pytest.mark.parametrize(
    "rows, counts, absent",
    [
        ([], (4, 0, 0, 4), ("Ana Ruiz", "Lin Miranda", "Maya Chen", "Tom Okafor")),
        ([("maya", "present"), ("lin", "late")], (4, 1, 1, 2), ("Ana Ruiz", "Tom Okafor")),
        ([("maya", "present"), ("lin", "absent"), ("tom", "absent")], (4, 1, 0, 3),
         ("Ana Ruiz", "Lin Miranda", "Tom Okafor")),
        ([(p, "present") for p in ROSTER], (4, 4, 0, 0), ()),
        ([("ghost", "present"), ("maya", "late")], (4, 0, 1, 3), ("Ana Ruiz", "Lin Miranda", "Tom Okafor")),
    ],
)
def test_reconcile(rows, counts, absent):
    result = reconcile(ROSTER, rows)
    assert result.counts == counts
    assert result.absent == absent


def test_rows_for_people_off_the_roster_are_listed_apart():
    assert reconcile(ROSTER, [("ghost", "present")]).not_on_roster == ("ghost",)


def test_absentees_are_roster_members_with_no_row():
    assert absentees(ROSTER, ["maya", "lin", "ghost"]) == ["ana", "tom"]


class Ticks:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_five_wrong_tries_lock_with_doubling_backoff():
    clock = Ticks()
    lock = Lockout(max_tries=5, base_s=30, now=clock)
    assert [lock.fail() for _ in range(4)] == [0, 0, 0, 0]
    assert lock.tries_left == 1 and lock.remaining() == 0
    assert lock.fail() == 30 and lock.remaining() == 30
    clock.t += 10
    assert lock.remaining() == 20
    clock.t += 20
    assert lock.remaining() == 0
    assert [lock.fail() for _ in range(5)][-1] == 60  # second lockout: twice as long
    clock.t += 60
    assert [lock.fail() for _ in range(5)][-1] == 120


def test_success_resets_the_tries_but_a_quiet_hour_resets_the_backoff():
    clock = Ticks()
    lock = Lockout(max_tries=3, base_s=10, now=clock)
    lock.fail(), lock.fail()
    lock.succeed()
    assert lock.tries_left == 3
    for _ in range(3):
        lock.fail()
    clock.t += 4000
    assert [lock.fail() for _ in range(3)][-1] == 10
