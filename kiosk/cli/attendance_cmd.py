"""`attendance export` (CSV or XLSX) and `attendance report` (a chart per session plus
a per-student summary). The rows, the summary, the files and the chart are
kiosk/reports/, which the staff web view shares."""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.common import iso_date, read_store, resolve_day
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.reports.files import csv_to, write_csv, write_xlsx
from kiosk.reports.rows import stored_export_rows
from kiosk.reports.summary import should_reenrol, student_table, tally


def register(commands) -> None:
    att = commands.add_parser("attendance", help="export attendance, or chart it")
    att_cmds = att.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = att_cmds.add_parser("export", help="write attendance as CSV (stdout or --out) or XLSX (--out)")
    export.add_argument("--date", type=iso_date,
                        help="only sessions on this local date: YYYY-MM-DD, today or yesterday")
    export.add_argument("--class", dest="class_code", help="only this class")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out", type=Path, help="file to write (required for xlsx)")
    export.set_defaults(handler=attendance_export)
    report = att_cmds.add_parser("report", help="chart of attendance per session, and a per-student summary")
    report.add_argument("--class", dest="class_code", required=True)
    report.add_argument("--out", type=Path, required=True, help="PNG file: the chart and the per-student table")
    report.set_defaults(handler=attendance_report)



def attendance_export(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    if args.format == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    day = resolve_day(args.date, tz)
    rows = read_store(cfg, lambda s: stored_export_rows(s, day, args.class_code, tz))
    if args.format == "xlsx":
        write_xlsx(args.out, rows)
    elif args.out:
        write_csv(args.out, rows)
    else:
        csv_to(sys.stdout, rows)
    where = f" written to {args.out}" if args.out else ""
    empty = f" (no sessions{f' on {day}' if day else ''} yet)" if not rows else ""
    print(f"{len(rows)} row(s){where}{empty}", file=sys.stdout if args.out else sys.stderr)
    return 0


def attendance_report(args, cfg: Config) -> int:
    from kiosk.reports.chart import draw_report

    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    rows = read_store(cfg, lambda s: stored_export_rows(s, None, args.class_code, tz))
    sessions, students = tally(rows)
    if not sessions:
        raise UsageError(f"no attendance recorded for class {args.class_code!r} yet; "
                         "a report needs at least one session")
    table = student_table(students)
    draw_report(args.out, args.class_code, sessions, table)
    print(f"chart of {len(sessions)} session(s) and a table of {len(table)} student(s) written to {args.out}")
    print("person_id\tname\tpresent\tlate\tabsent\tattended\tby_hand\tnote")
    for row in table:
        print("\t".join(map(str, row)))
    reenrol = should_reenrol(students)
    if reenrol:
        print("\nshould be re-enrolled (often marked by hand; `main.py enroll --id ID --extend PHOTO...`):")
        for (pid, name, _), counts in reenrol:
            print(f"  {pid}\t{name}\tmarked by hand {counts['by_hand']} of "
                  f"{counts['present'] + counts['late']} attended sessions")
    return 0
