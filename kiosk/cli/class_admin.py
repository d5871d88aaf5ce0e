"""More class, roster and schedule commands: remove, roster edits and CSV import,
removing a schedule, cancelling one meeting (a holiday)."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.common import iso_date, with_store
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store import roster_admin
from kiosk.store.cancellations import cancel_date, restore_date


def register_class(class_cmds) -> None:
    remove = class_cmds.add_parser("remove", help="remove a class, its roster and schedules (history stays)")
    remove.add_argument("code")
    remove.set_defaults(handler=class_remove)
    for name, handler, words in (("add-students", class_add_students, "add enrolled people to"),
                                 ("remove-students", class_remove_students, "remove people from")):
        edit = class_cmds.add_parser(name, help=f"{words} a class's roster")
        edit.add_argument("code")
        edit.add_argument("--students", required=True, help="comma-separated person ids")
        edit.set_defaults(handler=handler)
    imp = class_cmds.add_parser("import-roster", help="add the people in a CSV (id[,name] columns) to a roster")
    imp.add_argument("code")
    imp.add_argument("csv", type=Path)
    imp.set_defaults(handler=class_import_roster)


def register_schedule(sched_cmds) -> None:
    remove = sched_cmds.add_parser("remove", help="remove a schedule by its id (see 'schedule list')")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=schedule_remove)
    cancel = sched_cmds.add_parser("cancel-date", help="cancel one meeting of a class (e.g. a holiday)")
    cancel.add_argument("code", help="class code")
    cancel.add_argument("--date", required=True, type=iso_date, help="YYYY-MM-DD, the meeting's local date")
    cancel.add_argument("--reason", default="", help="shown in 'schedule list'")
    cancel.add_argument("--undo", action="store_true", help="restore a cancelled meeting")
    cancel.set_defaults(handler=schedule_cancel_date)


def class_remove(args, cfg: Config) -> int:
    with_store(cfg, lambda s: roster_admin.remove_class(s, args.code))
    print(f"class {args.code} removed (its past attendance is kept)")
    return 0


def class_add_students(args, cfg: Config) -> int:
    added = with_store(cfg, lambda s: roster_admin.add_students(s, args.code, _ids(args.students)))
    print(f"{len(added)} student(s) added to {args.code}" + (f": {', '.join(added)}" if added else ""))
    return 0


def class_remove_students(args, cfg: Config) -> int:
    ids = _ids(args.students)
    with_store(cfg, lambda s: roster_admin.remove_students(s, args.code, ids))
    print(f"{len(ids)} student(s) removed from {args.code}")
    return 0


def class_import_roster(args, cfg: Config) -> int:
    """Exit 0 when every row was good, 1 when some were rejected (the good ones are imported)."""
    try:
        content = args.csv.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {args.csv}: {getattr(err, 'strerror', None) or err}") from None
    report = with_store(cfg, lambda s: roster_admin.import_roster(s, args.code, content))
    for line, reason in report.bad:
        print(f"{args.csv.name} line {line}: {reason}")
    print(f"{args.code}: {len(report.added)} added, {len(report.already)} already on the roster, "
          f"{len(report.bad)} bad row(s) skipped")
    return 1 if report.bad else 0


def schedule_remove(args, cfg: Config) -> int:
    code = with_store(cfg, lambda s: roster_admin.remove_schedule(s, args.id))
    print(f"schedule {args.id} of {code} removed")
    return 0


def schedule_cancel_date(args, cfg: Config) -> int:
    if args.undo:
        with_store(cfg, lambda s: restore_date(s, args.code, args.date))
        print(f"{args.code} on {args.date} restored")
        return 0
    ids = with_store(cfg, lambda s: cancel_date(s, args.code, args.date, args.reason))
    print(f"{args.code} on {args.date} ({args.date:%A}) cancelled (schedule {', '.join(map(str, ids))})")
    return 0


def _ids(text: str) -> list[str]:
    ids = [s.strip() for s in text.split(",") if s.strip()]
    if not ids:
        raise UsageError("--students needs at least one person id")
    return ids
