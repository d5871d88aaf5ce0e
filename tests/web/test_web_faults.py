"""The web view under attack and under a failing database, over real HTTP: parallel guesses count
one by one, failed logins are limited per client and overall, a PIN typed as the id is never kept
in clear, every response carries the security headers, the login form has a CSRF token, half-sent
requests are closed, /healthz reads the database, odd dates are 400s, and live updates start once
the database can be read."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from web_support import CS101, PINS, STUDENTS, RunningWeb, check_in, school

from kiosk.store.audit import audit_entries
from kiosk.web import slow_clients
from kiosk.web.auth import NOT_AN_ID


def _parallel_logins(web, staff_ids: list[str], pin: str) -> list[int]:
    clients = [web.client() for _ in staff_ids]
    tokens = [c.login_token() for c in clients]
    start, statuses = threading.Barrier(len(clients)), [0] * len(clients)

    def guess(i: int) -> None:
        start.wait()
        statuses[i] = clients[i].post("/login", {"csrf": tokens[i], "staff_id": staff_ids[i], "pin": pin}).status

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses


def test_25_parallel_wrong_pins_are_checked_at_most_max_tries_and_lock_the_right_one_out(web, store, cfg):
    statuses = _parallel_logins(web, ["prof"] * 25, "1111")
    checked = audit_entries(store, "pin_wrong")
    assert len(checked) <= cfg.pin.max_tries and set(statuses) <= {401, 429} and statuses.count(429) >= 20
    right = web.client().login({"staff_id": "prof", "pin": PINS["prof"]})
    assert right.status == 429 and "set-cookie" not in right.headers and not audit_entries(store, "pin_ok")


def test_failed_logins_past_the_per_client_limit_get_429_without_a_row_each(web, store):
    client = web.client()
    statuses = [client.login({"staff_id": f"made-up-{i}", "pin": "1111"}).status for i in range(15)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429] * 5
    assert len(audit_entries(store, "pin_wrong")) == 10
    (summary,) = audit_entries(store, "pin_rate_limited")
    assert "failed-login limit" in summary.detail
    limited = client.login({"staff_id": "prof", "pin": PINS["prof"]})  # refused too, with no hash
    assert limited.status == 429 and int(limited.headers["retry-after"]) >= 1


def test_a_pin_typed_into_the_id_field_is_never_stored_in_clear(web, store):
    client = web.client()
    client.login({"staff_id": "482913", "pin": "1111"})
    client.login({"staff_id": "not an id!", "pin": "1111"})
    targets = [a.target_id for a in audit_entries(store, "pin_wrong")]
    assert targets == [NOT_AN_ID, NOT_AN_ID] and "482913" not in str(audit_entries(store))


def test_every_response_carries_the_security_headers(web):
    client = web.client()
    for path in ("/login", "/healthz", "/static/style.css", "/static/live.js", "/no-such-page", "/api/attendance"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
    assert "<script>" not in client.get("/login").text


def test_no_response_but_a_static_file_may_be_stored(web):
    """After Sign out, Back must find nothing of the pages, downloads or JSON in the browser's cache."""
    client = web.client()
    client.sign_in("boss")
    paths = ("/today", "/people/maya", f"/session/{CS101}/attendance.csv", "/day/2026-11-25/attendance.xlsx",
             "/api/attendance?date=2026-11-25", "/api/people", "/staff", "/no-such-page", "/login", "/healthz")
    replies = {path: client.get(path) for path in paths}
    replies["POST /logout"] = client.post("/logout", {"csrf": client.csrf()})
    replies["after sign-out"] = client.get("/people/maya")
    for what, reply in replies.items():
        assert reply.headers["cache-control"] == "no-store" and reply.headers["pragma"] == "no-cache", what
    for path in ("/static/style.css", "/static/live.js"):
        assert "no-store" not in client.get(path).headers.get("cache-control", ""), path


def test_the_login_form_needs_its_csrf_token(web):
    client = web.client()
    client.login_token()  # the cookie, but no token in the form
    assert client.post("/login", {"staff_id": "prof", "pin": PINS["prof"]}).status == 403
    assert client.post("/login", {"staff_id": "prof", "pin": PINS["prof"], "csrf": "0" * 64}).status == 403
    assert client.login({"staff_id": "prof", "pin": PINS["prof"]}).status == 303


def test_a_half_sent_request_is_closed(web, monkeypatch):
    monkeypatch.setattr(slow_clients.DeadlineProtocol, "read_deadline_s", 0.5)
    web.stop()
    served = RunningWeb(web.state.cfg, web.state.clock)
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(b"GET /today HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
            assert sock.recv(100) == b""  # closed by the server (the 10 s timeout would raise)
    finally:
        served.stop()


@pytest.mark.parametrize("path", ["/today?date=9999-12-31", "/today?date=0001-01-01",
                                  "/api/attendance?date=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_400(web, path):
    client = web.client()
    client.sign_in("boss")
    reply = client.get(path)
    assert reply.status == 400 and "out of range" in reply.text


def test_healthz_reports_a_damaged_database(web, cfg, store):
    assert web.client().get("/healthz").status == 200
    web.state.health._checked = -1e9  # the next request checks again
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    size = (cfg.data_dir / "kiosk.db").stat().st_size
    with open(cfg.data_dir / "kiosk.db", "r+b") as db:
        db.seek(4096)
        db.write(os.urandom(size - 4096))
    reply = web.client().get("/healthz")
    assert reply.status == 503 and "database unavailable" in reply.text and "\n" not in reply.text.strip()


def test_live_updates_start_once_the_database_can_be_read(cfg, clock):
    store = school(cfg, clock)
    store.close()
    real = cfg.data_dir / "kiosk.db"
    os.replace(real, cfg.data_dir / "real.db")
    real.write_bytes(b"")  # a database that cannot be read when the server starts
    served = RunningWeb(cfg, clock, poll_s=0.05)
    try:
        time.sleep(0.3)
        assert served.state.hub.published == 0
        os.replace(cfg.data_dir / "real.db", real)  # readable again
        for person_id in STUDENTS:  # one new check-in after another, until one is published
            check_in(cfg, clock, person_id)
            time.sleep(0.5)
            if served.state.hub.published:
                break
        assert served.state.hub.published >= 1
    finally:
        served.stop()
