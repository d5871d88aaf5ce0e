"""2: class sessions as an instructor lives them: PINs, audit, manual marks, cancellations.

- pins: one salted scrypt hash per instructor or admin (never the PIN itself);
- audit: every overlay action, who did it, when, at which kiosk;
- cancellations: single meetings of a schedule that do not happen (holidays);
- attendance.made_by: who marked a row by hand (method = 'manual');
- sessions.started_by: set when an instructor started a meeting early.
"""

SQL = """
    CREATE TABLE pins (
        person_id   TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        pin_hash    TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        kiosk_id    TEXT NOT NULL DEFAULT '',
        actor_id    TEXT NOT NULL DEFAULT '',
        action      TEXT NOT NULL,
        session_id  TEXT NOT NULL DEFAULT '',
        target_id   TEXT NOT NULL DEFAULT '',
        detail      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_at ON audit(at);
    CREATE TABLE cancellations (
        schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        on_date     TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        PRIMARY KEY (schedule_id, on_date)
    );
    ALTER TABLE attendance ADD COLUMN made_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE sessions ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
    """
