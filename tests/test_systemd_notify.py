"""The notify protocol on a real datagram socket, as systemd would receive it."""

import socket

import pytest

from kiosk.systemd_notify import STALE_BEAT_S, SystemdNotifier, Watchdog


@pytest.fixture
def systemd(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.5)
    yield path, sock
    sock.close()


def received(sock):
    messages = []
    sock.setblocking(False)
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except BlockingIOError:
            return messages


def test_ready_then_watchdog_at_half_interval(systemd):
    path, sock = systemd
    now = [100.0]
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"})
    dog = Watchdog(notifier, lambda: [("recognition", now[0])], clock=lambda: now[0])
    dog.on_frame()
    assert received(sock) == ["READY=1\nSTATUS=Showing the camera", "WATCHDOG=1"]
    now[0] += 4.0
    dog.on_frame()
    assert received(sock) == []  # not yet half of 10 s
    now[0] += 1.0
    dog.on_frame()
    assert received(sock) == ["WATCHDOG=1"]


def test_a_hung_worker_withholds_the_ping(systemd):
    path, sock = systemd
    now = [100.0]
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
    dog = Watchdog(notifier, lambda: [("recognition", 100.0)], clock=lambda: now[0])
    now[0] += STALE_BEAT_S + 1
    dog.on_frame()
    assert received(sock) == ["READY=1\nSTATUS=Showing the camera"]


def test_without_systemd_nothing_is_sent():
    notifier = SystemdNotifier({})
    assert not notifier.enabled and not notifier.send("READY=1")
    Watchdog(notifier, lambda: []).on_frame()
