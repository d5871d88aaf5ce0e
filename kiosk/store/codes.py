"""Personal check-in codes: a way in without a face (a student who opted out of face
recognition, or one the kiosk does not recognise today).

A code is 8 random digits, shown once when issued and printed on the student's card
(also as a QR code). Only its scrypt hash is stored, never the code. Unlike a PIN's,
the salt is fixed, so a typed code finds its holder by one indexed lookup instead of
a scrypt run per student; at scrypt's cost, trying all 10^8 codes against a stolen
database takes months of CPU time, and at the door a wrong code counts towards a
lockout (kiosk/staff/codes.py).
"""

from __future__ import annotations

import hashlib
import secrets

from kiosk.errors import StoreError
from kiosk.store.database import Database, utc_now

CODE_DIGITS = 8
SALT = b"attendance-kiosk/check-in-code/1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(code: str) -> str:
    digest = hashlib.scrypt(code.encode(), salt=SALT, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$code${digest.hex()}"


def well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isdigit()


def store_code(db: Database, person_id: str, hashed: str) -> None:
    """Give the person this code's hash, replacing their old code."""
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"unknown person {person_id!r}; add them first (enroll, or a roster import)")
        write_code_hash(conn, person_id, hashed)


def write_code_hash(conn, person_id: str, hashed: str) -> None:
    conn.execute("INSERT INTO checkin_codes (person_id, code_hash, issued_at) VALUES (?, ?, ?)"
                 " ON CONFLICT(person_id) DO UPDATE SET code_hash = excluded.code_hash, issued_at = excluded.issued_at",
                 (person_id, hashed, utc_now()))


def code_holder(db: Database, hashed: str) -> tuple[str, str] | None:
    """(person id, name) of the code's holder, or None."""
    row = db.conn.execute("SELECT p.id, p.name FROM checkin_codes c JOIN people p ON p.id = c.person_id"
                          " WHERE c.code_hash = ?", (hashed,)).fetchone()
    return (row[0], row[1]) if row else None


def revoke_code(db: Database, person_id: str) -> bool:
    with db.transaction() as conn:
        return conn.execute("DELETE FROM checkin_codes WHERE person_id = ?", (person_id,)).rowcount == 1


def has_code(db: Database, person_id: str) -> bool:
    return db.conn.execute("SELECT 1 FROM checkin_codes WHERE person_id = ?", (person_id,)).fetchone() is not None
