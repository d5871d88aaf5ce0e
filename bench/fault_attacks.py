"""The clock and login cases of bench/faults.py.

- clock_jump: the kiosk's real scheduler thread (its own SQLite connection, ticking every
  second) and its real check-in service, on a copy of the prepared door's database, given a
  wall clock that jumps by +2.5 h or -24 h during the class while the monotonic clock runs on.
  The jump is injected into the clock the scheduler is given: this machine's system clock is
  shared and cannot be set, and libfaketime makes Python 3.11's time.sleep fail (EINVAL).
- parallel_logins: the real `main.py web` process; 25 wrong PINs for one staff id sent at once,
  then the right one; then a flood of made-up ids from the same client.
"""

from __future__ import annotations

import http.client
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from _common import REPO
from _kiosk import TZ, env_for, kiosk
from fault_cases import fresh_copy

PIN = "482913"


class JumpClock:
    """The system clock in the kiosk's zone, plus an offset the benchmark sets (a jump)."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(self.tz) + self.offset

    def epoch(self) -> float:
        return time.time() + self.offset.total_seconds()


def clock_jump(prepared: Path, config: Path, folder: Path, hours: float) -> dict:
    from kiosk.attendance.service import AttendanceService
    from kiosk.clock import DoorClock, system_uptime
    from kiosk.config import load_config
    from kiosk.messages.lanes import Lanes
    from kiosk.messages.screen import SessionChanged
    from kiosk.scheduler.thread import SchedulerThread
    from kiosk.staff.sign_in import SharedLockout
    from kiosk.store.sqlite_store import SqliteStore

    data = fresh_copy(prepared, folder / f"clock{hours:+}")
    cfg = load_config(config, env={}).replace("store", data_dir=str(data)).replace("kiosk", timezone=TZ)
    clock, lanes, stop = JumpClock(TZ), Lanes(), threading.Event()
    door = DoorClock(clock)  # as kiosk/runtime.py wires it: the scheduler steers the door's time
    scheduler = SchedulerThread(cfg, lambda: SqliteStore.in_dir(data), door, lanes.outbox("scheduler"), stop)
    scheduler.start()
    store = SqliteStore.in_dir(data)
    try:
        session = _wait_for_session(store)
        roster = sorted(store.class_record("LINE").roster)
        service = AttendanceService(store, cfg, door)
        before = [p for p in roster[:6] if service.check_in(p, p, 0.9, time.monotonic()).status.stored]
        # The wall clock jumps; the boot clock, as on the real machine, does not.
        lock = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=clock.epoch, uptime=system_uptime)
        for _ in range(cfg.pin.max_tries):
            lock.fail(["staff:bench"])
        lock_before, locked_at = lock.state(["staff:bench"])["staff:bench"].remaining(), time.monotonic()
        clock.offset = timedelta(hours=hours)
        time.sleep(5)  # five scheduler ticks on the jumped clock
        during = [p for p in roster[6:9] if service.check_in(p, p, 0.9, time.monotonic()).status.stored]
        lock_during = lock.state(["staff:bench"])["staff:bench"].remaining()
        lock_length = lock_during + (time.monotonic() - locked_at)  # what is left plus what really passed
        absent_during, state_during, others = _facts(data, session)
        # Read during the jump: the screen's lane keeps only the newest SessionChanged, which is the
        # plain one again once the clock is back.
        notices = [m for m in lanes.take(1000) if isinstance(m, SessionChanged) and m.clock_reads is not None]
        clock.offset = timedelta(0)
        time.sleep(3)
        absent_after, state_after, _ = _facts(data, session)
    finally:
        stop.set()
        scheduler.join(5)
        store.close()
    stored = _stored(data)
    shown = before + during
    return {"shown": len(shown), "stored": sum(stored.values()), "lost": sum(1 for p in shown if not stored.get(p)),
            "duplicated": sum(1 for n in stored.values() if n > 1),
            "notice_seen": bool(notices), "exit_code": None,
            "absent_rows_during_jump": absent_during, "absent_rows_after_clock_back": absent_after,
            "session_during_jump": state_during, "session_after_clock_back": state_after,
            "other_sessions_opened": others, "check_ins_stored_during_jump": len(during),
            "lock_s_before_jump": round(lock_before, 1), "lock_s_left_after_jump": round(lock_during, 1),
            "lock_length_s": round(lock_length, 1)}


def _wait_for_session(store) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        active = store.active_session()
        if active is not None:
            return active.session_id
        time.sleep(0.2)
    raise SystemExit("error: the class never opened (run this benchmark away from midnight)")


def _facts(data: Path, session_id: str) -> tuple[int, str, list[str]]:
    conn = sqlite3.connect(f"file:{data / 'kiosk.db'}?mode=ro", uri=True)
    try:
        absent = conn.execute("SELECT count(*) FROM attendance WHERE status = 'absent'").fetchone()[0]
        state = conn.execute("SELECT state FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
        others = [r[0] for r in conn.execute("SELECT id FROM sessions WHERE id != ?", (session_id,))]
    finally:
        conn.close()
    return absent, state, others


def _stored(data: Path) -> dict[str, int]:
    return _counts(data, "SELECT person_id, count(*) FROM attendance WHERE status != 'absent' GROUP BY person_id")


def _counts(data: Path, sql: str) -> dict[str, int]:
    """(key, count) rows of one read-only query on the door's database."""
    conn = sqlite3.connect(f"file:{data / 'kiosk.db'}?mode=ro", uri=True)
    try:
        return dict(conn.execute(sql))
    finally:
        conn.close()


