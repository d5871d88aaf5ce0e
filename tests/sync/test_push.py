"""Push: the outbox to the central database, idempotent, under faults.

Every test ends with zero lost and zero duplicated check-ins, and the
roster and schedules equal on both sides.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sync_support import (
    T0, assert_converged, kiosk_config, open_store, queue_checkins, seed_central, session_info,
)

from kiosk.store.sqlite_store import AttendanceRow
from kiosk.sync.central import Central
from kiosk.sync.engine import SyncEngine


def _engine(cfg, store=None):
    return SyncEngine(store or open_store(cfg), cfg)


def test_one_cycle_pushes_everything_with_both_clocks(kiosk_cfg, central_server):
    seed_central(Central.open(kiosk_cfg.mongo))
    engine = _engine(kiosk_cfg.replace("mongo", batch_size=7))
    keys = queue_checkins(engine.store, 30, sessions=2)
    report = engine.cycle()
    assert report.complete, report.error
    assert report.pushed >= 30 and report.queued == 0
    db = central_server.db()
    assert_converged([engine.store], db, set(keys))
    doc = db.attendance.find_one({"person_id": "p00000"})
    assert doc["kiosk_time"] == T0 or doc["kiosk_time"] == T0 + timedelta(days=7)
    assert doc["server_time"] > doc["kiosk_time"]  # the server's own clock, at first receipt
    assert "clock_offset_ms" in doc and doc["kiosks"] == ["door-1"]
    assert db.sessions.count_documents({}) == 2
    heartbeat = db.kiosks.find_one({"_id": "door-1"})
    assert heartbeat["room"] == "B12" and heartbeat["queue"] == 0 and "last_seen" in heartbeat


def test_the_same_outbox_pushed_twice_changes_nothing(kiosk_cfg, central_server):
    seed_central(Central.open(kiosk_cfg.mongo))
    engine = _engine(kiosk_cfg)
    keys = queue_checkins(engine.store, 20)
    saved = engine.store.query("SELECT kind, ref FROM outbox")
    assert engine.cycle().complete
    before = {d["_id"]: d for d in central_server.db().attendance.find()}
    with engine.store.transaction() as conn:  # the acknowledgement was "lost": the same outbox again
        conn.executemany("INSERT INTO outbox (kind, ref) VALUES (?, ?)", [tuple(r) for r in saved])
    report = engine.cycle()
    assert report.complete and report.pushed == len(saved)
    after = {d["_id"]: d for d in central_server.db().attendance.find()}
    assert after == before  # same documents, same server_time: a replay is a no-op
    assert_converged([engine.store], central_server.db(), set(keys))


@pytest.mark.parametrize("command", ["update", "insert"])
def test_failcommand_failpoint_mid_push(kiosk_cfg, central_server, command):
    """The server fails the 2nd write command (the first batch lands, the next is refused).

    Pushes are upserts, i.e. `update` commands; the `insert` failpoint is
    there to show a fault on a command we never send changes nothing.
    """
    if not central_server.in_process:
        pytest.skip("failpoints need a server with enableTestCommands")
    seed_central(Central.open(kiosk_cfg.mongo))
    engine = _engine(kiosk_cfg.replace("mongo", batch_size=10))
    keys = queue_checkins(engine.store, 35)
    client = central_server.client()
    client.admin.command("configureFailPoint", "failCommand", mode={"skip": 1, "times": 3},
                         data={"failCommands": [command], "errorCode": 2})
    first = engine.cycle()
    if command == "update":
        assert not first.complete and first.queued > 0 and "push failed" in first.error
    client.admin.command("configureFailPoint", "failCommand", mode="off")
    for _ in range(3):
        if engine.cycle().complete:
            break
    assert_converged([engine.store], central_server.db(), set(keys))


def test_connection_dropped_by_failpoint_beyond_the_driver_retry(kiosk_cfg, central_server):
    if not central_server.in_process:
        pytest.skip("failpoints need a server with enableTestCommands")
    seed_central(Central.open(kiosk_cfg.mongo))
    engine = _engine(kiosk_cfg.replace("mongo", batch_size=10))
    keys = queue_checkins(engine.store, 25)
    client = central_server.client()
    client.admin.command("configureFailPoint", "failCommand", mode={"skip": 1, "times": 4},
                         data={"failCommands": ["update"], "closeConnection": True})
    assert not engine.cycle().complete
    client.admin.command("configureFailPoint", "failCommand", mode="off")
    assert engine.cycle().complete
    assert_converged([engine.store], central_server.db(), set(keys))


def test_server_stopped_mid_sync_and_restarted(kiosk_cfg, central_server):
    if not central_server.in_process:
        pytest.skip("a shared mongod is not ours to stop")
    seed_central(Central.open(kiosk_cfg.mongo))
    engine = _engine(kiosk_cfg.replace("mongo", batch_size=10))
    keys = queue_checkins(engine.store, 45)
    stopped = []

    def stop_after_first_batch(sent: int) -> None:
        if not stopped:
            stopped.append(sent)
            central_server.stop()

    report = engine.cycle(after_batch=stop_after_first_batch)
    assert stopped and not report.complete and report.queued > 0
    assert engine.cycle().online is False  # still down: nothing lost locally
    central_server.start()
    for _ in range(3):  # the driver may need a moment to rediscover the server
        if engine.cycle().complete:
            break
    assert_converged([engine.store], central_server.db(), set(keys))


def test_two_kiosks_sync_at_once_and_the_earliest_check_in_wins(tmp_path, central_server):
    cfgs = [kiosk_config(tmp_path / door, central_server, door, batch_size=15) for door in ("door-1", "door-2")]
    seed_central(Central.open(cfgs[0].mongo))
    door1, door2 = open_store(cfgs[0]), open_store(cfgs[1])
    keys = queue_checkins(door1, 40, kiosk_id="door-1", sessions=2)
    # door-2 saw the same 40 people in the same sessions: the even ones 30 s earlier, the odd ones later.
    for week in range(2):
        door2.activate_session(session_info(start=T0 + timedelta(days=7 * week)))
    for session_id, person in keys:
        shift = -30 if int(person[1:]) % 2 == 0 else 30
        door2.record_attendance(AttendanceRow(session_id, person, "late",
                                              door1.first_check_in(session_id, person) + timedelta(seconds=shift),
                                              40.0, 0.7, "face", "door-2"))
    door1.close(), door2.close()
    done = []

    def run(cfg):  # each kiosk: its own thread, its own SQLite connection, its own client
        engine = _engine(cfg)
        try:
            for _ in range(5):
                if engine.cycle().complete:
                    done.append(cfg.kiosk.id)
                    return
        finally:
            engine.close()
            engine.store.close()

    threads = [threading.Thread(target=run, args=(cfg,)) for cfg in cfgs]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert sorted(done) == ["door-1", "door-2"]
    db = central_server.db()
    assert_converged([open_store(cfg) for cfg in cfgs], db, set(keys))
    for doc in db.attendance.find():
        even = int(doc["person_id"][1:]) % 2 == 0
        assert doc["kiosk_id"] == ("door-2" if even else "door-1")
        assert doc["status"] == ("late" if even else "present")
        assert sorted(doc["kiosks"]) == ["door-1", "door-2"]


def test_a_row_the_server_refuses_stays_queued_and_never_blocks_the_rest(kiosk_cfg, central_server):
    seed_central(Central.open(kiosk_cfg.mongo))
    db = central_server.db()
    db.command("collMod", "attendance", validator={"person_id": {"$ne": "p00003"}})  # an "odd" server rule
    engine = _engine(kiosk_cfg.replace("mongo", batch_size=4))
    keys = queue_checkins(engine.store, 20)
    report = engine.cycle()
    assert report.online and report.refused == 1 and "code 121" in report.error
    assert report.queued == 1  # only the refused check-in waits; the 19 after it went through
    [(attempts, error)] = engine.store.query("SELECT attempts, last_error FROM outbox")
    assert attempts == 1 and "121" in error
    assert engine.store.query("SELECT count(*) FROM attendance")[0][0] == 20  # nothing local is dropped
    db.command("collMod", "attendance", validator={})
    assert engine.cycle().complete
    assert_converged([engine.store], db, set(keys))
