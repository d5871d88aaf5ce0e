"""8: the PIN lockout, persisted per subject so a restart does not reset it.

A subject is `staff:<person id>` (the web login's staff id, and every PIN
holder a door's keypad could have opened for) or `door:<kiosk id>` (the
keypad itself). The kiosk's overlay and the staff web view share these rows,
so wrong PINs tried at one count at the other. Times are wall-clock epoch
seconds. The rules live in kiosk/staff/sign_in.py; these rows hold only
their state, never a PIN or a hash.
"""

SQL = """
    CREATE TABLE pin_lockouts (
        subject       TEXT PRIMARY KEY,
        failures      INTEGER NOT NULL DEFAULT 0,
        lockouts      INTEGER NOT NULL DEFAULT 0,
        locked_until  REAL NOT NULL DEFAULT 0,
        last_lock_at  REAL NOT NULL DEFAULT -1e18,
        updated_at    REAL NOT NULL
    );
    """
