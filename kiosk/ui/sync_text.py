"""The words of the central sync's corner of the banner (only when a MongoDB is configured).

Beside kiosk/ui/text.py, which holds every other word of the live screen (it is at its size limit).
"""

from __future__ import annotations

SYNC_ONLINE = "Online · synced"
SYNC_ONLINE_QUEUED = "Online · {n} to send"
SYNC_OFFLINE = "Offline · {n} check-ins queued"
SYNC_OFFLINE_ONE = "Offline · 1 check-in queued"
SYNC_WARNING = "Online · sync warning"


def sync_status(online: bool, queued: int, problem: bool) -> tuple[str, bool]:
    """The corner's words, and whether they need someone's attention."""
    if not online:
        return (SYNC_OFFLINE_ONE if queued == 1 else SYNC_OFFLINE.format(n=queued)), True
    if problem:
        return SYNC_WARNING, True
    return (SYNC_ONLINE_QUEUED.format(n=queued) if queued else SYNC_ONLINE), False
