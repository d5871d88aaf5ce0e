"""15: who was on a class's roster before they left it. A held session's roll lists everyone on
the roster when it opened (kiosk/store/roll.py), and a session that ended with no row for someone
shows them as "not marked". Removing a student from a roster, or removing the class, used to
delete those roster rows, and with them that line of every past register. Their spans are kept
here instead; a person's rows go with them (ON DELETE CASCADE: erasure leaves nothing)."""

SQL = """
    CREATE TABLE roster_history (
        class_code  TEXT NOT NULL,
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        added_at    TEXT,
        removed_at  TEXT NOT NULL
    );
    CREATE INDEX roster_history_class ON roster_history(class_code);
    CREATE INDEX roster_history_person ON roster_history(person_id);
    """
