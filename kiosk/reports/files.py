"""The export rows as files: CSV (to a path or an open text handle) and XLSX (to a path or
a binary file). A path that cannot be written is a UsageError naming it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from kiosk.errors import UsageError
from kiosk.reports.rows import EXPORT_COLUMNS

XLSX_WIDTHS = (14, 24, 10, 26, 10, 26, 11, 9, 12, 20)  # one per export column


def write_csv(path: Path, rows: list[list]) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv_to(handle, rows)
    except OSError as err:
        raise UsageError(cannot_write(path, err)) from None


def csv_to(handle: IO[str], rows: list[list]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)


def write_xlsx(path, rows: list[list]) -> None:
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
    for column, width in zip("ABCDEFGHIJ", XLSX_WIDTHS):
        sheet.column_dimensions[column].width = width
    try:
        book.save(path)
    except OSError as err:
        raise UsageError(cannot_write(path, err)) from None


def cannot_write(path, err: OSError) -> str:
    return f"cannot write {path}: {err.strerror}; give --out a file in a folder that exists"
