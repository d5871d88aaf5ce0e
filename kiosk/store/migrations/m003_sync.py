"""3: central MongoDB sync: outbox, sync state, central ids for schedules.

Needs m002 (it adds `audit`, `attendance.made_by`).

The outbox is filled by triggers, so a check-in and its outbox entry are
written in the SAME transaction: no code path can store one without the
other. Rows that existed before this migration are queued once here.
"""

SQL = """
    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('attendance', 'session', 'audit')),
        ref         TEXT NOT NULL,
        queued_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_ref ON outbox(kind, ref);
    CREATE TRIGGER outbox_attendance_insert AFTER INSERT ON attendance
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('attendance', NEW.id);
    END;
    CREATE TRIGGER outbox_attendance_update AFTER UPDATE OF status, checked_in_at, method, made_by ON attendance
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('attendance', NEW.id);
    END;
    CREATE TRIGGER outbox_session_insert AFTER INSERT ON sessions
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('session', NEW.id);
    END;
    CREATE TRIGGER outbox_session_update AFTER UPDATE OF state ON sessions
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('session', NEW.id);
    END;
    CREATE TRIGGER outbox_audit_insert AFTER INSERT ON audit
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('audit', NEW.id);
    END;
    INSERT INTO outbox (kind, ref) SELECT 'session', id FROM sessions ORDER BY activated_at;
    INSERT INTO outbox (kind, ref) SELECT 'attendance', id FROM attendance ORDER BY id;
    INSERT INTO outbox (kind, ref) SELECT 'audit', id FROM audit ORDER BY id;
    CREATE TABLE sync_state (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL
    );
    ALTER TABLE schedules ADD COLUMN central_id TEXT;
    CREATE UNIQUE INDEX schedules_central_id ON schedules(central_id) WHERE central_id IS NOT NULL;
    """
