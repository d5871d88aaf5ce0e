"""`attendance export` (CSV or XLSX) and `attendance report` (a chart per session
plus a per-student summary). openpyxl and matplotlib are imported only here,
inside the commands that need them."""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.common import with_store
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store.database import Database, from_iso

EXPORT_COLUMNS = ["person_id", "name", "class", "session_start", "status", "checked_in_at", "latency_ms",
                  "method", "made_by"]
STATUSES = ("present", "late", "absent")
# A roster member the kiosk keeps missing ends up marked by hand (a false reject, or a
# student who walks past it). This often, and this large a share, suggests re-enrolling.
REENROL_MIN_BY_HAND = 2
REENROL_SHARE = 0.25


def register(att_cmds) -> None:
    report = att_cmds.add_parser("report", help="chart of attendance per session, and a per-student summary")
    report.add_argument("--class", dest="class_code", required=True)
    report.add_argument("--out", type=Path, required=True, help="PNG file for the chart")
    report.set_defaults(handler=attendance_report)


def export_rows(db: Database, args, tz: ZoneInfo) -> list[list]:
    sql = ("SELECT a.person_id, p.name, s.class_code, s.starts_at, a.status, a.checked_in_at, a.latency_ms,"
           " a.method, a.made_by FROM attendance a JOIN sessions s ON s.id = a.session_id"
           " LEFT JOIN people p ON p.id = a.person_id" + (" WHERE s.class_code = ?" if args.class_code else "")
           + " ORDER BY s.starts_at, a.status = 'absent', a.checked_in_at, a.person_id")
    rows = db.query(sql, (args.class_code,) if args.class_code else ())
    out = []
    for r in rows:
        start = from_iso(r["starts_at"]).astimezone(tz)
        if args.date and start.date() != args.date:
            continue
        when = "" if r["status"] == "absent" else _local(r["checked_in_at"], tz)  # absent: never checked in
        out.append([r["person_id"], r["name"] or "", r["class_code"], start.isoformat(timespec="seconds"),
                    r["status"], when, "" if r["latency_ms"] is None else r["latency_ms"], r["method"], r["made_by"]])
    return out


def attendance_export(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    if args.format == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    rows = with_store(cfg, lambda s: export_rows(s, args, tz))
    if args.format == "xlsx":
        write_xlsx(args.out, rows)
        print(f"{len(rows)} row(s) written to {args.out}")
        return 0
    handle = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
    finally:
        if args.out:
            handle.close()
    return 0


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
    for column, width in zip("ABCDEFGHI", (14, 24, 10, 26, 10, 26, 11, 9, 12)):
        sheet.column_dimensions[column].width = width
    try:
        book.save(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None


def attendance_report(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    args.date = None
    rows = with_store(cfg, lambda s: _report_rows(s, args, tz))
    sessions, students = _tally(rows)
    if not sessions:
        raise UsageError(f"no attendance recorded for class {args.class_code!r}")
    draw_chart(args.out, args.class_code, sessions)
    print(f"chart of {len(sessions)} session(s) written to {args.out}")
    print("person_id\tname\tpresent\tlate\tabsent\tattended\tby_hand")
    for (pid, name), counts in sorted(students.items(), key=lambda kv: kv[0][1].casefold()):
        total = sum(counts[s] for s in STATUSES)
        rate = (counts["present"] + counts["late"]) / total if total else 0.0
        print(f"{pid}\t{name}\t{counts['present']}\t{counts['late']}\t{counts['absent']}\t{rate:.0%}"
              f"\t{counts['by_hand']}")
    reenrol = should_reenrol(students)
    if reenrol:
        print("\nshould be re-enrolled (often marked by hand; `main.py enroll --id ID --extend PHOTO...`):")
        for (pid, name), counts in reenrol:
            print(f"  {pid}\t{name}\tmarked by hand {counts['by_hand']} of "
                  f"{counts['present'] + counts['late']} attended sessions")
    return 0


def should_reenrol(students: dict[tuple[str, str], Counter]) -> list[tuple[tuple[str, str], Counter]]:
    """Roster members whose attendance was marked by hand often enough to suspect the kiosk
    does not recognise them well (most by-hand marks first)."""
    flagged = []
    for key, counts in students.items():
        attended = counts["present"] + counts["late"]
        if counts["by_hand"] >= REENROL_MIN_BY_HAND and counts["by_hand"] >= REENROL_SHARE * attended:
            flagged.append((key, counts))
    return sorted(flagged, key=lambda kv: (-kv[1]["by_hand"], kv[0][1].casefold()))


def _report_rows(db: Database, args, tz: ZoneInfo) -> list[list]:
    if db.conn.execute("SELECT 1 FROM sessions WHERE class_code = ?", (args.class_code,)).fetchone() is None \
            and db.class_record(args.class_code) is None:
        raise UsageError(f"unknown class {args.class_code!r}")
    return export_rows(db, args, tz)


def _tally(rows: list[list]):
    sessions: dict[str, Counter] = defaultdict(Counter)
    students: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for pid, name, _, start, status, _, _, method, _ in rows:
        sessions[start][status] += 1
        students[(pid, name or pid)][status] += 1
        if method == "manual" and status != "absent":
            students[(pid, name or pid)]["by_hand"] += 1
    return dict(sorted(sessions.items())), students


def draw_chart(path: Path, class_code: str, sessions: dict[str, Counter]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [start[:16].replace("T", "\n") for start in sessions]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(labels) + 2), 4.5), dpi=120)
    bottom = [0] * len(labels)
    # Colour is never the only signal: each status has its own hatch and a labelled legend.
    for status, colour, hatch in (("present", "#1e8c4e", ""), ("late", "#f5b02e", "//"), ("absent", "#ce4038", "xx")):
        values = [counts[status] for counts in sessions.values()]
        ax.bar(labels, values, bottom=bottom, color=colour, hatch=hatch, edgecolor="white", label=status.title())
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title(f"{class_code}: attendance per session")
    ax.set_ylabel("students")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    finally:
        plt.close(fig)


def _local(text: str, tz: ZoneInfo) -> str:
    return from_iso(text).astimezone(tz).isoformat(timespec="seconds")
