"""4: liveness: spoof events (rejected live checks), for the session summary and the instructor overlay."""

SQL = """
    CREATE TABLE spoof_events (
        id             INTEGER PRIMARY KEY,
        at             TEXT NOT NULL,
        session_id     TEXT,
        person_id      TEXT,
        name           TEXT,
        match_score    REAL,
        liveness_score REAL NOT NULL,
        cues           TEXT NOT NULL DEFAULT '{}',
        snapshot       TEXT,
        kiosk_id       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX spoof_events_session ON spoof_events(session_id, at);
    """
