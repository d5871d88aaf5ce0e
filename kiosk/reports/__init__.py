"""Attendance exports and reports, shared by `main.py attendance export|report` and the
staff web view: the rows (every roster member with a status), the per-student summary,
the CSV and XLSX files and the chart. openpyxl and matplotlib are imported only inside
the functions that write those files."""
