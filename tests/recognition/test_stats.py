"""The worker's timings stay bounded however long the kiosk runs."""

from kiosk.recognition.stats import Recent, WorkerStats


def test_a_timing_keeps_only_its_newest_values():
    recent = Recent(keep=100)
    for ms in range(10_000):
        recent.add(float(ms))
    assert len(recent) == 100 and recent.count == 10_000
    assert recent.values()[0] == 9900.0 and recent.percentile(50) == 9949.5


def test_no_values_no_percentile():
    assert WorkerStats().latencies_ms.percentile(95) is None
