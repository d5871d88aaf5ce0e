"""The staff web view under load: the Today page for a full school day, and the event
stream carrying check-ins to 30 open browsers.

    python bench/web.py [--runs 50] [--clients 30] [--checkins 50] [--minutes 1.0] [--out bench/out/web.json]

The school day (bench/web_school.py) has 40 sessions in 8 rooms with 30 students
each, all ended: 1,200 attendance rows in a real kiosk database. The app is the
real one under uvicorn on 127.0.0.1, read over HTTP with an admin's session (the
page with the most on it).

- Today: the median and p95 of `GET /today` round trips after 5 warm-ups, and of
  the source's read alone (source.day, in process), so the template's share shows.
- Stream: `--clients` raw text/event-stream readers (one thread each, standing in
  for browsers; the server side is the same) stay open while `--checkins`
  check-ins are written by the real attendance service, paced evenly over
  `--minutes` (50 a minute, the issue's rate), then once more as one burst. For
  each: check-ins every client got (must be all), duplicates, and the delay from
  the write's commit to each client's receipt (median, p95, max).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from _common import OUT
from _http import get, p95, sign_in
from web_school import ADMIN_PIN, TZ, build

from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.model import SessionInfo
from kiosk.store.sqlite_store import SqliteStore
from kiosk.web.app import create_app
from kiosk.web.server import BackgroundServer
from kiosk.web.source import open_source

DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=TZ)
NEXT_DAY = NOW + timedelta(days=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--checkins", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=1.0, help="spread the paced check-ins over this long")
    parser.add_argument("--out", type=Path, default=OUT / "web.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cfg = build(Path(folder), DAY, NOW)
        students = _bench_class(cfg, args.checkins * 2)
        clock = FixedClock(NOW)
        source = open_source(cfg, clock)
        app = create_app(cfg, clock, source)
        server = BackgroundServer(cfg, app)
        try:
            cookie = sign_in(server.port, "admin", ADMIN_PIN)
            result = {"today": measure_today(server.port, cookie, source, args.runs)}
            paced = args.minutes * 60 / args.checkins
            result["stream_paced"] = measure_stream(server.port, cookie, cfg, students[:args.checkins],
                                                    args.clients, paced)
            result["stream_burst"] = measure_stream(server.port, cookie, cfg, students[args.checkins:],
                                                    args.clients, 0.0)
        finally:
            server.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


def measure_today(port: int, cookie: str, source, runs: int) -> dict:
    path = f"/today?date={DAY.isoformat()}"
    page = get(port, path, cookie)
    assert page.count('data-part="card"') == 40, "expected 40 sessions on the page"
    for _ in range(5):
        get(port, path, cookie)
    http_ms, read_ms = [], []
    for _ in range(runs):
        start = time.perf_counter()
        get(port, path, cookie)
        http_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        views = source.day(DAY)
        read_ms.append((time.perf_counter() - start) * 1000)
    rows = sum(len(v.lines) for v in views)
    return {"sessions": len(views), "rows": rows, "page_kb": round(len(page) / 1024, 1), "runs": runs,
            "http_median_ms": _r(statistics.median(http_ms)), "http_p95_ms": _r(p95(http_ms)),
            "read_median_ms": _r(statistics.median(read_ms)), "read_p95_ms": _r(p95(read_ms))}


def measure_stream(port: int, cookie: str, cfg, people: list[str], clients: int, interval_s: float) -> dict:
    readers = [StreamReader(port, cookie, len(people)) for _ in range(clients)]
    for reader in readers:
        reader.ready.wait(10)
    store = SqliteStore.in_dir(cfg.data_dir)
    service = AttendanceService(store, cfg, FixedClock(NEXT_DAY))
    written: dict[str, float] = {}
    start = time.perf_counter()
    for n, pid in enumerate(people):
        pause = start + n * interval_s - time.perf_counter()
        if pause > 0:
            time.sleep(pause)  # pacing the writer, not waiting for a result
        service.check_in(pid, pid, 0.9, time.monotonic())
        written[pid] = time.perf_counter()
    store.close()
    for reader in readers:
        reader.thread.join(30)
    delays = [(at - written[pid]) * 1000 for r in readers for pid, at in r.got if pid in written]
    return {
        "clients": clients, "checkins": len(people), "interval_s": round(interval_s, 2),
        "every_client_got_all": all(sorted(p for p, _ in r.got) == sorted(people) for r in readers),
        "missing": sum(len(set(people) - {p for p, _ in r.got}) for r in readers),
        "duplicates": sum(len(r.got) - len({p for p, _ in r.got}) for r in readers),
        "delay_median_ms": _r(statistics.median(delays)), "delay_p95_ms": _r(p95(delays)),
        "delay_max_ms": _r(max(delays)),
    }


class StreamReader:
    """One open /api/events connection in its own thread, noting when each check-in arrives."""

    def __init__(self, port: int, cookie: str, expect: int):
        self.got: list[tuple[str, float]] = []
        self.ready = threading.Event()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.conn.request("GET", "/api/events", headers={"Cookie": cookie})
        self.response = self.conn.getresponse()
        self.expect = expect
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        event = ""
        while len(self.got) < self.expect:
            line = self.response.readline().decode()
            if not line:
                break
            if line.startswith("retry:"):
                self.ready.set()
            elif line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "attendance":
                self.got.append((json.loads(line[6:])["person_id"], time.perf_counter()))
        self.conn.close()


def _bench_class(cfg, size: int) -> list[str]:
    """An active session with `size` students, for the stream runs (at NEXT_DAY)."""
    people = [f"b{i:04d}" for i in range(size)]
    store = SqliteStore.in_dir(cfg.data_dir)
    with store.transaction() as conn:
        conn.executemany("INSERT INTO people (id, name, role, created_at, updated_at) VALUES (?, ?, 'student', '', '')",
                         [(p, f"Bench {p}") for p in people])
    store.add_class("BENCH", "Benchmark", people, room="R9", instructor_id="t0")
    start = NEXT_DAY - timedelta(minutes=10)  # the next day, so the Today page keeps its 40 sessions
    store.activate_session(SessionInfo("BENCH@2026-11-26T16:50Z", "BENCH", "Benchmark", "R9", start,
                                       start + timedelta(hours=1), start - timedelta(minutes=10), "active"))
    store.close()
    return people


def _r(value: float) -> float:
    return round(value, 1)


if __name__ == "__main__":
    raise SystemExit(main())
