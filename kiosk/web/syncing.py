"""With a central database, the web view syncs this machine's database too: a mark made
here (the register, a fixed mark) is written to the local file like one made at the door,
and goes up from its outbox; marks made elsewhere, and the timetable, come down. A mark
asks for a cycle at once; otherwise one runs every `mongo.sync_interval_s`. The cycle is
the kiosk's own (kiosk/sync/engine.py), without the heartbeat: this is not a door."""

from __future__ import annotations

import asyncio
import logging

from kiosk.sync.engine import SyncEngine
from kiosk.web.context import WebState, blocking

log = logging.getLogger(__name__)


async def sync_loop(web: WebState) -> None:
    failing = False
    while True:
        report = await blocking(_cycle, web)
        if report.error and not failing:
            log.warning("web view: sync with the central database failed: %s", report.error)
        elif failing and not report.error:
            log.info("web view: sync with the central database works again")
        failing = bool(report.error)
        try:
            await asyncio.wait_for(web.sync_wanted.wait(), web.cfg.mongo.sync_interval_s)
        except asyncio.TimeoutError:
            pass
        web.sync_wanted.clear()


def _cycle(web: WebState):
    engine = SyncEngine(web.stores.get(), web.cfg)
    try:
        return engine.cycle(heartbeat=False)
    finally:
        engine.close()
