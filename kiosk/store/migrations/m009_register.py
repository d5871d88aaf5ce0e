"""9: the register: one room rule, excused marks with their reason, check-in codes, opting out.

- rooms take their one form (kiosk.model.room_name, registered on every connection as
  `kiosk_room`); spellings that became one room are kept in room_merges for `doctor`;
- attendance is rebuilt (SQLite cannot change a CHECK): status may be 'excused'; a mark
  keeps its `reason` (filled in from the audit trail for marks made before) and when it
  was made by hand (`marked_at`, which decides between marks made at different places);
  its outbox and ledger triggers are made anew, the ledger with the new columns, and
  every row gets a ledger entry with its content as it now is;
- roster.added_at: when someone joined a roster (NULL: before this version), so a
  session's roll leaves out people who joined after it;
- sessions.opened_by: the kiosk that opened a session, 'register' for one opened by a
  mark made without a kiosk, 'central' for one pulled from the central database;
- people.face_opt_out: never recognised by face (no embedding is kept); a personal
  check-in code is their way in;
- checkin_codes: one per person, stored as a keyed scrypt hash, never the code.
"""

from kiosk.store.migrations.m006_ledger import ledger_trigger

COLUMNS = {  # what the ledger hashes from now on (kiosk/store/ledger.py checks against these)
    "attendance": ("session_id", "person_id", "status", "checked_in_at", "latency_ms", "score", "method",
                   "kiosk_id", "made_by", "reason", "marked_at"),
    "audit": ("at", "kiosk_id", "actor_id", "action", "session_id", "target_id", "detail"),
}

LAST_REASON = """coalesce((SELECT CASE WHEN instr(u.detail, ': ') > 0 THEN substr(u.detail, instr(u.detail, ': ') + 2)
        ELSE '' END FROM audit u WHERE u.action = 'manual_mark' AND u.session_id = a.session_id
        AND u.target_id = a.person_id ORDER BY u.id DESC LIMIT 1), '')"""

SQL = f"""
    CREATE TABLE room_merges (
        room        TEXT NOT NULL,
        spelling    TEXT NOT NULL,
        PRIMARY KEY (room, spelling)
    );
    INSERT OR IGNORE INTO room_merges (room, spelling)
        SELECT kiosk_room(room), room FROM classes WHERE kiosk_room(room) IN
        (SELECT kiosk_room(room) FROM classes WHERE room != '' GROUP BY kiosk_room(room) HAVING count(DISTINCT room) > 1);
    UPDATE classes SET room = kiosk_room(room) WHERE room != kiosk_room(room);

    CREATE TABLE attendance_v9 (
        id             INTEGER PRIMARY KEY,
        session_id     TEXT NOT NULL REFERENCES sessions(id),
        person_id      TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent', 'excused')),
        checked_in_at  TEXT NOT NULL,
        latency_ms     REAL,
        score          REAL,
        method         TEXT NOT NULL DEFAULT 'face',
        kiosk_id       TEXT NOT NULL DEFAULT '',
        made_by        TEXT NOT NULL DEFAULT '',
        reason         TEXT NOT NULL DEFAULT '',
        marked_at      TEXT,
        UNIQUE (session_id, person_id)
    );
    INSERT INTO attendance_v9 (id, session_id, person_id, status, checked_in_at, latency_ms, score, method,
                               kiosk_id, made_by, reason)
        SELECT a.id, a.session_id, a.person_id, a.status, a.checked_in_at, a.latency_ms, a.score, a.method,
               a.kiosk_id, a.made_by, CASE WHEN a.method = 'manual' THEN {LAST_REASON} ELSE '' END
        FROM attendance a ORDER BY a.id;
    DROP TABLE attendance;
    ALTER TABLE attendance_v9 RENAME TO attendance;
    CREATE TRIGGER outbox_attendance_insert AFTER INSERT ON attendance
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('attendance', NEW.id);
    END;
    CREATE TRIGGER outbox_attendance_update
        AFTER UPDATE OF status, checked_in_at, method, made_by, reason, marked_at ON attendance
    BEGIN
        INSERT INTO outbox (kind, ref) VALUES ('attendance', NEW.id);
    END;
""" + "".join(ledger_trigger("attendance", op, COLUMNS["attendance"]) for op in ("insert", "update", "delete")) + """
    UPDATE attendance SET id = id;

    ALTER TABLE roster ADD COLUMN added_at TEXT;
    ALTER TABLE sessions ADD COLUMN opened_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE people ADD COLUMN face_opt_out INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE checkin_codes (
        person_id   TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        code_hash   TEXT NOT NULL UNIQUE,
        issued_at   TEXT NOT NULL
    );
    """
