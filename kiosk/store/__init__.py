"""The local database: one SQLite file (WAL), and the only package that speaks SQL.

Every other package calls the functions here and gets value types back (kiosk/model.py's,
or the small dataclasses beside them), never a connection or a row. A failure of the
file itself (full, read-only, damaged, locked) is raised as kiosk.errors.StoreFault, a
refused change as StoreError; sqlite3's exceptions never leave this package.

Start at sqlite_store.py (`SqliteStore`: people and embeddings, classes, schedules,
sessions, check-ins, audit rows) and database.py (opening the file, migrations,
transactions, `atomic()` for an action and its audit row). By topic:

- sessions.py: a session's life (opening, ending with absent rows, starting early,
  the manual mark's write, reconciliation); roll.py: a session's roll, the one query
  behind exports and the web view; changes.py: the change feed of attendance rows;
- rosters.py, staff.py, cancellations.py: classes, rosters, staff, holidays;
- people.py, privacy.py, lookalikes.py: who is known, consent, erasure, retention;
- pins.py, lockouts.py, audit.py, spoof_events.py: PIN hashes, lockout state, the audit
  trail, failed live checks;
- outbox.py and mirror.py: the offline path to the central database (what waits to be
  pushed; applying what was pulled); ledger.py: the tamper-evidence hash chain;
- oneroster.py: a OneRoster import's holdings and changes, applied in one transaction, and
  the sourcedIds imported records came from (for exports);
- writes.py: the row writers shared by this kiosk's changes and the pull;
- schema.py and migrations/: the schema, one numbered migration per change.
"""
