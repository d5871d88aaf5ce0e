"""The export rows as files: CSV (to a path or an open text handle) and XLSX (to a path or
a binary file). A path that cannot be written is a UsageError naming it.

Text that a spreadsheet would run as a formula (a cell beginning with =, +, -, @, a tab
or a carriage return) stays text: in a CSV with a leading apostrophe, as OWASP's guidance
on CSV injection says (a name typed as =HYPERLINK(...) stays text); in XLSX as a text cell
marked "quote prefix", Excel's own way of keeping such text, so it shows as typed. In
the XLSX file the session start and check-in times are real Excel times (in the
school's zone, which the column header names), so a spreadsheet can sort and subtract them.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import IO

from kiosk.errors import UsageError
from kiosk.reports.rows import EXPORT_COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TIME_COLUMNS = ("session_start", "checked_in_at")
XLSX_WIDTHS = {"person_id": 14, "name": 24, "class": 10, "session_start": 19, "status": 11, "checked_in_at": 19,
               "latency_ms": 11, "method": 9, "made_by": 12, "reason": 28, "enrolment": 20}
EXCEL_TIME = "yyyy-mm-dd hh:mm:ss"
EXCEL_BOM = "\ufeff"  # in UTF-8, the byte-order mark without which Excel reads a CSV in the local code page


def neutralised(value):
    """A text cell that would start a formula, made plain text; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, rows: list[list], excel: bool = False) -> None:
    """`excel`: with a UTF-8 byte-order mark, which Excel needs to read the file as UTF-8."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv_to(handle, rows, excel)
    except OSError as err:
        raise UsageError(cannot_write(path, err)) from None


def csv_to(handle: IO[str], rows: list[list], excel: bool = False) -> None:
    """The rows on an open text handle (a file, stdout, a web response); `excel` as in write_csv."""
    excel_mark(handle, excel)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)


def excel_mark(handle: IO[str], excel: bool) -> None:
    """The byte-order mark Excel needs, written here as text (not by the file's encoding), so a CSV
    for Excel starts with it wherever it goes, a file or stdout."""
    if excel:
        handle.write(EXCEL_BOM)


def _csv_cell(value):
    """Neutralised, and a lone carriage return made a newline: the writer quotes a field holding
    a newline (its line end) but not one holding only a return, which would split the row."""
    value = neutralised(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def write_xlsx(path, rows: list[list], zone: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "attendance"
    sheet.append([f"{c} ({zone})" if c in TIME_COLUMNS and zone else c for c in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    times = [EXPORT_COLUMNS.index(c) for c in TIME_COLUMNS]
    for row in rows:
        sheet.append([_excel_time(v) if i in times else v for i, v in enumerate(row)])
        for cell in sheet[sheet.max_row]:
            _as_text_if_formula(cell)
        for i in times:
            sheet.cell(sheet.max_row, i + 1).number_format = EXCEL_TIME
    sheet.freeze_panes = "A2"
    for i, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = XLSX_WIDTHS.get(column, 12)
    try:
        book.save(path)
    except OSError as err:
        raise UsageError(cannot_write(path, err)) from None


def _as_text_if_formula(cell) -> None:
    """openpyxl stores text starting with '=' as a formula: make such a cell (and any text a
    spreadsheet would read as one) a text cell with Excel's quote prefix, which never runs."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _excel_time(text: str):
    """ISO text with its offset -> the local wall time Excel shows ('' stays empty)."""
    return datetime.fromisoformat(text).replace(tzinfo=None) if text else None


def cannot_write(path, err: OSError) -> str:
    return f"cannot write {path}: {err.strerror}; give --out a file in a folder that exists"
