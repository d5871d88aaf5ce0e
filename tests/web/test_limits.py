"""The failed-login limiter on its own, with an injected clock: windows open with the first try, so
a burst across what would be a clock boundary still meets the limit."""

from kiosk.web.limits import LoginLimiter


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_a_burst_across_a_minute_boundary_gets_the_limit_not_twice_it():
    clock = Clock(59.5)
    limiter = LoginLimiter(per_client=10, overall=30, window_s=60.0, now=clock)
    first = [limiter.take("10.0.0.9").retry_after for _ in range(10)]
    clock.t = 60.5  # one second later, past the minute
    later = [limiter.take("10.0.0.9") for _ in range(5)]
    assert first == [0.0] * 10 and all(v.retry_after == 59.0 for v in later)
    assert later[0].summary.startswith("failed-login limit reached (client 10.0.0.9)")
    assert [v.summary for v in later[1:]] == [""] * 4  # one audit row per window


def test_the_window_closes_a_window_after_it_opened_and_a_right_try_gives_its_slot_back():
    clock = Clock(1000.0)
    limiter = LoginLimiter(per_client=2, overall=30, window_s=60.0, now=clock)
    limiter.take("a")
    limiter.give_back("a")  # a right PIN: not counted
    assert [limiter.take("a").retry_after for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("a").retry_after == 60.0
    clock.t = 1060.0
    assert limiter.take("a").retry_after == 0.0
