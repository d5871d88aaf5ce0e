"""A school enrolled with SFace, upgraded to a version whose default is EdgeFace-S (installed by
setup.sh): every student is still recognised, on SFace, until their EdgeFace vectors are added from
the original photos; doctor says how many lack them and what to run; `--add-missing-models` adds
them (idempotently, nothing else changes) and the kiosk then recognises with EdgeFace-S. Real
models, the shared photos and the Hamilton clip, a real SQLite file."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.messages import screen as msg
from kiosk.model import Frame, Status
from kiosk.recognition.worker import RecognitionWorker
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.embeddings import model_coverage, people_lacking
from kiosk.store.sqlite_store import SqliteStore
from kiosk.ui.text import notice
from tests.lanes_support import OutboxSpy
from tests.recognition.test_worker import clip_frames
from tests.test_end_to_end import midday_zone

PEOPLE = {"lin": ("Lin-Manuel Miranda", "lin-manuel-miranda.png"), "obama": ("Barack Obama", "obama.jpg"),
          "alex": ("Alex Lacamoire", "alex-lacamoire.png"), "biden": ("Joe Biden", "biden.jpg")}
# Other photos of them than the enrolled ones: each must still be named.
PROBES = {"obama": "test_images/obama2.jpg", "alex": "knn_examples/test/alex_lacamoire1.jpg",
          "biden": "knn_examples/train/biden/biden.jpg", "lin": "lin-manuel-miranda.png"}


@pytest.fixture
def sface_school(cli, shared, data_dir, tmp_path, monkeypatch):
    """Enrolled before EdgeFace-S was installed (so with SFace vectors only), then upgraded: the
    file is installed and the config is the default one (edgeface-s). Returns the photo folder."""
    zone = midday_zone()
    monkeypatch.setenv("KIOSK_TIMEZONE", zone)
    photos = tmp_path / "photos"
    for pid, (name, photo) in PEOPLE.items():
        (photos / pid).mkdir(parents=True)
        (photos / pid / photo).symlink_to(shared / "face_recognition" / photo)
        assert cli("enroll", "--id", pid, "--name", name, str(shared / "face_recognition" / photo))[0] == 0
    assert cli("class", "add", "HAM", "--name", "Hamilton", "--students", ",".join(PEOPLE))[0] == 0
    now = datetime.now(ZoneInfo(zone))
    assert cli("schedule", "add", "HAM", "--start", f"{now - timedelta(minutes=1):%H:%M}",
               "--end", f"{now + timedelta(minutes=60):%H:%M}", "--date", f"{now:%Y-%m-%d}")[0] == 0
    store = SqliteStore.in_dir(data_dir)
    assert model_coverage(store).by_model == {"sface": 4}
    store.close()
    return photos


def default(cli, *argv):
    """The CLI with the shipped config (vision.embedder = "edgeface-s")."""
    from kiosk.config import PROJECT_ROOT

    return cli("--config", str(PROJECT_ROOT / "config" / "kiosk.toml"), *argv)


def checked_in(data_dir, shared) -> tuple[RecognitionWorker, list, int | None]:
    """A kiosk on the default config, fed the Hamilton clip's cut to Lin-Manuel: (worker, what it
    sent, the frame of his check-in)."""
    zone = midday_zone()
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "kiosk": {"timezone": zone},
                            "liveness": {"enabled": False}})
    outbox = OutboxSpy("recognition")
    worker = RecognitionWorker(cfg, None, lambda: SqliteStore.in_dir(data_dir), system_clock(zone), outbox,
                               threading.Event())
    worker.load()
    SessionScheduler(worker.store, cfg, system_clock(zone), outbox.send).tick()
    at, sent = None, outbox.sent()
    for index, image in clip_frames(shared):
        worker.process(Frame(image, 1000.0 + index / 30, index))
        sent += outbox.sent()
        if at is None and any(isinstance(e, msg.CheckInPosted) and e.checkin.status is Status.PRESENT for e in sent):
            at = index
    return worker, sent, at


def identified(default_cli, shared) -> dict[str, str | None]:
    code, out, err = default_cli("identify", *(str(shared / "face_recognition" / p) for p in PROBES.values()))
    assert code == 0, err
    found = [json.loads(line) for line in out.splitlines()]
    return {pid: next(f["person_id"] for f in found if f["image"].endswith(photo)) for pid, photo in PROBES.items()}


def test_an_sface_school_keeps_working_and_doctor_says_what_to_run(sface_school, installed_edgeface, cli, shared,
                                                                    data_dir):
    code, out, _ = default(cli, "doctor", "--skip-camera")
    gallery = next(line for line in out.splitlines() if line.split()[1] == "gallery")
    assert code == 0 and gallery.startswith("warn ")
    assert "4 of 4 enrolled people have no edgeface-s vector" in gallery and "recognises everyone with sface" in gallery
    assert "enroll --from-dir PHOTOS --add-missing-models" in gallery
    assert identified(lambda *a: default(cli, *a), shared) == {pid: pid for pid in PROBES}  # on SFace, said on stderr

    worker, sent, at = checked_in(data_dir, shared)
    try:
        assert worker.pipeline.model == "sface" and worker.configured.embedder == "edgeface-s"
        (partial,) = [m for m in sent if isinstance(m, msg.Notice) and m.reason == msg.GALLERY_PARTIAL]
        assert notice(partial) == ("4 enrolled people have no edgeface-s face vector yet (ask IT): recognising "
                                   "with sface", "warning")
        assert at is not None  # Lin-Manuel, checked in from his SFace vector
    finally:
        worker.close()


def test_add_missing_models_gives_everyone_edgeface_once_and_the_kiosk_then_runs_it(
        sface_school, installed_edgeface, cli, shared, data_dir):
    code, out, err = default(cli, "enroll", "--from-dir", str(sface_school), "--add-missing-models")
    assert code == 0, err
    assert out.splitlines()[0] == "face models installed: edgeface-s, sface; adding the vectors people lack"
    assert all(f"{pid}: added 1 edgeface-s vector(s)" in out for pid in PEOPLE)
    store = SqliteStore.in_dir(data_dir)
    assert model_coverage(store).by_model == {"edgeface-s": 4, "sface": 4} and people_lacking(store, "edgeface-s") == []
    assert store.person("lin").name == "Lin-Manuel Miranda" and store.embedding_counts("sface") == dict.fromkeys(
        PEOPLE, 1)  # nothing else changed
    store.close()

    code, again, _ = default(cli, "enroll", "--from-dir", str(sface_school), "--add-missing-models")
    assert code == 0 and "added" not in again and again.count("has a vector for every installed model") == 4
    assert default(cli, "doctor", "--skip-camera")[1].count("every one has a vector for edgeface-s") == 1
    assert identified(lambda *a: default(cli, *a), shared) == {pid: pid for pid in PROBES}

    worker, sent, at = checked_in(data_dir, shared)
    try:
        assert worker.pipeline.model == "edgeface-s"
        assert not [m for m in sent if isinstance(m, msg.Notice) and m.reason == msg.GALLERY_PARTIAL]
        assert at is not None
    finally:
        worker.close()


def test_a_photo_of_someone_else_adds_nothing(sface_school, installed_edgeface, cli, shared, data_dir):
    (sface_school / "lin" / "lin-manuel-miranda.png").unlink()
    (sface_school / "lin" / "obama.jpg").symlink_to(shared / "face_recognition" / "obama.jpg")
    code, out, err = default(cli, "enroll", "--from-dir", str(sface_school), "--add-missing-models")
    assert code == 1 and "rejected lin: obama.jpg does not look like lin as enrolled" in err
    store = SqliteStore.in_dir(data_dir)
    assert people_lacking(store, "edgeface-s") == ["lin"]
    store.close()


def test_a_kiosk_switches_model_when_the_missing_vectors_arrive(sface_school, installed_edgeface, cli, shared,
                                                                 data_dir):
    worker, _, _ = checked_in(data_dir, shared)
    try:
        assert worker.pipeline.model == "sface"
        assert default(cli, "enroll", "--from-dir", str(sface_school), "--add-missing-models")[0] == 0
        worker.identifier.reload_soon()
        worker._process_safely(Frame(next(clip_frames(shared))[1], 2000.0, 0))
        assert worker.pipeline.model == "edgeface-s" and worker.cfg.vision.embedder == "edgeface-s"
        assert len(worker.identifier.gallery) == 4 and worker.identifier.gallery.dim == 512
    finally:
        worker.close()
