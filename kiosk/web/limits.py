"""Limits on failed web logins, per client and for the whole server, beyond the per-id lockout.

The lockout (kiosk/staff/sign_in.py) stops guessing one staff id; made-up ids would each
get their own five tries, and every try costs a scrypt hash and an audit row. So a try
takes a slot here first, per client address and globally, in fixed windows: past either
limit the answer is 429 with Retry-After, with no hash and no row per try, and one
summary audit row per window says how many were refused. A try that turns out right
gives its slot back, so staff signing in are never counted. A window opens with the first
try after the last one closed, never on a clock boundary: a burst that straddles a boundary
cannot get twice the limit.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

WINDOW_S = 60.0
PER_CLIENT = 10  # failed logins per client address per window
GLOBAL = 30  # failed logins per window, all clients together
MAX_CLIENTS = 10_000  # addresses tracked per window (memory stays bounded)


@dataclass(frozen=True)
class Verdict:
    retry_after: float = 0.0  # > 0: refused, try again after this long
    summary: str = ""  # set on the first refusal of a window: the audit row to write
    client: str = ""


class LoginLimiter:
    def __init__(self, per_client: int = PER_CLIENT, overall: int = GLOBAL, window_s: float = WINDOW_S,
                 now: Callable[[], float] = time.monotonic):
        self.per_client = per_client
        self.overall = overall
        self.window_s = window_s
        self.now = now
        self._lock = threading.Lock()
        self._opened: float | None = None  # when the current window opened
        self._clients: dict[str, int] = {}
        self._total = 0
        self._refused = 0
        self._previous_refused = 0

    def take(self, client: str) -> Verdict:
        """A login try from `client`: a slot, or a refusal (never blocks)."""
        with self._lock:
            now = self.now()
            self._roll(now)
            if self._clients.get(client, 0) >= self.per_client or self._total >= self.overall:
                self._refused += 1
                wait = self._opened + self.window_s - now
                which = f"client {client}" if self._clients.get(client, 0) >= self.per_client else "all clients"
                summary = ""
                if self._refused == 1:
                    summary = (f"failed-login limit reached ({which}): tries refused for {math.ceil(wait)} s"
                               + (f"; {self._previous_refused} refused in the last limited window"
                                  if self._previous_refused else ""))
                return Verdict(max(1.0, wait), summary, client)
            if client in self._clients or len(self._clients) < MAX_CLIENTS:
                self._clients[client] = self._clients.get(client, 0) + 1
            self._total += 1
            return Verdict(client=client)

    def give_back(self, client: str) -> None:
        """The try was right: it does not count."""
        with self._lock:
            if self._clients.get(client):
                self._clients[client] -= 1
            self._total = max(0, self._total - 1)

    def _roll(self, now: float) -> None:
        if self._opened is None or now - self._opened >= self.window_s:
            if self._refused:
                self._previous_refused = self._refused
            self._opened, self._clients, self._total, self._refused = now, {}, 0, 0
