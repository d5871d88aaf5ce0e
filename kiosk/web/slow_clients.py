"""A deadline for reading a request: a client that sends its request line, headers and (small)
body too slowly is disconnected, so half-sent requests cannot hold connections open.

uvicorn times out only an idle keep-alive connection (`timeout_keep_alive`, between requests);
a connection that never completes its first request stays open for good. This protocol (the
h11 one, used by uvicorn here) arms a timer when the connection opens and after each response,
and disarms it once a whole request has arrived.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

READ_DEADLINE_S = 10.0  # a login form is a few hundred bytes: ten seconds is generous
_ARRIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class DeadlineProtocol(H11Protocol):
    read_deadline_s = READ_DEADLINE_S
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self._request_in():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._request_in():  # kept alive: the next request has the same deadline
            self._arm()

    def _request_in(self) -> bool:
        """The client has sent a whole request (h11's view of the client's side)."""
        return self.conn.their_state in _ARRIVED  # uvicorn's h11.Connection, not a database's

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_deadline_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            log.info("closed a connection that sent no whole request within %.0f s", self.read_deadline_s)
            self.transport.close()
