"""The heartbeat reports the UI loop's recent fps (KioskApp.current_fps), read from the sync side."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from types import SimpleNamespace

from kiosk.config import UiSection
from kiosk.sync.central import Central
from kiosk.sync.heartbeat import capture_health, send_heartbeat
from kiosk.ui.app import KioskApp
from tests.lanes_support import ScreenLanes

LONG = 20.0  # only reached if fps is never published


def test_heartbeat_sends_the_running_ui_fps(kiosk_cfg, central_server):
    stop = threading.Event()
    app = KioskApp(UiSection(width=320, height=240, fullscreen=False), lambda: None, ScreenLanes(), stop,
                   lambda: datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), windowed=True)
    probe = capture_health(lambda: SimpleNamespace(frames_captured=1), lambda: app.current_fps)
    assert probe().ui_fps is None  # not running yet: sent as null
    sent = {}

    def heartbeat_from_another_thread() -> None:  # what SyncThread does each cycle
        try:
            while not stop.wait(0.05) and app.current_fps is None:
                pass
            health = probe()
            sent["fps"] = health.ui_fps
            central = Central.open(kiosk_cfg.mongo)
            send_heartbeat(central, "door-1", "B12", 0, 0, 0.0, health)
            central.close()
        finally:
            stop.set()

    sender = threading.Thread(target=heartbeat_from_another_thread, name="fake-sync")
    sender.start()
    app.run(exit_after=LONG)
    sender.join(5)
    assert sent["fps"] is not None and sent["fps"] > 0
    assert central_server.db().kiosks.find_one({"_id": "door-1"})["ui_fps"] == sent["fps"]
    assert app.current_fps is None and probe().ui_fps is None  # the loop has ended: unknown again


def test_a_missing_ui_reports_null_fps():
    probe = capture_health(lambda: SimpleNamespace(frames_captured=3))
    assert probe().ui_fps is None
