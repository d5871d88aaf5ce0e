"""Door attempts in the store: kept with their picture (0600), purged after the retention period and
erased with the person, pictures from disk and rows from the database alike."""

import os
import stat
from datetime import timedelta

import pytest

from kiosk.config import Config
from kiosk.scheduler.thread import SchedulerThread
from kiosk.store import attempts as stored
from kiosk.store.privacy import erase_person
from kiosk.store.sqlite_store import SqliteStore
from tests.attempts_support import NOW, add_attempt, school


@pytest.fixture
def setup(data_dir, faces):
    store = SqliteStore.in_dir(data_dir)
    sid = school(store, faces)
    yield store, sid
    store.close()


def _rows(store) -> tuple[int, int, int]:
    return tuple(store.query(f"SELECT count(*) FROM {t}")[0][0]
                 for t in ("attempts", "attempt_candidates", "attempt_embeddings"))


def test_an_attempt_keeps_its_picture_readable_by_the_kiosk_only(setup, faces):
    store, sid = setup
    attempt_id = add_attempt(store, sid, faces["obama2"], candidates=(("obama", 0.41), ("biden", 0.2)))
    found = stored.attempt(store, attempt_id)
    path = stored.crop_path(store, found.crop)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and path.parent == data_dir_of(store) / "door_attempts"
    assert [(c.person_id, c.name) for c in found.candidates] == [("obama", "Barack Obama"), ("biden", "Joe Biden")]
    assert (found.session_id, found.class_code, found.pending) == (sid, "CS101", True)
    assert stored.crop_path(store, "../kiosk.db") is None  # only names this module gave


def data_dir_of(store):
    return store.path.parent


def test_retention_removes_old_attempts_rows_and_pictures(setup, faces, data_dir):
    store, sid = setup
    old = add_attempt(store, sid, faces["obama2"], at=NOW - timedelta(days=8))
    new = add_attempt(store, sid, faces["alex"], at=NOW - timedelta(days=1))
    old_picture = stored.crop_path(store, stored.attempt(store, old).crop)
    orphan = stored.attempts_dir(store) / "20200101T000000000000-0badf00d.jpg"  # a crash before its row
    orphan.write_bytes(b"jpeg")
    os.utime(orphan, (0, 0))
    assert stored.purge_attempts(store, NOW, 7) == 1
    assert stored.attempt(store, old) is None and stored.attempt(store, new) is not None
    assert not old_picture.exists() and not orphan.exists()
    assert _rows(store) == (1, 1, 1)
    assert [p.name for p in stored.attempts_dir(store).iterdir()] == [stored.attempt(store, new).crop]


def test_the_scheduler_purges_attempts_daily(setup, faces, data_dir):
    store, sid = setup
    add_attempt(store, sid, faces["obama2"], at=NOW - timedelta(days=3))
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("privacy", attempt_retention_days=2).replace(
        "vision", embedder="sface")
    SchedulerThread(cfg, lambda: store, lambda: NOW, None, None)._purge_old_rows(store)
    assert _rows(store) == (0, 0, 0) and list(stored.attempts_dir(store).iterdir()) == []


def test_erasing_a_person_removes_the_attempts_that_are_or_may_be_them(setup, faces):
    store, sid = setup
    theirs = add_attempt(store, sid, faces["obama2"], candidates=(("obama", 0.41),))
    maybe = add_attempt(store, sid, faces["obama2"], candidates=(("lin", 0.3), ("obama", 0.25)))
    other = add_attempt(store, sid, faces["alex"], candidates=(("lin", 0.3),))
    pictures = [stored.crop_path(store, stored.attempt(store, i).crop) for i in (theirs, maybe, other)]
    removed = erase_person(store, "obama", "cli:admin")
    assert removed["attempts"] == 2
    assert [stored.attempt(store, i) is None for i in (theirs, maybe, other)] == [True, True, False]
    assert [p.exists() for p in pictures] == [False, False, True]
    assert _rows(store) == (1, 1, 1)
