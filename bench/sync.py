"""Catch-up time after an outage: N check-ins queued while the central database
was down, pushed when it comes back.

    .venv/bin/python bench/sync.py [--checkins 10000] [--batch 500 1000] [--runs 3]
        [--uri mongodb://...] [--out bench/out/sync.json]

Without --uri, SecantusDB's Python server runs in-process on 127.0.0.1
(`sync_on_commit=True`: every commit is made durable, as a journaled mongod
would). Each run: fresh kiosk SQLite file and fresh central data; the server
is stopped; N check-ins are recorded through the normal store API (the
outbox trigger fills the queue); one cycle confirms "offline, N queued"; the
server is restarted; the clock starts; sync cycles run until the outbox is
empty. Then the central data is checked: N attendance documents, no
duplicates. Also timed: replaying the same N rows (a lost acknowledgement),
which must change nothing. Medians over --runs are reported; the markdown
table is written next to the JSON (…/sync.md) for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import OUT

from kiosk.config import Config
from kiosk.model import SessionInfo, session_id
from kiosk.store.sqlite_store import AttendanceRow, SqliteStore
from kiosk.sync.central import Central
from kiosk.sync.engine import SyncEngine

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PER_SESSION = 500  # people per session; sessions = N / PER_SESSION


class InProcessServer:
    def __init__(self, folder: Path):
        self.folder, self.port, self.server = folder, 0, None

    def start(self) -> None:
        from secantus import SecantusDBServer

        self.server = SecantusDBServer(host="127.0.0.1", port=self.port, storage_path=str(self.folder),
                                       sync_on_commit=True)
        self.server.start()
        self.port = self.server.port

    def stop(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.server._socket.shutdown(socket.SHUT_RDWR)  # wake accept() so stop() returns at once
        self.server.stop()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"


def queue_checkins(store: SqliteStore, n: int) -> None:
    sessions = []
    for s in range((n + PER_SESSION - 1) // PER_SESSION):
        start = T0 + timedelta(days=7 * s)
        info = SessionInfo(session_id("HAM101", start), "HAM101", "Hamilton", "B12", start,
                           start + timedelta(hours=1), start - timedelta(minutes=10), "active")
        store.activate_session(info)
        sessions.append(info)
    for i in range(n):
        info = sessions[i // PER_SESSION]
        at = info.starts_at + timedelta(milliseconds=300 * (i % PER_SESSION))
        store.record_attendance(AttendanceRow(info.session_id, f"p{i % PER_SESSION:04d}", "present", at, 80.0,
                                              0.6, "face", "door-1"))


def one_run(n: int, batch: int, uri: str | None, work: Path) -> dict:
    server = None if uri else InProcessServer(work / "central")
    if server:
        server.start()
    database = f"bench_{int(time.time() * 1000)}"
    cfg = (Config().replace("mongo", uri=uri or server.uri, database=database, batch_size=batch, timeout_s=1.0)
           .replace("kiosk", id="door-1", room="B12").replace("store", data_dir=str(work / "kiosk")))
    central = Central.open(cfg.mongo)
    central.init_schema()
    central.close()
    store = SqliteStore.in_dir(cfg.data_dir)
    if server:
        server.stop()  # the outage
    started = time.perf_counter()
    queue_checkins(store, n)
    enqueue_s = time.perf_counter() - started
    engine = SyncEngine(store, cfg)
    if server:
        offline = engine.cycle()
        assert not offline.online and offline.queued == n, offline
        server.start()  # back
    started = time.perf_counter()
    cycles = 0
    while True:
        cycles += 1
        report = engine.cycle()
        if report.complete or cycles > 50:
            break
    catch_up_s = time.perf_counter() - started
    db = engine.central.db
    docs = db.attendance.count_documents({})
    keys = {(d["session_id"], d["person_id"]) for d in db.attendance.find({}, {"session_id": 1, "person_id": 1})}
    with store.transaction() as conn:  # replay everything, as if every acknowledgement had been lost
        conn.execute("INSERT INTO outbox (kind, ref) SELECT 'attendance', id FROM attendance")
    started = time.perf_counter()
    replay = engine.cycle()
    replay_s = time.perf_counter() - started
    after_replay = db.attendance.count_documents({})
    engine.central.client.drop_database(database) if uri else None
    engine.close()
    store.close()
    if server:
        server.stop()
    assert report.complete and docs == n and len(keys) == n and after_replay == n and replay.complete
    return {"enqueue_s": enqueue_s, "catch_up_s": catch_up_s, "cycles": cycles, "replay_s": replay_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=10000)
    parser.add_argument("--batch", type=int, nargs="+", default=[500, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--uri", default="", help="a real mongod instead of the in-process SecantusDB")
    parser.add_argument("--out", type=Path, default=OUT / "sync.json")
    args = parser.parse_args()
    results = []
    for batch in args.batch:
        runs = []
        for r in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as work:
                runs.append(one_run(args.checkins, batch, args.uri or None, Path(work)))
            print(f"batch {batch} run {r + 1}: {json.dumps({k: round(v, 3) for k, v in runs[-1].items()})}")
        med = {k: statistics.median(run[k] for run in runs) for k in runs[0]}
        results.append({"batch": batch, "runs": runs, "median": med,
                        "rows_per_s": args.checkins / med["catch_up_s"]})
    server = "mongod at " + args.uri.split("@")[-1] if args.uri else "SecantusDB 0.7.0b3 (Python server, in-process)"
    table = render_table(results, args.checkins, args.runs, server)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"checkins": args.checkins, "server": server, "results": results}, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def render_table(results: list[dict], n: int, runs: int, server: str) -> str:
    lines = [
        f"Catch-up after an outage: {n:,} check-ins queued offline, pushed when the server returns "
        f"({server}, 127.0.0.1, median of {runs} runs).",
        "",
        "| batch size | catch-up time | check-ins/s | cycles | replay of the same outbox (no-op) | queueing offline (SQLite + outbox trigger) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r["median"]
        lines.append(f"| {r['batch']} | {m['catch_up_s']:.1f} s | {r['rows_per_s']:,.0f} | {m['cycles']:.0f} | "
                     f"{m['replay_s']:.1f} s | {m['enqueue_s']:.1f} s |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
