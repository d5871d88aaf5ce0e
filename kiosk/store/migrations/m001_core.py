"""1: people, embeddings, classes, rosters, schedules, sessions, attendance."""

SQL = """
    CREATE TABLE people (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role        TEXT NOT NULL CHECK (role IN ('student', 'instructor', 'admin')),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE embeddings (
        id          INTEGER PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        vector      BLOB NOT NULL,
        source      TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
    );
    CREATE INDEX embeddings_model ON embeddings(model, person_id);
    CREATE TABLE classes (
        code          TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        room          TEXT NOT NULL DEFAULT '',
        instructor_id TEXT REFERENCES people(id) ON DELETE SET NULL
    );
    CREATE TABLE roster (
        class_code  TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (class_code, person_id)
    );
    CREATE TABLE schedules (
        id          INTEGER PRIMARY KEY,
        class_code  TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
        start_time  TEXT NOT NULL,
        end_time    TEXT NOT NULL,
        on_date     TEXT,
        weekdays    TEXT,
        timezone    TEXT NOT NULL,
        CHECK ((on_date IS NULL) != (weekdays IS NULL)),
        CHECK (end_time > start_time)
    );
    CREATE TABLE sessions (
        id            TEXT PRIMARY KEY,
        class_code    TEXT NOT NULL,
        schedule_id   INTEGER,
        starts_at     TEXT NOT NULL,
        ends_at       TEXT NOT NULL,
        opens_at      TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('active', 'ended')),
        activated_at  TEXT NOT NULL,
        ended_at      TEXT,
        ended_by      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sessions_state ON sessions(state, starts_at);
    CREATE TABLE attendance (
        id             INTEGER PRIMARY KEY,
        session_id     TEXT NOT NULL REFERENCES sessions(id),
        person_id      TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent')),
        checked_in_at  TEXT NOT NULL,
        latency_ms     REAL,
        score          REAL,
        method         TEXT NOT NULL DEFAULT 'face',
        kiosk_id       TEXT NOT NULL DEFAULT '',
        UNIQUE (session_id, person_id)
    );
    """