# -- the web login --------------------------------------------------------------------------------

def parallel_logins(prepared: Path, cfg: list[str], folder: Path, guesses: int = 25, flood: int = 100) -> dict:
    data = fresh_copy(prepared, folder / "web")
    kiosk(data, *cfg, "instructor", "add", "prof", "--name", "Prof Bench")
    subprocess.run([sys.executable, str(REPO / "main.py"), *cfg, "pin", "set", "prof"], input=f"{PIN}\n{PIN}\n",
                   env=env_for(data), cwd=REPO, capture_output=True, text=True, check=True)
    port = _free_port()
    web = subprocess.Popen([sys.executable, str(REPO / "main.py"), *cfg, "web", "--port", str(port)],
                           env=env_for(data), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_healthy(port)
        statuses = _at_once(port, [{"staff_id": "prof", "pin": "111111"}] * guesses)
        right = _login(port, {"staff_id": "prof", "pin": PIN})
        flooded = [_login(port, {"staff_id": f"made-up-{i}", "pin": "1111"}) for i in range(flood)]
        half_sent = _half_sent(port, 300)
    finally:
        web.send_signal(signal.SIGTERM)
        code = web.wait(15)
    rows = _audit_counts(data)
    return {"shown": None, "stored": None, "lost": None, "duplicated": None, "notice_seen": None,
            "exit_code": code, "guesses": guesses, "answers": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "pins_checked": rows.get("pin_wrong", 0), "right_pin_after": right,
            "flood": flood, "flood_answers": {str(s): flooded.count(s) for s in sorted(set(flooded))},
            "audit_rows": rows, "half_sent_requests": half_sent, "traceback": "Traceback" in web.stderr.read()}


def _half_sent(port: int, count: int, wait_s: float = 15.0) -> dict:
    """Connections that send half a request line and headers, then nothing: how many the server closed."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /today HTTP/1.1\r\nHost: kiosk\r\nX-Slow: ")
        socks.append(sock)
    time.sleep(wait_s)
    closed = 0
    for sock in socks:
        sock.settimeout(0.5)
        try:
            closed += sock.recv(1) == b""
        except OSError:
            pass
        sock.close()
    healthy = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    healthy.request("GET", "/healthz")
    return {"opened": count, "closed_by_the_server_within_s": wait_s, "closed": closed,
            "healthz_after": healthy.getresponse().status}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("error: the web view did not start")


def _form_token(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    reply = conn.getresponse()
    page = reply.read().decode()
    return reply.getheader("set-cookie").split(";", 1)[0], page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _post(port: int, form: dict, cookie: str, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/login", urlencode({**form, "csrf": token}),
                 {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    reply = conn.getresponse()
    reply.read()
    return reply.status


def _login(port: int, form: dict) -> int:
    return _post(port, form, *_form_token(port))


def _at_once(port: int, forms: list[dict]) -> list[int]:
    tokens = [_form_token(port) for _ in forms]
    start, statuses = threading.Barrier(len(forms)), [0] * len(forms)

    def send(i: int) -> None:
        start.wait()
        statuses[i] = _post(port, forms[i], *tokens[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def _audit_counts(data: Path) -> dict[str, int]:
    return _counts(data, "SELECT action, count(*) FROM audit WHERE action LIKE 'pin%' OR action = 'lockout'"
                         " GROUP BY action")
