"""Vision fixtures: real models, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import VisionSection
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline


@pytest.fixture(scope="session")
def faces_dir(shared: Path) -> Path:
    return shared / "face_recognition"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def sface_pipeline(models_dir: Path) -> FacePipeline:
    return FacePipeline(VisionSection(detector="yunet", embedder="sface"), models_dir)


@pytest.fixture(scope="session")
def dlib_pipeline(models_dir: Path) -> FacePipeline:
    return FacePipeline(VisionSection(detector="dlib", embedder="dlib"), models_dir)


@pytest.fixture(scope="session")
def photos(faces_dir: Path) -> dict:
    """The labelled photos most tests use, decoded once."""
    names = ["obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg"]
    return {name: load_image(faces_dir / name) for name in names}
