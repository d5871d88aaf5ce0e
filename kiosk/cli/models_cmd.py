"""`models import PATH...` and `models fetch`: put the pinned model files (EdgeFace-S, the
MiniFASNet liveness model) into the installation's models folder, checked byte for byte.
`import` takes files brought by hand (offline installs); `fetch` downloads them (setup.sh)."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.models_fetch import FETCHES, fetch_command
from kiosk.config import Config
from kiosk.errors import ModelError


def register(commands) -> None:
    models = commands.add_parser("models", help="install model weights (EdgeFace-S, liveness) for this installation")
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="verify a weights file (sha256, loads, shapes) and install it")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.set_defaults(handler=import_command)
    fetch = sub.add_parser("fetch", help="download and install the pinned model files (setup.sh runs this); "
                                         "offline, say how to import them and exit 0")
    # No argparse `choices` here: with nargs="*" Python 3.11 checks the empty default against them.
    fetch.add_argument("models", nargs="*", metavar="MODEL", help=f"which: {', '.join(FETCHES)} (default: all)")
    fetch.add_argument("--timeout", type=float, default=5.0, metavar="S", help="network timeout (default 5 s)")
    fetch.set_defaults(handler=fetch_command)


def install_model_file(cfg: Config, path: Path, source: str = "") -> tuple[Path, dict]:
    """Verify and install one known model file, chosen by its name; ModelError otherwise."""
    from kiosk.liveness.minifasnet import MODELS
    from kiosk.liveness.models import install
    from kiosk.vision.onnx_embedders import PINNED_EMBEDDERS, install_file
    from kiosk.vision.weights import OPTIONAL

    embedder_files = [OPTIONAL[key].file for key in PINNED_EMBEDDERS]
    if Path(path).name in embedder_files:
        return install_file(path, source)
    if Path(path).name in {m.file for m in MODELS}:
        return install(cfg, path, source)
    known = ", ".join(embedder_files + [m.file for m in MODELS])
    if not Path(path).is_file():  # a typo in the path is not a question of which model it is
        what = "is a folder, not a file" if Path(path).is_dir() else "no such file"
        raise ModelError(f"{path}: {what}; give the path of one of {known}")
    raise ModelError(f"{path}: not a model file the kiosk knows; expected one of {known}")


def import_command(args, cfg: Config) -> int:
    from kiosk.cli.common import record as audit

    for path in args.paths:
        target, record = install_model_file(cfg, path)
        audit(cfg, "models_import", record["file"], f"sha256 {record['sha256']} from {record['source']}")
        print(f"installed {record['file']} -> {target} (sha256 {record['sha256'][:16]}…, "
              f"input {record['input']}, output {record['output']})")
    return 0
