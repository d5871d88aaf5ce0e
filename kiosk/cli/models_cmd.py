"""`models import PATH...`: verify a liveness weights file and install it into the data directory."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config


def register(commands) -> None:
    models = commands.add_parser("models", help="install model weights (liveness) into the data directory")
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="verify a weights file (loads, shapes, sha256) and install it")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.set_defaults(handler=import_command)


def import_command(args, cfg: Config) -> int:
    from kiosk.liveness.models import install

    from kiosk.cli.common import record as audit

    for path in args.paths:
        target, record = install(cfg, path)
        audit(cfg, "models_import", record["file"], f"sha256 {record['sha256']} from {record['source']}")
        print(f"installed {record['file']} -> {target} (sha256 {record['sha256'][:16]}…, "
              f"input {record['input']}, output {record['output']})")
    return 0
