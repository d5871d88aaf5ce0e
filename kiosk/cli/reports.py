"""`attendance export` (CSV or XLSX) and `attendance report` (a chart per session
plus a per-student summary). openpyxl and matplotlib are imported only here,
inside the commands that need them."""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.common import read_store, resolve_day
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store.database import Database, from_iso

EXPORT_COLUMNS = ["person_id", "name", "class", "session_start", "status", "checked_in_at", "latency_ms",
                  "method", "made_by", "enrolment"]
STATUSES = ("present", "late", "absent")
NOT_YET = "not yet"  # on the roster of a session still running, and not seen so far
AWAITING = "awaiting enrolment"  # on a roster, with no face enrolled yet (marked by hand until then)
# A roster member the kiosk keeps missing ends up marked by hand (a false reject, or a
# student who walks past it). This often, and this large a share, suggests re-enrolling.
REENROL_MIN_BY_HAND = 2
REENROL_SHARE = 0.25


def register(att_cmds) -> None:
    report = att_cmds.add_parser("report", help="chart of attendance per session, and a per-student summary")
    report.add_argument("--class", dest="class_code", required=True)
    report.add_argument("--out", type=Path, required=True, help="PNG file: the chart and the per-student table")
    report.set_defaults(handler=attendance_report)


def export_rows(db: Database, args, tz: ZoneInfo) -> list[list]:
    """Every roster member of each session, with a status: the stored rows (present, late,
    absent), and during a session that is still running, everyone not seen yet ("not yet").
    `args.date` (a local date in `tz`) and `args.class_code` narrow it; an unknown class is
    a UsageError. The CLI export, the report and the web view all read these rows."""
    if args.class_code:
        require_known_class(db, args.class_code)
    where, params = (" AND s.class_code = ?", (args.class_code,)) if args.class_code else ("", ())
    rows = db.query(
        "SELECT a.person_id, p.name, s.class_code, s.starts_at, a.status, a.checked_in_at, a.latency_ms, a.method,"
        " a.made_by FROM attendance a JOIN sessions s ON s.id = a.session_id LEFT JOIN people p ON p.id = a.person_id"
        " WHERE 1 = 1" + where + " UNION ALL "
        # A running session's roster members with no row yet: "not yet".
        "SELECT r.person_id, p.name, s.class_code, s.starts_at, ?, NULL, NULL, '', '' FROM sessions s"
        " JOIN roster r ON r.class_code = s.class_code JOIN people p ON p.id = r.person_id WHERE s.state = 'active'"
        " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = r.person_id)" + where,
        params + (NOT_YET,) + params)
    faces = _enrolment_states(db)
    out = []
    for r in rows:
        start = from_iso(r["starts_at"]).astimezone(tz)
        if args.date and start.date() != args.date:
            continue
        seen = r["status"] in ("present", "late")  # absent and not yet: never checked in
        out.append([r["person_id"], r["name"] or "", r["class_code"], start.isoformat(timespec="seconds"),
                    r["status"], _local(r["checked_in_at"], tz) if seen else "",
                    "" if r["latency_ms"] is None else r["latency_ms"], r["method"], r["made_by"],
                    faces.get(r["person_id"], "")])
    return sorted(out, key=export_order)


def export_order(row: list) -> tuple:
    """Session by session; in each, check-ins in time order, then everyone not checked in by name."""
    return row[3], row[2], not row[5], row[5], row[1].casefold(), row[0]


def _enrolment_states(db: Database) -> dict[str, str]:
    """person id -> "enrolled" (has a face) or "awaiting enrolment" (a student with none yet)."""
    return {r[0]: "enrolled" if r[2] else AWAITING if r[1] == "student" else "" for r in db.query(
        "SELECT p.id, p.role, EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id) FROM people p")}


def require_known_class(db: Database, code: str) -> None:
    """A class that exists, or has history (a removed class keeps its sessions)."""
    if db.class_record(code) is None and db.conn.execute(
            "SELECT 1 FROM sessions WHERE class_code = ?", (code,)).fetchone() is None:
        known = ", ".join(sorted(db.classes())) or "none yet"
        raise UsageError(f"unknown class {code!r}; known classes: {known} (see 'class list')")


def attendance_export(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    if args.format == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    args.date = resolve_day(args.date, tz)
    rows = read_store(cfg, lambda s: export_rows(s, args, tz))
    if args.format == "xlsx":
        write_xlsx(args.out, rows)
    elif args.out:
        write_csv(args.out, rows)
    else:
        _csv_to(sys.stdout, rows)
    where = f" written to {args.out}" if args.out else ""
    empty = f" (no sessions{f' on {args.date}' if args.date else ''} yet)" if not rows else ""
    print(f"{len(rows)} row(s){where}{empty}", file=sys.stdout if args.out else sys.stderr)
    return 0


def write_csv(path: Path, rows: list[list]) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            _csv_to(handle, rows)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}; give --out a file in a folder that exists") from None


def _csv_to(handle, rows: list[list]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "attendance"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (14, 24, 10, 26, 10, 26, 11, 9, 12, 20)):
        sheet.column_dimensions[column].width = width
    try:
        book.save(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}; give --out a file in a folder that exists") from None


def attendance_report(args, cfg: Config) -> int:
    from kiosk.cli.report_png import draw_report

    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    args.date = None
    rows = read_store(cfg, lambda s: export_rows(s, args, tz))
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


def student_table(students: dict[tuple[str, str, str], Counter]) -> list[list]:
    """One row per student, by name: id, name, present, late, absent, attended, by hand, note."""
    flagged = {key for key, _ in should_reenrol(students)}
    table = []
    for key, counts in sorted(students.items(), key=lambda kv: (kv[0][1].casefold(), kv[0][0])):
        pid, name, enrolment = key
        total = sum(counts[s] for s in STATUSES)
        rate = (counts["present"] + counts["late"]) / total if total else 0.0
        note = AWAITING if enrolment == AWAITING else "re-enrol?" if key in flagged else ""
        table.append([pid, name, counts["present"], counts["late"], counts["absent"], f"{rate:.0%}",
                      counts["by_hand"], note])
    return table


def should_reenrol(students: dict[tuple, Counter]) -> list[tuple[tuple, Counter]]:
    """Roster members whose attendance was marked by hand often enough to suspect the kiosk
    does not recognise them well (most by-hand marks first). Someone with no face enrolled
    yet is marked by hand because of that, and is not flagged."""
    flagged = []
    for key, counts in students.items():
        attended = counts["present"] + counts["late"]
        if key[2] == AWAITING:
            continue
        if counts["by_hand"] >= REENROL_MIN_BY_HAND and counts["by_hand"] >= REENROL_SHARE * attended:
            flagged.append((key, counts))
    return sorted(flagged, key=lambda kv: (-kv[1]["by_hand"], kv[0][1].casefold()))


def tally(rows: list[list]):
    """Counts per session start, and per student (id, name, enrolment state)."""
    sessions: dict[str, Counter] = defaultdict(Counter)
    students: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for pid, name, _, start, status, _, _, method, _, enrolment in rows:
        sessions[start][status] += 1
        students[(pid, name or pid, enrolment)][status] += 1
        if method == "manual" and status in ("present", "late"):
            students[(pid, name or pid, enrolment)]["by_hand"] += 1
    return dict(sorted(sessions.items())), students


def _local(text: str, tz: ZoneInfo) -> str:
    return from_iso(text).astimezone(tz).isoformat(timespec="seconds")
