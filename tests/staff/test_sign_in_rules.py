"""The PIN lockout, as tables of cases (a pure state machine over an injected clock)."""

from kiosk.staff.sign_in import Lockout


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


def test_a_clock_set_back_a_day_keeps_a_30_s_lock_at_30_s():
    now = [1_000_000.0]
    lock = Lockout(max_tries=1, base_s=30.0, now=lambda: now[0])
    assert lock.fail() == 30.0
    now[0] -= 24 * 3600  # the wall clock jumps back a day
    assert lock.remaining() == 30.0
    now[0] += 24 * 3600 + 31  # and forward again, past the lock's end
    assert lock.remaining() == 0.0


def test_within_one_boot_the_boot_clock_holds_a_lock_through_wall_jumps_both_ways():
    wall, boot = [1_000_000.0], ["boot-a", 500.0]
    lock = Lockout(max_tries=1, base_s=30.0, now=lambda: wall[0], uptime=lambda: (boot[0], boot[1]))
    lock.fail()
    wall[0] += 2.5 * 3600  # NTP jumps forward: the wall clock alone would end the lock
    assert lock.remaining() == 30.0
    wall[0] -= 26.5 * 3600  # and back a day
    assert lock.remaining() == 30.0
    boot[1] += 31  # 31 s really pass
    assert lock.remaining() == 0.0
    boot[:] = ["boot-b", 5.0]  # after a reboot only the wall clock is left, capped by the lock's length
    lock.fail()
    wall[0] -= 86400
    assert 0 < lock.remaining() <= 60.0
