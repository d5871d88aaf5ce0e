"""6: tamper evidence: a hash-chained ledger of every attendance and audit row change.

Triggers append one entry per insert, update and delete, in the same
transaction as the change. An entry holds a hash of the row's content (not
the content itself, so an erased person leaves no personal data here) and
chains to the previous entry's hash. `kiosk_sha256` is registered on every
connection the kiosk opens (kiosk/store/database.py); `main.py verify-log`
checks the chain, and the rows against it (kiosk/store/ledger.py).
"""

# The columns hashed for each table; kiosk/store/ledger.py recomputes the same.
COLUMNS = {
    "attendance": ("session_id", "person_id", "status", "checked_in_at", "latency_ms", "score", "method",
                   "kiosk_id", "made_by"),
    "audit": ("at", "kiosk_id", "actor_id", "action", "session_id", "target_id", "detail"),
}

LAST_HASH = "coalesce((SELECT hash FROM ledger ORDER BY id DESC LIMIT 1), '')"


def ledger_trigger(table: str, op: str, columns: tuple[str, ...]) -> str:
    """One ledger trigger (later migrations that change a table's columns make it anew)."""
    row = "OLD" if op == "delete" else "NEW"
    content = "''" if op == "delete" else "json_array(" + ", ".join(f"NEW.{c}" for c in columns) + ")"
    return f"""
    CREATE TRIGGER ledger_{table}_{op} AFTER {op.upper()} ON {table}
    BEGIN
        INSERT INTO ledger (tbl, row_id, op, content_hash, prev_hash, hash)
        SELECT '{table}', {row}.id, '{op}', h, p, kiosk_sha256(p || '|{table}|' || {row}.id || '|{op}|' || h)
        FROM (SELECT kiosk_sha256({content}) AS h, {LAST_HASH} AS p);
    END;"""


SQL = """
    CREATE TABLE ledger (
        id            INTEGER PRIMARY KEY,
        tbl           TEXT NOT NULL,
        row_id        INTEGER NOT NULL,
        op            TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
        content_hash  TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL
    );
    CREATE INDEX ledger_row ON ledger(tbl, row_id, id);
""" + "".join(ledger_trigger(t, op, COLUMNS[t]) for t in COLUMNS for op in ("insert", "update", "delete")) + """
    UPDATE attendance SET id = id;
    UPDATE audit SET id = id;
"""
