"""`class`: add, list and remove classes; edit their rosters, or import one from the
school system's CSV export (people not enrolled yet are added awaiting enrolment)."""

from __future__ import annotations

import sys
from argparse import ArgumentTypeError
from pathlib import Path

from kiosk.cli.common import read_store, with_school
from kiosk.config import Config
from kiosk.enrolment.people_csv import read_people_csv, roster_entries
from kiosk.errors import UsageError
from kiosk.model import room_name


def register(commands) -> None:
    klass = commands.add_parser("class", help="add, list or remove classes and their rosters")
    class_cmds = klass.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = class_cmds.add_parser("add", help="add a class with its roster")
    add.add_argument("code")
    add.add_argument("--name", required=True)
    add.add_argument("--students", default="", help="comma-separated person ids")
    add.add_argument("--room", default="", type=room_argument, help="the room it meets in (case and spaces "
                     "do not matter: b12 and B12 are one room)")
    add.add_argument("--instructor", default=None, help="instructor's person id")
    add.set_defaults(handler=class_add)
    class_cmds.add_parser("list", help="list classes").set_defaults(handler=class_list)
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


def room_argument(text: str) -> str:
    """A room in its one form; one that is only spaces is a mistake, not 'no room'."""
    if text and not text.strip():
        raise ArgumentTypeError("a room name is empty after trimming spaces; leave --room out for no room")
    return room_name(text)


def class_add(args, cfg: Config) -> int:
    students = [s.strip() for s in args.students.split(",") if s.strip()]
    with_school(cfg, lambda school: school.add_class(args.code, args.name, students, args.room, args.instructor))
    print(f"class {args.code} added with {len(students)} student(s)")
    return 0


def class_list(args, cfg: Config) -> int:
    records = read_store(cfg, lambda s: s.class_records())
    for record in records:
        room = f" room {record.room}" if record.room else ""
        students = ", ".join(sorted(record.roster))
        print(f"{record.code}\t{record.name}{room}\t{len(record.roster)} student(s): {students}")
    if not records:
        print("no classes yet; add one with: class add CODE --name NAME --students ID,ID --room ROOM")
    return 0


def class_remove(args, cfg: Config) -> int:
    with_school(cfg, lambda school: school.remove_class(args.code))
    print(f"class {args.code} removed (its past attendance is kept)")
    return 0


def class_add_students(args, cfg: Config) -> int:
    ids = _ids(args.students)
    added = with_school(cfg, lambda school: school.add_students(args.code, ids))
    print(f"{len(added)} student(s) added to {args.code}" + (f": {', '.join(added)}" if added else ""))
    return 0


def class_remove_students(args, cfg: Config) -> int:
    ids = _ids(args.students)
    with_school(cfg, lambda school: school.remove_students(args.code, ids))
    print(f"{len(ids)} student(s) removed from {args.code}")
    return 0


def class_import_roster(args, cfg: Config) -> int:
    """Exit 0 when every row was good, 1 when some were rejected (the good ones are imported)."""
    entries = roster_entries(read_people_csv(args.csv, required=("id",)))
    report = with_school(cfg, lambda school: school.import_roster(args.code, entries, args.csv.name))
    for line, reason in sorted(report.bad):
        print(f"{args.csv.name} line {line}: {reason}", file=sys.stderr)
    for line, warning in report.warnings:
        print(f"{args.csv.name} line {line}: warning: {warning}", file=sys.stderr)
    awaiting = f" ({len(report.created)} new, awaiting enrolment)" if report.created else ""
    print(f"{args.code}: {len(report.added)} added{awaiting}, {len(report.already)} already on the roster, "
          f"{len(report.bad)} bad row(s) skipped")
    return 1 if report.bad else 0


def _ids(text: str) -> list[str]:
    ids = [s.strip() for s in text.split(",") if s.strip()]
    if not ids:
        raise UsageError("--students needs at least one person id")
    return ids
