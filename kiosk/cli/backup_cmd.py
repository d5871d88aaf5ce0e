"""`backup DEST` and `restore SRC`: a consistent copy of the database (the kiosk may be
running), and putting a checked copy back (the kiosk must be stopped). See docs/BACKUP.md."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from kiosk.cli.common import cli_actor, read_store
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store.backup import backup_to, restore_from, rotate


def register(commands) -> None:
    backup = commands.add_parser("backup", help="copy the database (safe while the kiosk runs) with its ledger head")
    backup.add_argument("dest", type=Path, help="a folder (a dated kiosk-*.db is written there) or a file name")
    backup.add_argument("--keep", type=int, metavar="N", help="in a folder, keep only the newest N backups")
    backup.add_argument("--overwrite", action="store_true",
                        help="replace DEST if it is an earlier backup (any other existing file is never replaced)")
    backup.set_defaults(handler=backup_command)
    restore = commands.add_parser("restore", help="check a backup, then put it in place of the database")
    restore.add_argument("source", type=Path, help="a file written by 'backup'")
    restore.set_defaults(handler=restore_command)


def backup_command(args, cfg: Config) -> int:
    if args.keep is not None and args.keep < 1:
        raise UsageError("backup: --keep must be at least 1")
    dest: Path = args.dest
    folder = dest if dest.is_dir() or str(dest).endswith("/") else None
    if folder is not None:
        dest = folder / f"kiosk-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.db"
    elif args.keep is not None:
        raise UsageError("backup: --keep needs a folder as DEST")
    if not dest.parent.is_dir():
        raise UsageError(f"backup: no such folder {dest.parent}")
    # A dated name in a folder is this command's own: a second backup within the same second replaces it.
    overwrite = args.overwrite or folder is not None
    facts = read_store(cfg, lambda store: backup_to(store, dest, overwrite))
    print(f"backup: {facts.path} ({facts.ledger_entries} ledger entries, head {facts.last_id}; integrity ok)")
    if folder is not None and args.keep:
        for old in rotate(folder, args.keep):
            print(f"backup: removed old backup {old.name}")
    return 0


def restore_command(args, cfg: Config) -> int:
    source: Path = args.source
    if not source.is_file():
        raise UsageError(f"restore: no such backup file: {source}")
    if source.resolve() == (cfg.data_dir / "kiosk.db").resolve():
        raise UsageError("restore: that is the database itself; give a backup file")
    facts, aside = restore_from(cfg.data_dir, source, cfg.kiosk.id, cli_actor())
    moved = f"; the old database is kept as {aside}" if aside else ""
    print(f"restore: {facts.path} now holds {source} ({facts.ledger_entries} ledger entries, checked){moved}")
    print("restore: start the kiosk again (sudo systemctl start attendance-kiosk)")
    return 0
