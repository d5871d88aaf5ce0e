"""Fixtures for the enrolment tests: real embeddings of the shared photos, a real SQLite file."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.config import Config
from kiosk.store.sqlite_store import SqliteStore

PHOTOS = {"obama": "obama.jpg", "obama2": "obama2.jpg", "biden": "biden.jpg", "lin": "lin-manuel-miranda.png",
          "alex": "alex-lacamoire.png"}


@pytest.fixture(scope="session")
def faces(shared, tmp_path_factory) -> dict[str, np.ndarray]:
    """One embedding per shared photo, through the same gates as `main.py enroll`."""
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().vision, tmp_path_factory.mktemp("models"))
    folder = shared / "face_recognition"
    return {key: pipeline.enrolment_face(load_image(folder / name), name).vector for key, name in PHOTOS.items()}


@pytest.fixture
def cfg(data_dir) -> Config:
    return Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7")


@pytest.fixture
def store(cfg):
    store = SqliteStore.in_dir(cfg.data_dir)
    yield store
    store.close()
