"""The storage, clock and attack faults of bench/faults.py, each against the real kiosk (or, for the
clock, its real scheduler thread and check-in service on a real database; see `clock_jump`).

Every case reports: shown (check-ins the kiosk logged as shown: "checked in ..."), stored (rows in
the database afterwards), lost (shown but not stored), duplicated (stored twice), notice (seen on
screen, and how soon), and the exit code of the process under test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from _common import OUT, REPO
from _kiosk import config_args, env_for, kiosk, schedule_now, start_run, write_config
from door_queue import build_video, pick_students

STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})")
CHECKED_IN = re.compile(r"checked in (\S+) to (\S+)")
STORAGE_NOTICE = "on screen: Check-ins are not being saved"
BOOT_SCREEN = "on screen: The kiosk cannot start"
FAULT_RESTART_S = 10.0  # store.fault_restart_s for these runs (the default is 60)


# -- a door with a line of students ---------------------------------------------------------------

def prepare_door(folder: Path) -> tuple[Path, list[str], Path]:
    """18 students enrolled, their class in session now, liveness off (the line is made of photos),
    store.fault_restart_s short; returns (data folder, config args, video)."""
    students = pick_students()
    video = build_video(students, OUT / "queue.mp4", 1.2, 1)
    data = folder / "door"
    data.mkdir(parents=True)
    cfg = config_args(write_config(folder / "kiosk.toml", {"liveness": {"enabled": False},
                                                          "store": {"fault_restart_s": FAULT_RESTART_S}}))
    for s in students:
        kiosk(data, *cfg, "enroll", "--id", s.pid, "--name", s.name, str(s.enrol))
    kiosk(data, *cfg, "class", "add", "LINE", "--name", "Line", "--students", ",".join(s.pid for s in students))
    schedule_now(data, "LINE", folder / "kiosk.toml", minutes=60)
    return data, cfg, video


def fresh_copy(prepared: Path, where: Path) -> Path:
    shutil.copytree(prepared, where)
    return where


def log_lines(data: Path) -> list[tuple[datetime | None, str]]:
    out = []
    for line in (data / "run.err").read_text(errors="replace").splitlines():
        m = STAMP.match(line)
        out.append((datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f") if m else None, line))
    return out


def shown_people(lines, after: datetime | None = None) -> list[str]:
    return [m.group(1) for t, line in lines if (m := CHECKED_IN.search(line)) and (after is None or t and t >= after)]


def first_time(lines, text: str, after: datetime | None = None) -> datetime | None:
    return next((t for t, line in lines if text in line and t and (after is None or t >= after)), None)


def wait_for_shown(data: Path, count: int, timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (data / "run.err").exists() and len(shown_people(log_lines(data))) >= count:
            break
        time.sleep(0.2)
    return len(shown_people(log_lines(data)))


def stored_rows(db: Path) -> dict[str, int] | str:
    """person -> rows in attendance (present or late), or why the file cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT person_id, count(*) FROM attendance WHERE status != 'absent'"
                                " GROUP BY person_id").fetchall()
        finally:
            conn.close()
        return dict(rows)
    except sqlite3.Error as err:
        return f"unreadable: {err}"


def tally(shown: list[str], stored: dict[str, int] | str) -> dict:
    if isinstance(stored, str):
        return {"shown": len(shown), "stored": stored, "lost": None, "duplicated": None}
    return {"shown": len(shown), "stored": sum(stored.values()),
            "lost": sum(1 for p in set(shown) if not stored.get(p)),
            "duplicated": sum(1 for n in stored.values() if n > 1)}


def seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    return round((later - earlier).total_seconds(), 2) if later and earlier else None


def one_line(done: subprocess.CompletedProcess) -> str:
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[-1] if text else ""


