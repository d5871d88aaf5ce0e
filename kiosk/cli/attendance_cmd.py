"""`attendance export` (CSV or XLSX), `attendance mark` (the register without a kiosk) and
`attendance report` (a chart per session plus a per-student summary). The rows, the
summary, the files and the chart are kiosk/reports/, which the staff web view shares; a
mark goes through the one manual-mark routine (kiosk/staff/marks.py, register.py)."""

from __future__ import annotations

import errno
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.common import cli_actor, hhmm, iso_date, read_store, resolve_day
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.model import STATUSES
from kiosk.reports.files import cannot_write, csv_to, excel_mark, write_csv, write_xlsx
from kiosk.reports.rows import stored_export_rows
from kiosk.reports.summary import should_reenrol, student_table, tally
from kiosk.store.sqlite_store import Person, SqliteStore

FORMATS = ("csv", "xlsx", "oneroster-csv", "edfi-json")
SUFFIXES = {"csv": "csv", "xlsx": "xlsx", "oneroster-csv": "csv", "edfi-json": "json"}  # a format's file suffix
BY_SUFFIX = {"csv": "csv", "xlsx": "xlsx", "json": "edfi-json"}  # .csv stays csv unless --format says otherwise


def register(commands) -> None:
    att = commands.add_parser("attendance", help="export attendance, or chart it")
    att_cmds = att.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = att_cmds.add_parser("export", help="write attendance as CSV (stdout or --out) or XLSX (--out)")
    export.add_argument("--date", type=iso_date,
                        help="only sessions on this local date: YYYY-MM-DD, today or yesterday")
    export.add_argument("--class", dest="class_code", help="only this class")
    export.add_argument("--format", choices=FORMATS, help="default: the --out file's suffix, else csv; "
                        "oneroster-csv and edfi-json key rows by OneRoster sourcedIds, with Ed-Fi's categories")
    export.add_argument("--out", type=Path, help="file to write (required for xlsx)")
    export.add_argument("--excel", action="store_true", help="CSV with a UTF-8 byte-order mark, for Excel")
    export.set_defaults(handler=attendance_export)
    mark = att_cmds.add_parser("mark", help="mark a student for a class's meeting, with or without a kiosk")
    mark.add_argument("--class", dest="class_code", required=True)
    mark.add_argument("--date", type=iso_date, required=True, help="YYYY-MM-DD, today or yesterday")
    mark.add_argument("--start", type=hhmm, help="HH:MM, when the class meets more than once that day")
    mark.add_argument("--person", required=True, help="the student's id")
    mark.add_argument("--status", required=True, choices=STATUSES)
    mark.add_argument("--reason", default="", help="why (needed for excused, and to undo a check-in)")
    mark.set_defaults(handler=attendance_mark)
    report = att_cmds.add_parser("report", help="chart of attendance per session, and a per-student summary")
    report.add_argument("--class", dest="class_code", required=True)
    report.add_argument("--out", type=Path, required=True, help="PNG file: the chart and the per-student table")
    report.set_defaults(handler=attendance_report)


def export_format(chosen: str | None, out: Path | None) -> str:
    """--format, else the --out file's suffix, else csv; a suffix that disagrees is an error."""
    suffix = out.suffix.lower().lstrip(".") if out else ""
    if out and out.is_dir():  # said as the writer would, before the folder's missing suffix misleads
        raise UsageError(cannot_write(out, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))))
    if chosen and suffix in BY_SUFFIX and suffix != SUFFIXES[chosen]:
        raise UsageError(f"--out {out} ends in .{suffix} but --format is {chosen}: make them agree")
    if chosen:
        return chosen
    if out and suffix not in BY_SUFFIX:
        raise UsageError(f"--out {out}: say --format csv or xlsx (or {', '.join(FORMATS[2:])}), or end the "
                         "name in " + " or ".join(f".{s}" for s in BY_SUFFIX))
    return BY_SUFFIX.get(suffix, "csv")


