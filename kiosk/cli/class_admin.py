"""More class, roster and schedule commands: remove, roster edits and CSV import,
removing a schedule, cancelling one meeting (a holiday)."""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.common import audited, audited_admin, iso_date, resolve_day
from kiosk.cli.people_csv import read_people_csv
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.enrolment.rules import person_id_problem
from kiosk.errors import UsageError
from kiosk.store import roster_admin
from kiosk.store.cancellations import cancel_date, restore_date
from kiosk.sync import admin as central


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
    imp = class_cmds.add_parser("import-roster", help="add the people in a CSV (id and name columns) to a roster; "
                                                      "people not enrolled yet are added awaiting enrolment")
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
    audited(cfg, "class_remove", args.code, lambda s: roster_admin.remove_class(s, args.code))
    print(f"class {args.code} removed (its past attendance is kept)")
    return 0


def class_add_students(args, cfg: Config) -> int:
    ids = _ids(args.students)
    added = audited(cfg, "roster_add", args.code, lambda s: roster_admin.add_students(s, args.code, ids),
                    lambda new: ", ".join(new) or "none new")
    print(f"{len(added)} student(s) added to {args.code}" + (f": {', '.join(added)}" if added else ""))
    return 0


def class_remove_students(args, cfg: Config) -> int:
    ids = _ids(args.students)
    audited(cfg, "roster_remove", args.code, lambda s: roster_admin.remove_students(s, args.code, ids),
            lambda _: ", ".join(ids))
    print(f"{len(ids)} student(s) removed from {args.code}")
    return 0


def class_import_roster(args, cfg: Config) -> int:
    """Exit 0 when every row was good, 1 when some were rejected (the good ones are imported)."""
    table = read_people_csv(args.csv, required=("id",))
    entries, bad = [], list(table.bad)
    for row in table.rows:
        problem = person_id_problem(row.get("id")) if row.get("id") else None
        if problem:
            bad.append((row.line, f"{row.get('id')!r}: {problem}"))
        else:
            entries.append(roster_admin.RosterEntry(row.line, row.get("id"), row.get("name")))
    report = audited_admin(  # with mongo.uri: imported centrally, then pulled here
        cfg, "roster_import", args.code, lambda c: central.import_roster(c, args.code, entries),
        lambda s: roster_admin.import_roster(s, args.code, entries),
        lambda r: f"{args.csv.name}: {len(r.added)} added ({len(r.created)} awaiting enrolment), "
                  f"{len(r.already)} already, {len(r.bad) + len(bad)} bad")
    bad += report.bad
    for line, reason in sorted(bad):
        print(f"{args.csv.name} line {line}: {reason}", file=sys.stderr)
    for line, warning in report.warnings:
        print(f"{args.csv.name} line {line}: warning: {warning}", file=sys.stderr)
    awaiting = f" ({len(report.created)} new, awaiting enrolment)" if report.created else ""
    print(f"{args.code}: {len(report.added)} added{awaiting}, {len(report.already)} already on the roster, "
          f"{len(bad)} bad row(s) skipped")
    return 1 if bad else 0


def schedule_remove(args, cfg: Config) -> int:
    code = audited(cfg, "schedule_remove", str(args.id), lambda s: roster_admin.remove_schedule(s, args.id),
                   lambda c: f"schedule {args.id} of {c}")
    print(f"schedule {args.id} of {code} removed")
    return 0


def schedule_cancel_date(args, cfg: Config) -> int:
    day = resolve_day(args.date, ZoneInfo(local_zone_name(cfg.kiosk.timezone)))
    if args.undo:
        audited(cfg, "schedule_restore", args.code, lambda s: restore_date(s, args.code, day), lambda _: str(day))
        print(f"{args.code} on {day} restored")
        return 0
    ids = audited(cfg, "schedule_cancel", args.code, lambda s: cancel_date(s, args.code, day, args.reason),
                  lambda found: f"{day} (schedule {', '.join(map(str, found))}) {args.reason}".strip())
    print(f"{args.code} on {day} ({day:%A}) cancelled (schedule {', '.join(map(str, ids))})")
    return 0


def _ids(text: str) -> list[str]:
    ids = [s.strip() for s in text.split(",") if s.strip()]
    if not ids:
        raise UsageError("--students needs at least one person id")
    return ids
