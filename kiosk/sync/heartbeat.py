"""The kiosk heartbeat document, and reading the fleet back.

Each cycle the kiosk upserts kiosks/{kiosk id}. `last_seen` is stamped
by the server ($currentDate), so a kiosk with a wrong clock still shows
its true last contact; its own clock goes in `kiosk_time`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from kiosk import __version__
from kiosk.sync.central import Central


@dataclass(frozen=True)
class KioskHealth:
    """What the running kiosk knows about itself (None: not known)."""

    camera: str | None = None  # "ok" | "no frames" | None
    ui_fps: float | None = None


HealthSource = Callable[[], KioskHealth]


def capture_health(capture_stats: Callable[[], object],
                   ui_fps: Callable[[], float | None] = lambda: None) -> HealthSource:
    """Camera state from the capture thread's frame counter ("ok" while frames keep coming),
    and the UI loop's recent fps from `ui_fps` (e.g. lambda: app.current_fps; None = unknown).
    """
    last = {"frames": -1}

    def probe() -> KioskHealth:
        frames = capture_stats().frames_captured
        moving = frames > last["frames"] >= 0 or (last["frames"] < 0 and frames > 0)
        last["frames"] = frames
        fps = ui_fps()
        return KioskHealth(camera="ok" if moving else "no frames", ui_fps=None if fps is None else round(fps, 1))

    return probe


def send_heartbeat(central: Central, kiosk_id: str, room: str, queued: int, pending: int, offset_s: float,
                   health: KioskHealth, last_error: str = "", warnings: int = 0) -> None:
    with central.guard("heartbeat failed"):
        central["kiosks"].update_one(
            {"_id": kiosk_id},
            {
                "$set": {
                    "room": room, "version": __version__, "kiosk_time": datetime.now(timezone.utc),
                    "clock_offset_ms": round(offset_s * 1000.0, 1), "camera": health.camera,
                    "queue": queued, "outbox": pending, "ui_fps": health.ui_fps,
                    "last_error": last_error, "warnings": warnings,
                },
                "$currentDate": {"last_seen": True},
            },
            upsert=True,
        )


@dataclass(frozen=True)
class FleetRow:
    kiosk_id: str
    room: str
    version: str
    last_seen: datetime | None
    age_s: float | None
    camera: str | None
    queue: int | None
    ui_fps: float | None
    stale: bool


def fleet(central: Central, stale_after_s: float) -> list[FleetRow]:
    """Every kiosk's last heartbeat; ages are measured on the server's clock."""
    server_now, _ = central.clock_offset()
    rows = []
    with central.guard("cannot read the fleet"):
        docs = list(central["kiosks"].find().sort("_id", 1))
    for doc in docs:
        seen = doc.get("last_seen")
        if isinstance(seen, datetime) and seen.tzinfo is None:
            seen = seen.replace(tzinfo=timezone.utc)
        age = (server_now - seen).total_seconds() if isinstance(seen, datetime) else None
        rows.append(FleetRow(
            str(doc["_id"]), str(doc.get("room") or ""), str(doc.get("version") or "?"),
            seen if isinstance(seen, datetime) else None, age, doc.get("camera"),
            doc.get("queue") if isinstance(doc.get("queue"), int) else None,
            doc.get("ui_fps") if isinstance(doc.get("ui_fps"), (int, float)) else None,
            age is None or age > stale_after_s,
        ))
    return rows
