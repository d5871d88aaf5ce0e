"""Are this tree's exports byte for byte those of another tree, on the test school?

    python bench/exports_compare.py --base /work/base [--out bench/out/exports_compare.json]

Builds the test school of bench/web_school.py once (40 sessions in 8 rooms at 10:05,
some ended, some running, some to come), adds what the school day lacks (a student
awaiting enrolment on a running class's roster, a class removed after it met), then
runs each tree's own `main.py attendance export` on a copy of that database: the
whole history, the day, and each class, as CSV, and as XLSX compared cell by cell
(an XLSX file holds its own creation time). Exit 1 if anything differs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path

from _common import OUT, REPO
from web_school import TZ, build

DAY = date(2026, 3, 10)
NOW = datetime.combine(DAY, time(10, 5), TZ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other tree")
    parser.add_argument("--out", type=Path, default=OUT / "exports_compare.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        school = Path(tmp) / "school"
        cfg = build(school, DAY, NOW)
        _enrich(school)
        codes = _class_codes(school)
        asks = [[], ["--date", DAY.isoformat()]] + [["--class", code] for code in codes]
        results = {str(tree): [_export(tree, school, Path(tmp), ask) for ask in asks]
                   for tree in (args.base.resolve(), REPO)}
    base, new = results.values()
    differing = [" ".join(ask) or "(all)" for ask, b, n in zip(asks, base, new) if b != n]
    rows = sum(len(csv.splitlines()) - 1 for csv, _ in new)
    summary = {"exports": len(asks), "rows": rows, "differing": differing, "zone": cfg.kiosk.timezone}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{len(asks)} exports ({rows} CSV rows in this tree), {len(differing)} differing: {differing}")
    return 1 if differing or not rows else 0


def _enrich(school: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(school / "kiosk.db", isolation_level=None)
    running = conn.execute("SELECT class_code FROM sessions WHERE state = 'active' LIMIT 1").fetchone()[0]
    conn.execute("INSERT INTO people (id, name, role, created_at, updated_at) VALUES ('new1', '=Awaiting Student',"
                 " 'student', '2026-03-01T00:00:00.000+00:00', '2026-03-01T00:00:00.000+00:00')")
    conn.execute("INSERT INTO roster (class_code, person_id) VALUES (?, 'new1')", (running,))
    ended = conn.execute("SELECT class_code FROM sessions WHERE state = 'ended' LIMIT 1").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM classes WHERE code = ?", (ended,))
    conn.close()


def _class_codes(school: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(school / "kiosk.db")
    try:
        return [r[0] for r in conn.execute("SELECT DISTINCT class_code FROM sessions ORDER BY class_code")]
    finally:
        conn.close()


def _export(tree: Path, school: Path, tmp: Path, ask: list[str]) -> tuple[str, list]:
    data = tmp / f"copy-{tree.name}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(school, data)
    xlsx = tmp / "out.xlsx"
    base = [sys.executable, str(tree / "main.py"), "--data-dir", str(data), "attendance", "export", *ask]
    env = {"KIOSK_TIMEZONE": "Europe/London", "PATH": "/usr/bin:/bin"}
    csv = subprocess.run(base + ["--format", "csv"], capture_output=True, text=True, env=env, check=True).stdout
    subprocess.run(base + ["--format", "xlsx", "--out", str(xlsx)], capture_output=True, env=env, check=True)
    return csv, _cells(xlsx)


def _cells(path: Path) -> list:
    from openpyxl import load_workbook

    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


if __name__ == "__main__":
    sys.exit(main())
