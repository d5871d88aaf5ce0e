"""Check-in cards shown to the camera: every `attendance.qr_every_s` the worker searches the
frame for a QR code; a card of this kiosk's (kiosk/reports/cards.py) is passed to the
screen as a fact (CodeSeen), which hands it to the desk worker: it alone checks codes,
so the slow hash never runs in the recognition thread. A card held up is reported once
while it stays in view."""

from __future__ import annotations

import time

from kiosk.config import AttendanceSection
from kiosk.messages.lanes import Outbox
from kiosk.messages.screen import CodeSeen
from kiosk.model import Frame
from kiosk.reports.cards import code_on_card

REPEAT_S = 5.0  # the same card in view again after this long counts again


class CardWatch:
    """Build in the recognition thread (it owns an OpenCV detector)."""

    def __init__(self, cfg: AttendanceSection, outbox: Outbox):
        from kiosk.vision.qr import QrReader

        self.every_s = cfg.qr_every_s
        self.enabled = cfg.qr_cards
        self.outbox = outbox
        self.reader = QrReader() if cfg.qr_cards else None
        self._last_look = -1e9
        self._reported: dict[str, float] = {}

    def look(self, frame: Frame) -> None:
        if self.reader is None or frame.captured_at - self._last_look < self.every_s:
            return
        self._last_look = frame.captured_at
        for text in self.reader.read(frame.image):
            code = code_on_card(text)
            if code is not None and self._new(code):
                self.outbox.deliver(CodeSeen(code))

    def _new(self, code: str) -> bool:
        now = time.monotonic()
        self._reported = {c: t for c, t in self._reported.items() if now - t < REPEAT_S}
        if code in self._reported:
            self._reported[code] = now  # still in view: keep it quiet
            return False
        self._reported[code] = now
        return True
