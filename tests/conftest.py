"""Shared fixtures: where the shared test data lives, a headless SDL, the real embeddings of
the shared photos (`faces`), and a kiosk config with its real SQLite file (`cfg`, `store`).

`faces` and `cfg` are on SFace, which ships inside a package, so every checkout runs the same
tests; the EdgeFace default (installed by setup.sh) has tests of its own that take the real file
(`edgeface_onnx`, `installed_edgeface`) and are skipped without it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import Config

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KIOSK_SHARED_DATA", REPO.parent / "shared" / "data"))
# Where this checkout's setup.sh installed the model files no package carries (EdgeFace-S): tests
# that need the real file read it from here. Every test runs with an empty installation folder of
# its own (isolated_models below), so what is installed never changes what a test sees.
INSTALLED_MODELS = Path(os.environ.get("KIOSK_MODELS_DIR") or REPO / "models")
EDGEFACE_FILE = "edgeface_s_gamma_05.onnx"


@pytest.fixture(autouse=True)
def isolated_models(tmp_path_factory, monkeypatch) -> Path:
    """An empty installation-wide models folder (KIOSK_MODELS_DIR) for each test."""
    folder = tmp_path_factory.mktemp("installed-models")
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def edgeface_onnx() -> Path:
    """The real EdgeFace-S file as setup.sh installs it (skip when this checkout has none)."""
    for folder in (INSTALLED_MODELS, REPO / "data" / "models"):
        if (folder / EDGEFACE_FILE).is_file():
            return folder / EDGEFACE_FILE
    pytest.skip(f"{EDGEFACE_FILE} not installed in {INSTALLED_MODELS} (./setup.sh or main.py models fetch)")


@pytest.fixture
def installed_edgeface(isolated_models, edgeface_onnx) -> Path:
    """This test's installation has EdgeFace-S in its models folder, as setup.sh leaves it."""
    (isolated_models / EDGEFACE_FILE).symlink_to(edgeface_onnx)
    return isolated_models / EDGEFACE_FILE


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared test data not found at {SHARED}")
    return SHARED


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def cli(data_dir, capsys, monkeypatch, tmp_path):
    """The CLI in-process through main(): cli(*argv, stdin=None) -> (exit code, stdout, stderr).
    On SFace, like `cfg`, unless the test gives a --config of its own."""
    from kiosk.cli.main import main  # imported late: conftest must not load the kiosk before env setup

    sface = tmp_path / "sface.toml"
    sface.write_text('[vision]\nembedder = "sface"\n')

    def run(*argv, stdin: str | None = None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        config = [] if "--config" in argv else ["--config", str(sface)]
        code = main([*config, "--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


PHOTOS = {"obama": "obama.jpg", "obama2": "obama2.jpg", "biden": "biden.jpg", "lin": "lin-manuel-miranda.png",
          "alex": "alex-lacamoire.png"}


@pytest.fixture(scope="session")
def faces(shared, tmp_path_factory) -> dict[str, np.ndarray]:
    """One SFace embedding per shared photo, through the same gates as `main.py enroll`."""
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().replace("vision", embedder="sface").vision, tmp_path_factory.mktemp("models"))
    folder = shared / "face_recognition"
    return {key: pipeline.enrolment_face(load_image(folder / name), name).vector for key, name in PHOTOS.items()}


@pytest.fixture
def cfg(data_dir) -> Config:
    """A kiosk's config on its own data folder, on SFace like `faces` (packages with more to set
    define their own)."""
    return Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7").replace(
        "vision", embedder="sface")


@pytest.fixture
def store(cfg):
    """A real SQLite file in that folder."""
    from kiosk.store.sqlite_store import SqliteStore

    store = SqliteStore.in_dir(cfg.data_dir)
    yield store
    store.close()


@pytest.fixture(scope="session")
def private_mounts() -> None:
    """Tests that mount a tmpfs or a read-only bind in their own user and mount namespace
    (`unshare -rm`) are skipped where the kernel or container does not allow one."""
    import shutil
    import subprocess

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("unshare -rm (a user and mount namespace) is not available here")
