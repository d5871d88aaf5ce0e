"""10: OneRoster: which school-system record each imported person, class and enrollment came from.

- oneroster_users: a person's OneRoster `sourcedId` and the school's `identifier` (its own
  number, shown beside the person). The person id is the sourcedId when it is a valid person
  id, else one derived from it (kiosk/interchange/plan.py); this row keeps the pair either
  way. It goes with the person (erasure), and `active = 0` once the school system removed
  them (their attendance history stays, keyed by the same sourcedId in exports);
- oneroster_classes: a class's sourcedId and the class code it was given at its first import.
  No foreign key: a class removed by the school system goes, and its row stays (`active = 0`)
  so the attendance of its past sessions still exports under its sourcedId;
- oneroster_enrollments: each enrollment the kiosk acted on (a student on a roster, a primary
  teacher as the class's instructor), so a `tobedeleted` row or a bulk file without it removes
  exactly what an import added, and never a roster entry made by hand.
"""

SQL = """
    CREATE TABLE oneroster_users (
        sourced_id  TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        identifier  TEXT NOT NULL DEFAULT '',
        active      INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX oneroster_users_person ON oneroster_users(person_id);
    CREATE TABLE oneroster_classes (
        sourced_id  TEXT PRIMARY KEY,
        class_code  TEXT NOT NULL,
        active      INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX oneroster_classes_code ON oneroster_classes(class_code);
    CREATE TABLE oneroster_enrollments (
        sourced_id        TEXT PRIMARY KEY,
        class_sourced_id  TEXT NOT NULL,
        user_sourced_id   TEXT NOT NULL,
        role              TEXT NOT NULL CHECK (role IN ('student', 'teacher')),
        is_primary        INTEGER NOT NULL DEFAULT 0
    );
    """
