"""Instructor and admin PINs: salted scrypt hashes only, never the PIN.

scrypt is slow on purpose (tens of milliseconds per try), so verifying
runs in the desk worker thread, never on the UI thread.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from dataclasses import dataclass

from kiosk.errors import StoreError
from kiosk.store.database import Database, sha256_hex, utc_now
from kiosk.store.sqlite_store import Person

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_LEN, MAX_LEN = 4, 12
COMMON = {"1212", "2580", "0852", "1122", "6969", "1004", "2000", "5683", "123123", "112233", "121212"}
PIN_ROLES = ("instructor", "admin")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(digest) // 2)
    except ValueError:
        return False  # a damaged hash never matches
    return hmac.compare_digest(found.hex(), digest)


def pin_problem(pin: str) -> str | None:
    """Why a PIN is refused (None if it is acceptable)."""
    if not pin.isdigit() or not MIN_LEN <= len(pin) <= MAX_LEN:
        return f"a PIN is {MIN_LEN} to {MAX_LEN} digits"
    if len(set(pin)) == 1:
        return "a PIN of one repeated digit is too easy to guess"
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    if steps in ({1}, {9}):
        return "a PIN of consecutive digits is too easy to guess"
    if pin in COMMON or (len(pin) % 2 == 0 and pin[: len(pin) // 2] * 2 == pin and len(set(pin)) <= 2):
        return "that PIN is one of the most common; choose another"
    return None


def set_pin(db: Database, person_id: str, pin: str) -> None:
    problem = pin_problem(pin)
    if problem:
        raise StoreError(f"PIN refused: {problem}")
    problem = pin_holder_problem(db, person_id)
    if problem:
        raise StoreError(problem)
    hashed = hash_pin(pin)
    with db.transaction() as conn:
        write_pin_hash(conn, person_id, hashed)


def write_pin_hash(conn: sqlite3.Connection, person_id: str, pin_hash: str) -> None:
    """Store a salted hash (never the PIN) for one person, replacing theirs."""
    conn.execute(
        "INSERT INTO pins (person_id, pin_hash, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = excluded.updated_at",
        (person_id, pin_hash, utc_now()),
    )


def delete_pin(conn: sqlite3.Connection, person_id: str) -> int:
    return conn.execute("DELETE FROM pins WHERE person_id = ?", (person_id,)).rowcount


def pin_holder_problem(db: Database, person_id: str) -> str | None:
    """Why this person cannot have a PIN (unknown, or not staff), or None."""
    row = db.conn.execute("SELECT role FROM people WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        return f"no staff member {person_id!r} here; add them with 'instructor add {person_id} --name NAME' first"
    if row["role"] not in PIN_ROLES:
        return (f"{person_id!r} is a {row['role']}; only instructors and admins have PINs "
                f"('instructor add {person_id} --name NAME' makes them one)")
    return None


def pin_holders(db: Database, instructor_ids: list[str]) -> list[tuple[Person, str]]:
    """Who may open the overlay now: the given instructors and every admin, with their hashes."""
    marks = ",".join("?" * len(instructor_ids)) or "''"
    rows = db.query(
        "SELECT p.id, p.name, p.role, k.pin_hash FROM pins k JOIN people p ON p.id = k.person_id"
        f" WHERE p.role = 'admin' OR (p.role = 'instructor' AND p.id IN ({marks})) ORDER BY p.role, p.id",
        tuple(instructor_ids),
    )
    return [(Person(r["id"], r["name"], r["role"]), r["pin_hash"]) for r in rows]


@dataclass(frozen=True)
class PinHolder:
    """A staff member as the store has them now: their role, and a stamp of their PIN."""

    person: Person
    pin_stamp: str  # changes whenever the PIN is set again (a fresh salt); says nothing of the PIN


def pin_stamp(pin_hash: str) -> str:
    # A digest of the salted hash, so whoever keeps it (a web session) holds no hash to attack.
    return sha256_hex(pin_hash)[:32]


def pin_holder(db: Database, person_id: str) -> PinHolder | None:
    """The person if they are staff with a PIN now, else None (removed, a student, erased, no PIN).
    One row by primary key: the web view asks it on every signed-in request."""
    rows = db.query("SELECT p.id, p.name, p.role, k.pin_hash FROM pins k JOIN people p ON p.id = k.person_id"
                    " WHERE k.person_id = ? AND p.role IN ('instructor', 'admin')", (person_id,))
    if not rows:
        return None
    row = rows[0]
    return PinHolder(Person(row["id"], row["name"], row["role"]), pin_stamp(row["pin_hash"]))