class NotifySocket:
    """systemd's side of the notify protocol: records when each WATCHDOG=1 arrived."""

    def __init__(self, folder: Path):
        self.path = str(folder / "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.pings: list[datetime] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        while not self.stop.is_set():
            try:
                if b"WATCHDOG=1" in self.sock.recv(4096):
                    self.pings.append(datetime.now())
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


# -- the cases ------------------------------------------------------------------------------------

def corrupt_page(prepared: Path, cfg: list[str], video: Path, folder: Path) -> dict:
    """One 4 KiB page of kiosk.db (the attendance table's unique index, where every check-in
    writes) overwritten while students check in; then doctor, verify-log and a restart."""
    folder.mkdir(parents=True, exist_ok=True)
    data = fresh_copy(prepared, folder / "corrupt")
    notify = NotifySocket(folder)
    env = {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "4000000"}
    run = start_run_env(data, env, *cfg, "--camera", str(video), "--windowed", "--exit-after", "45")
    wait_for_shown(data, 2, 40)
    page, owner = damage_a_page(data / "kiosk.db")
    damaged = datetime.now()
    code = run.wait(90)
    notify.close()
    lines = log_lines(data)
    first_failure = first_time(lines, "malformed", damaged) or first_time(lines, "kept in memory", damaged)
    notice = first_time(lines, STORAGE_NOTICE, damaged)
    pings_after = [p for p in notify.pings if first_failure and p > first_failure]
    doctor = kiosk(data, *cfg, "doctor", "--skip-camera", check=False)
    verify = kiosk(data, *cfg, "verify-log", check=False)
    boot = subprocess.run([sys.executable, str(REPO / "main.py"), *cfg, "run", "--exit-after", "6"], cwd=REPO,
                          env={**env_for(data), "KIOSK_ERROR_SCREEN": "1"}, capture_output=True, text=True)
    shown_after = shown_people(lines, damaged)
    result = tally(shown_after, stored_rows(data / "kiosk.db"))
    return {**result, "page": page, "page_of": owner, "shown_before_damage": len(shown_people(lines)) - len(shown_after),
            "kept_in_memory": sum("kept in memory" in line for _, line in lines if _ and _ >= damaged),
            "notice_seen": notice is not None, "notice_after_first_failure_s": seconds(notice, first_failure),
            "notice_after_damage_s": seconds(notice, damaged),
            "watchdog_pings_after_first_failure": len(pings_after),
            "watchdog_last_ping_after_first_failure_s": seconds(max(pings_after, default=None), first_failure),
            "exit_code": code, "traceback": any("Traceback" in line for _, line in lines),
            "doctor_exit": doctor.returncode, "doctor_database": next(
                (ln for ln in doctor.stdout.splitlines() if " database " in ln), ""),
            "verify_log_exit": verify.returncode, "verify_log": one_line(verify),
            "restart_exit": boot.returncode, "restart_screen": BOOT_SCREEN in boot.stderr}


def damage_a_page(db: Path) -> tuple[int, str]:
    """Move every page to the main file (a checkpoint), then overwrite the unique index's root page."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        name = "sqlite_autoindex_attendance_1"
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()
    with open(db, "r+b") as f:
        f.seek(4096 * (page - 1))
        f.write(os.urandom(4096))
        f.flush()
        os.fsync(f.fileno())
    return page, name


def deleted_wal(prepared: Path, cfg: list[str], video: Path, folder: Path) -> dict:
    """kiosk.db-wal deleted while students check in, then kill -9 (the kiosk's guard copies each commit
    into the file once its WAL is gone); and a WAL deleted after a crash, before the next start (the
    commits in it are lost: verify-log must say so)."""
    return {"while_running": _wal_deleted(prepared, cfg, video, folder / "wal", before_kill=True),
            "after_a_crash": _wal_deleted(prepared, cfg, video, folder / "wal-after", before_kill=False)}


def _wal_deleted(prepared: Path, cfg: list[str], video: Path, where: Path, before_kill: bool) -> dict:
    data = fresh_copy(prepared, where)
    run = start_run(data, *cfg, "--camera", str(video), "--windowed")
    wait_for_shown(data, 2, 40)
    deleted = datetime.now()
    if before_kill:
        (data / "kiosk.db-wal").unlink()
    time.sleep(8)  # more students check in
    run.send_signal(signal.SIGKILL)
    code = run.wait()
    if not before_kill:
        deleted = datetime.now()
        for suffix in ("-wal", "-shm"):
            Path(str(data / "kiosk.db") + suffix).unlink()
    lines = log_lines(data)
    verify = kiosk(data, *cfg, "verify-log", check=False)
    doctor = kiosk(data, *cfg, "doctor", "--skip-camera", check=False)
    shown = shown_people(lines)
    said = verify.stdout + verify.stderr
    return {**tally(shown, stored_rows(data / "kiosk.db")), "shown_after_delete": len(shown_people(lines, deleted)),
            "notice_seen": "ledger entries missing" in said or any("was deleted" in line for _, line in lines),
            "kiosk_logged_the_deletion": any("was deleted" in line for _, line in lines), "exit_code": code,
            "verify_log_exit": verify.returncode, "verify_log": next(
                (ln for ln in said.splitlines() if "missing" in ln), one_line(verify)),
            "doctor_exit": doctor.returncode,
            "doctor_database": next((ln for ln in doctor.stdout.splitlines() if " database " in ln), "")}


def full_disk_at_boot(prepared: Path, cfg: list[str], folder: Path) -> dict:
    """The kiosk starts on a data folder whose disk is full (a 4 MB tmpfs filled with dd)."""
    if os.geteuid() != 0:
        return {"skipped": "needs root to mount a small tmpfs"}
    mount = folder / "tmpfs"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]).returncode != 0:
        return {"skipped": "cannot mount tmpfs here"}
    try:
        data = mount / "door"
        data.mkdir()
        for name in ("kiosk.db", "kiosk.db.head"):
            shutil.copy(prepared / name, data / name)
        subprocess.run(["dd", "if=/dev/zero", f"of={mount / 'filler'}", "bs=64k"], capture_output=True)
        screen = subprocess.run([sys.executable, str(REPO / "main.py"), *cfg, "run", "--exit-after", "6"], cwd=REPO,
                                env={**env_for(data), "KIOSK_ERROR_SCREEN": "1"}, capture_output=True, text=True)
        terminal = subprocess.run([sys.executable, str(REPO / "main.py"), *cfg, "run", "--exit-after", "6"],
                                  cwd=REPO, env=env_for(data), capture_output=True, text=True)
        (mount / "filler").unlink()
        doctor = kiosk(data, *cfg, "doctor", "--skip-camera", check=False)
        stored = stored_rows(data / "kiosk.db")
        return {"shown": 0, "stored": sum(stored.values()) if isinstance(stored, dict) else stored,
                "lost": 0, "duplicated": 0, "notice_seen": BOOT_SCREEN in screen.stderr,
                "exit_code": screen.returncode, "screen_line": next(
                    (ln.split("on screen: ", 1)[1] for ln in screen.stderr.splitlines() if BOOT_SCREEN in ln), ""),
                "at_a_terminal_exit": terminal.returncode, "at_a_terminal": one_line(terminal),
                "traceback": "Traceback" in screen.stderr + terminal.stderr,
                "doctor_database_after_space_freed": next(
                    (ln for ln in doctor.stdout.splitlines() if " database " in ln), "")}
    finally:
        subprocess.run(["umount", str(mount)])


def start_run_env(data: Path, extra_env: dict[str, str], *argv: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), "run", *argv], env={**env_for(data), **extra_env},
                            cwd=REPO, stdout=(data / "run.out").open("w"), stderr=(data / "run.err").open("w"))
