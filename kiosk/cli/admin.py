"""Admin commands: classes, schedules and attendance export."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli import class_admin, reports
from kiosk.cli.common import audited_admin, hhmm, iso_date, read_store, resolve_day, weekdays
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.model import Schedule, format_weekdays
from kiosk.sync import admin as central


def register(commands) -> None:
    klass = commands.add_parser("class", help="add, list or remove classes and their rosters")
    class_cmds = klass.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = class_cmds.add_parser("add", help="add a class with its roster")
    add.add_argument("code")
    add.add_argument("--name", required=True)
    add.add_argument("--students", default="", help="comma-separated person ids")
    add.add_argument("--room", default="")
    add.add_argument("--instructor", default=None, help="instructor's person id")
    add.set_defaults(handler=class_add)
    class_cmds.add_parser("list", help="list classes").set_defaults(handler=class_list)
    class_admin.register_class(class_cmds)  # remove, add-students, remove-students, import-roster

    sched = commands.add_parser("schedule", help="add, list, remove or cancel class meeting times")
    sched_cmds = sched.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sched_cmds.add_parser("add", help="add a one-off or weekly meeting time")
    add.add_argument("code", help="class code")
    add.add_argument("--start", required=True, type=hhmm, help="HH:MM")
    add.add_argument("--end", required=True, type=hhmm, help="HH:MM")
    when = add.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=iso_date, help="YYYY-MM-DD, one meeting")
    when.add_argument("--days", type=weekdays, help="weekly, e.g. mon,wed")
    add.add_argument("--timezone", default="", help="IANA zone (default: the kiosk's)")
    add.set_defaults(handler=schedule_add)
    sched_cmds.add_parser("list", help="list schedules").set_defaults(handler=schedule_list)
    class_admin.register_schedule(sched_cmds)  # remove, cancel-date

    att = commands.add_parser("attendance", help="export attendance, or chart it")
    att_cmds = att.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = att_cmds.add_parser("export", help="write attendance as CSV (stdout or --out) or XLSX (--out)")
    export.add_argument("--date", type=iso_date,
                        help="only sessions on this local date: YYYY-MM-DD, today or yesterday")
    export.add_argument("--class", dest="class_code", help="only this class")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out", type=Path, help="file to write (required for xlsx)")
    export.set_defaults(handler=reports.attendance_export)
    reports.register(att_cmds)  # report


def class_add(args, cfg: Config) -> int:
    students = [s.strip() for s in args.students.split(",") if s.strip()]
    audited_admin(  # with mongo.uri: written centrally, then pulled here (kiosk/sync/admin.py)
        cfg, "class_add", args.code,
        lambda c: central.add_class(c, args.code, args.name, students, args.room, args.instructor),
        lambda s: s.add_class(args.code, args.name, students, args.room, args.instructor),
        lambda _: f"{args.name!r}, room {args.room or '-'}, {len(students)} student(s)")
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


def schedule_add(args, cfg: Config) -> int:
    tz = args.timezone or local_zone_name(cfg.kiosk.timezone)
    try:
        ZoneInfo(tz)
    except (KeyError, ValueError):
        raise UsageError(f"--timezone {tz!r} is not an IANA zone name such as Europe/London") from None
    if args.end <= args.start:
        raise UsageError(f"--end {args.end:%H:%M} must be after --start {args.start:%H:%M}")
    on_date = resolve_day(args.date, ZoneInfo(tz))
    schedule = Schedule(args.code, args.start, args.end, tz, on_date=on_date, weekdays=args.days)
    schedule_id = audited_admin(cfg, "schedule_add", args.code, lambda c: central.add_schedule(c, schedule),
                                lambda s: s.add_schedule(schedule),
                                lambda sid: f"schedule {sid}: {args.start:%H:%M}-{args.end:%H:%M} {_when(schedule)}")
    print(f"schedule {schedule_id} added: {args.code} {args.start:%H:%M}-{args.end:%H:%M} {_when(schedule)}")
    if on_date is not None and datetime.combine(on_date, args.end, ZoneInfo(tz)) <= datetime.now(ZoneInfo(tz)):
        print(f"warning: {on_date} {args.end:%H:%M} has already passed, so this meeting will never open; "
              f"remove it with 'schedule remove {schedule_id}' if the date is wrong", file=sys.stderr)
    return 0


def schedule_list(args, cfg: Config) -> int:
    schedules = read_store(cfg, lambda store: store.schedules())
    for s in schedules:
        cancelled = f"\tcancelled: {', '.join(map(str, sorted(s.cancelled)))}" if s.cancelled else ""
        print(f"{s.id}\t{s.class_code}\t{s.start:%H:%M}-{s.end:%H:%M}\t{_when(s)}{cancelled}")
    if not schedules:
        print("no schedules yet; add one with: schedule add CODE --start HH:MM --end HH:MM --days mon,wed")
    return 0


def _when(schedule: Schedule) -> str:
    if schedule.on_date:
        return f"on {schedule.on_date} ({schedule.timezone})"
    return f"every {format_weekdays(schedule.weekdays)} ({schedule.timezone})"
