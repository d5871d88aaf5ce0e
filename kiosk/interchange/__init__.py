"""Standards interchange: reading a school's OneRoster 1.1/1.2 CSV bundle (a folder or a zip)
and planning what importing it changes. The attendance going back out in the office's codes
(OneRoster ids, Ed-Fi categories) is a report: kiosk/reports/interchange.py.

- spec.py: what the standard says (file names, exact headers, manifest properties, statuses);
- bundle.py: reading a folder or a zip safely (sizes, member names, UTF-8), the manifest and
  each file's header, into tables of cells with their line numbers;
- records.py: the tables as typed rows, each bad line named with its file and line;
- ids.py: the person id and class code a record gets;
- plan.py: the pure planner: rows + what the kiosk holds now -> what to add, update and remove
  (kiosk/store/oneroster.py applies it locally in one transaction, central.py centrally).

Nothing here writes or prints; the command line and the web view say what happened.
"""
