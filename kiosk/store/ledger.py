"""Checks the tamper-evidence ledger (migration m006): the hash chain itself,
then every attendance and audit row against its latest ledger entry."""

from __future__ import annotations

from kiosk.store.database import Database, sha256_hex
from kiosk.store.ledger_head import read_head
from kiosk.store.migrations.m009_register import COLUMNS  # the ledger's columns as the newest schema has them


def verify_ledger(db: Database) -> tuple[int, list[str]]:
    """(entries checked, problems); each problem names the entry or row."""
    entries = db.query("SELECT id, tbl, row_id, op, content_hash, prev_hash, hash FROM ledger ORDER BY id")
    head = read_head(db.path)  # kept outside the WAL: a database that lost its newest writes shows here
    problems = [gap.describe() for gap in head.gaps] if head else []
    problems += _chain_problems(entries)
    for table in COLUMNS:
        problems += _row_problems(db, table)
    return len(entries), problems


def _chain_problems(entries) -> list[str]:
    problems, previous = [], ""
    for e in entries:
        expected = sha256_hex(f"{e['prev_hash']}|{e['tbl']}|{e['row_id']}|{e['op']}|{e['content_hash']}")
        if e["prev_hash"] != previous:
            problems.append(f"ledger entry {e['id']}: chain broken before it (an entry was deleted, added or reordered)")
        elif e["hash"] != expected:
            problems.append(f"ledger entry {e['id']} ({e['tbl']} row {e['row_id']}): entry was altered")
        previous = e["hash"]
    return problems


def _row_problems(db: Database, table: str) -> list[str]:
    content = "kiosk_sha256(json_array(" + ", ".join(COLUMNS[table]) + "))"
    current = {r[0]: r[1] for r in db.query(f"SELECT id, {content} FROM {table}")}
    latest = {
        r["row_id"]: (r["op"], r["content_hash"])
        for r in db.query(
            "SELECT row_id, op, content_hash FROM ledger WHERE id IN "
            "(SELECT max(id) FROM ledger WHERE tbl = ? GROUP BY row_id)", (table,))
    }
    problems = []
    for row_id, digest in sorted(current.items()):
        op, recorded = latest.get(row_id, ("delete", ""))
        if op == "delete":
            problems.append(f"{table} row {row_id}: added outside the kiosk")
        elif recorded != digest:
            problems.append(f"{table} row {row_id}: edited outside the kiosk")
    for row_id, (op, _) in sorted(latest.items()):
        if op != "delete" and row_id not in current:
            problems.append(f"{table} row {row_id}: deleted outside the kiosk")
    return problems
