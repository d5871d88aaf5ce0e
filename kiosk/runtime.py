"""Wires the stages together: capture, scheduler, recognition, the desk (and sync)
threads feeding one pygame loop, all stopped by one threading.Event.

It owns the two lanes to the screen (kiosk/messages/lanes.py): each thread
gets its own outbox, sending latest values (faces seen, camera, sync and
recognition state) and lossless messages (check-ins, refusals, PIN verdicts,
action results, session ends, a finished capture); the screen takes both.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.staff.worker import DeskWorker
from kiosk.camera import CAMERAS, CaptureThread
from kiosk.clock import DoorClock, system_clock
from kiosk.config import Config
from kiosk.messages.lanes import Lanes
from kiosk.recognition.worker import RecognitionWorker
from kiosk.scheduler.thread import SchedulerThread
from kiosk.store.health import StoreHealth
from kiosk.store.sqlite_store import SqliteStore
from kiosk.systemd_notify import SystemdNotifier, Watchdog

log = logging.getLogger(__name__)

JOIN_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class RunOptions:
    camera: str | None = None
    windowed: bool = False
    loop: bool | None = None
    exit_after: float | None = None
    stats_path: Path | None = None


def run_kiosk(cfg: Config, opts: RunOptions) -> int:
    started = process_started_at()
    stop = threading.Event()
    lanes = Lanes()
    clock = DoorClock(system_clock(cfg.kiosk.timezone))  # the scheduler steers it while it doubts the wall clock
    boot_check(cfg)  # create and migrate before any thread needs it; a damaged file stops here
    health = StoreHealth()

    def store_factory() -> SqliteStore:
        return SqliteStore.in_dir(cfg.data_dir)

    source = CAMERAS.get(cfg.camera.backend)(cfg.camera, source=opts.camera, loop=opts.loop)
    capture = CaptureThread(source, stop, lanes.outbox("capture"), cfg.camera.retry_max_s)
    scheduler = SchedulerThread(cfg, store_factory, clock, lanes.outbox("scheduler"), stop)
    worker = RecognitionWorker(cfg, capture.frames, store_factory, clock, lanes.outbox("recognition"), stop, health)
    desk = DeskWorker(cfg, store_factory, clock, lanes.outbox("desk"), stop)  # PIN checks, instructor actions
    threads = [capture, scheduler, worker, desk]
    app = None  # the KioskApp, built below; the sync heartbeat reads its fps
    if cfg.mongo.uri:  # a central MongoDB: sync in the background; without one the kiosk is standalone
        from kiosk.sync.heartbeat import capture_health
        from kiosk.sync.thread import SyncThread

        # `app` is read when the heartbeat runs (late binding): None until the UI exists.
        health = capture_health(capture.stats, lambda: app.current_fps if app is not None else None)
        threads.append(SyncThread(cfg, store_factory, lanes.outbox("sync"), stop, health))
    _stop_on_signals(stop)
    for thread in threads:
        thread.start()
    log.info("kiosk %s starting with %s", cfg.kiosk.id, source.description)

    from kiosk.ui.staff_layer import kiosk_layers
    from kiosk.ui.app import KioskApp  # pygame is imported only when a screen is wanted

    app = KioskApp(cfg.ui, capture.frames.latest, lanes, stop, clock, windowed=opts.windowed,
                   kiosk_name=cfg.kiosk.room or cfg.kiosk.id, layers=kiosk_layers(cfg, desk.submit, worker.submit))
    watchdog = Watchdog(SystemdNotifier(), lambda: [(t.name, t.heartbeat) for t in (scheduler, worker) if t.is_alive()],
                        store_failing_s=health.failing_for, store_limit_s=cfg.store.fault_restart_s)
    app.on_frame = watchdog.on_frame
    ui_stats = app.run(exit_after=opts.exit_after)
    watchdog.notifier.send("STOPPING=1")
    stop.set()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    if opts.stats_path:
        return save_stats(opts.stats_path, run_summary(ui_stats, worker, capture, started, lanes))
    return 0


def boot_check(cfg: Config) -> None:
    """The database opens, migrates and passes a quick check of the whole file, or StoreError
    says which file and what to do (the caller shows it, on screen under systemd)."""
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        store.probe()
    finally:
        store.close()


def run_summary(ui_stats, worker: RecognitionWorker, capture: CaptureThread, started: float,
                lanes: Lanes | None = None) -> dict:
    stats, capture_stats = worker.stats, capture.stats()
    return {
        "frames_shown": ui_stats.frames_shown,
        "ui_fps_median": round(ui_stats.ui_fps_median, 1),
        "ui_fps_min": round(ui_stats.ui_fps_min, 1),
        "recognitions": stats.recognitions,
        "checkins": stats.checkins,
        "latency_ms_p50": stats.latencies_ms.percentile(50),  # over the newest check-ins (stats.KEEP)
        "latency_ms_p95": stats.latencies_ms.percentile(95),
        "dropped_frames": ui_stats.dropped_frames + capture_stats.skipped,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "frames_captured": capture_stats.frames_captured,
        "frames_processed": stats.frames_processed,
        "process_ms_median": stats.process_ms.percentile(50),
        "judge_ms_median": stats.judge_ms.percentile(50),
        "camera_frames_shown": ui_stats.camera_frames_shown,
        # Cold start, counted from the process's own start (interpreter and imports included).
        "first_frame_s": _since(started, ui_stats.first_frame_at),
        "ready_s": _since(started, worker.ready_at),
        "frame_ms_histogram": ui_stats.frame_ms_histogram,  # whole ms of UI work per frame -> frames
        **(lanes.stats() if lanes is not None else {}),  # lane_delivered, lane_waits, lane_replaced, lane_max_backlog
    }


def write_stats(path: Path, summary: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def save_stats(path: Path, summary: dict) -> int:
    """--stats at exit: the file, or (unwritable) one line on stderr that carries the stats, exit code 1."""
    try:
        write_stats(path, summary)
    except OSError as err:
        log.error("cannot write --stats %s (%s); the stats instead: %s", path, err.strerror or err,
                  json.dumps(summary, separators=(",", ":")))
        return 1
    return 0


def _since(started: float, moment: float | None) -> float | None:
    return round(moment - started, 3) if moment else None


def process_started_at() -> float:
    """time.monotonic() of this process's start, from /proc (boot-relative ticks)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_s = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return time.monotonic() - (time.clock_gettime(time.CLOCK_BOOTTIME) - started_s)
    except (OSError, IndexError, ValueError):
        return time.monotonic()


def _stop_on_signals(stop: threading.Event) -> None:
    """systemd stops the kiosk with SIGTERM; finish the current frame and exit cleanly."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
