"""Export files read back as a spreadsheet would: formulas neutralised (OWASP's guidance on CSV
injection), real Excel times, a byte-order mark for Excel when asked."""

import csv
from datetime import datetime

import pytest
from openpyxl import load_workbook

from kiosk.reports.files import neutralised, write_csv, write_xlsx
from kiosk.reports.rows import EXPORT_COLUMNS

HOSTILE = ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


def rows(names=HOSTILE) -> list[list]:
    return [[f"p{i}", name, "CS101", "2026-11-25T09:00:00+00:00", "present", "2026-11-25T09:02:30+00:00", 120.5,
             "face", "", "=cmd|' /C calc'!A0", "enrolled"] for i, name in enumerate(names)]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_would_start_a_formula_is_made_plain(value):
    assert neutralised(value) == "'" + value
    assert neutralised("Maya Chen") == "Maya Chen" and neutralised(120.5) == 120.5


def test_csv_read_back_has_no_formula_cell_and_an_optional_bom(tmp_path):
    path = tmp_path / "a.csv"
    write_csv(path, rows(), excel=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        read = list(csv.reader(handle))
    assert read[0] == EXPORT_COLUMNS
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in read[1:] for cell in row)
    assert [row[1] for row in read[1:]] == ["'" + name.replace("\r", "\n") for name in HOSTILE]
    write_csv(path, rows(["Maya"]))
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_read_back_has_text_not_formulas_and_real_times(tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, rows(), zone="Europe/London")
    sheet = load_workbook(path).active
    head = [c.value for c in sheet[1]]
    assert head[3] == "session_start (Europe/London)" and head[9] == "reason"
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s" and row[1].quotePrefix  # stored as text, never run, shown as typed
        assert row[1].value.replace("\n", "\r") in HOSTILE  # as typed, no apostrophe (XML reads a return as \n)
        assert row[9].data_type == "s" and row[9].quotePrefix and row[9].value.startswith("=")
        assert row[3].value == datetime(2026, 11, 25, 9, 0) and row[5].value == datetime(2026, 11, 25, 9, 2, 30)
        assert row[5].number_format == "yyyy-mm-dd hh:mm:ss" and row[6].value == 120.5