def attendance_export(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    kind = export_format(args.format, args.out)
    if kind == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    day = resolve_day(args.date, tz)
    rows = read_store(cfg, lambda s: stored_export_rows(s, day, args.class_code, tz))
    left_out = 0
    if kind in ("oneroster-csv", "edfi-json"):
        left_out = _interchange_export(cfg, kind, rows, args.out, args.excel)
    elif kind == "xlsx":
        write_xlsx(args.out, rows, zone=tz.key)
    elif args.out:
        write_csv(args.out, rows, excel=args.excel)
    else:
        csv_to(_stdout(args.excel), rows, excel=args.excel)
    where = f" written to {args.out}" if args.out else ""
    empty = f" (no sessions{f' on {day}' if day else ''} yet)" if not rows else ""
    unmarked = f" ({left_out} with no mark yet left out)" if left_out else ""
    print(f"{len(rows) - left_out} row(s){where}{empty}{unmarked}", file=sys.stdout if args.out else sys.stderr)
    return 0


def _interchange_export(cfg: Config, kind: str, rows: list[list], out: Path | None, excel: bool) -> int:
    """The rows keyed by OneRoster sourcedIds (kiosk/reports/interchange.py); returns the rows left out."""
    from kiosk.reports.interchange import write_edfi_json, write_oneroster_csv
    from kiosk.store.oneroster import interchange_ids

    ids = read_store(cfg, interchange_ids)
    write = write_oneroster_csv if kind == "oneroster-csv" else write_edfi_json
    excel = excel and kind == "oneroster-csv"  # a byte-order mark is for a CSV Excel opens, never JSON
    if out is None:
        excel_mark(_stdout(excel), excel)
        return write(sys.stdout, rows, ids)
    try:
        with open(out, "w", newline="", encoding="utf-8") as f:
            excel_mark(f, excel)
            return write(f, rows, ids)
    except OSError as err:
        raise UsageError(cannot_write(out, err)) from None


def _stdout(excel: bool):
    """stdout, in UTF-8 for --excel whatever the locale: the byte-order mark promises UTF-8 after it."""
    if excel and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    return sys.stdout


def attendance_mark(args, cfg: Config) -> int:
    """One student's mark for a meeting; a meeting no kiosk held gets its register opened."""
    from kiosk.staff.marks import Mark, MarkRefused
    from kiosk.staff.register import mark_meeting, meeting_of

    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    day, now = resolve_day(args.date, tz), datetime.now(tz)
    actor = Person(cli_actor(), "the command line", "admin")  # whoever may run the kiosk's commands is its admin

    def mark(store):
        meeting = meeting_of(store, args.class_code, day, tz, timedelta(minutes=cfg.attendance.early_open_min),
                             args.start)
        return meeting, *mark_meeting(store, meeting, Mark("", args.person, args.status, args.reason), actor,
                                      cfg.kiosk.id, now, where="cli")

    if cfg.mongo.uri:
        _sync_now(cfg)  # this machine's timetable and marks as the central database has them
    try:
        meeting, marked, opened = read_store(cfg, mark)
    except MarkRefused as err:
        raise UsageError(str(err)) from None
    held = " (no kiosk held this meeting: its register is now open)" if opened else ""
    print(f"{marked.summary()} in {meeting.class_code} on {meeting.starts_at.astimezone(tz):%Y-%m-%d %H:%M}{held}")
    if cfg.mongo.uri:
        report = _sync_now(cfg)
        print("sent to the central database" if report.complete else
              f"kept here, to send with the next sync ({report.error or 'the server did not answer'})")
    return 0


def _sync_now(cfg: Config):
    """With a central database: one sync cycle (no heartbeat: this is not a kiosk at work)."""
    from kiosk.sync.engine import SyncEngine

    store = SqliteStore.in_dir(cfg.data_dir)
    engine = SyncEngine(store, cfg)
    try:
        return engine.cycle(heartbeat=False)
    finally:
        engine.close()
        store.close()


def attendance_report(args, cfg: Config) -> int:
    from kiosk.reports.chart import draw_report

    if args.out.suffix.lower() != ".png":
        raise UsageError(f"--out {args.out.name}: the report is a PNG image; name it with .png")
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    rows = read_store(cfg, lambda s: stored_export_rows(s, None, args.class_code, tz))
    sessions, students = tally(rows)
    if not sessions:
        raise UsageError(f"no attendance recorded for class {args.class_code!r} yet; "
                         "a report needs at least one session")
    table = student_table(students)
    draw_report(args.out, args.class_code, sessions, table)
    print(f"chart of {len(sessions)} session(s) and a table of {len(table)} student(s) written to {args.out}")
    print("person_id\tname\tpresent\tlate\texcused\tabsent\tattended\tby_hand\tnote")
    for row in table:
        print("\t".join(map(str, row)))
    reenrol = should_reenrol(students)
    if reenrol:
        print("\nshould be re-enrolled (often marked by hand; `main.py enroll --id ID --extend PHOTO...`):")
        for (pid, name, _), counts in reenrol:
            print(f"  {pid}\t{name}\tmarked by hand {counts['by_hand']} of "
                  f"{counts['present'] + counts['late']} attended sessions")
    return 0
