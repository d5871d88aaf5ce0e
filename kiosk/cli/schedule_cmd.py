"""`schedule`: one-off or weekly meeting times of a class, timezone-aware; remove one,
or cancel one meeting (a holiday)."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.cli.common import hhmm, iso_date, read_store, resolve_day, weekdays, with_school
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.model import Schedule, format_weekdays


def register(commands) -> None:
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
    remove = sched_cmds.add_parser("remove", help="remove a schedule by its id (see 'schedule list')")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=schedule_remove)
    cancel = sched_cmds.add_parser("cancel-date", help="cancel one meeting of a class (e.g. a holiday)")
    cancel.add_argument("code", help="class code")
    cancel.add_argument("--date", required=True, type=iso_date, help="YYYY-MM-DD, the meeting's local date")
    cancel.add_argument("--until", type=iso_date, help="YYYY-MM-DD: every meeting up to this date too (a term break)")
    cancel.add_argument("--reason", default="", help="shown in 'schedule list'")
    cancel.add_argument("--undo", action="store_true", help="restore a cancelled meeting")
    cancel.set_defaults(handler=schedule_cancel_date)


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
    schedule_id = with_school(cfg, lambda school: school.add_schedule(schedule))
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


def schedule_remove(args, cfg: Config) -> int:
    code = with_school(cfg, lambda school: school.remove_schedule(args.id))
    print(f"schedule {args.id} of {code} removed")
    return 0


def schedule_cancel_date(args, cfg: Config) -> int:
    """One meeting (a holiday), or every meeting from --date to --until (a term break)."""
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    first = resolve_day(args.date, tz)
    last = resolve_day(args.until, tz) if args.until else first
    if last < first:
        raise UsageError(f"--until {last} is before --date {first}")
    if (last - first).days > 400:
        raise UsageError("a cancelled span is at most 400 days; cancel a longer one in parts, or remove the schedule")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    count = with_school(cfg, lambda school: school.cancel_dates(args.code, days, args.reason, cancel=not args.undo))
    span = f"on {first} ({first:%A})" if first == last else f"from {first} to {last}"
    print(f"{args.code} {span}: {count} meeting(s) {'restored' if args.undo else 'cancelled'}")
    return 0


def _when(schedule: Schedule) -> str:
    if schedule.on_date:
        return f"on {schedule.on_date} ({schedule.timezone})"
    return f"every {format_weekdays(schedule.weekdays)} ({schedule.timezone})"
