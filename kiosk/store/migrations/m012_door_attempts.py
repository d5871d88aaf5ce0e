"""11: door attempts: faces the door saw, live and long enough, but could not name, kept for staff
to say who they were (kiosk/store/attempts.py).

- attempts: when and where (kiosk, session), the best frame's quality, the aligned face crop (a
  small JPEG file in <data_dir>/door_attempts/, named here; NULL once it is removed) and how the
  attempt ended: pending, confirmed as someone (and whether that made a door reference), not one
  of ours, or dismissed;
- attempt_candidates: the three people it looked most like, with their scores;
- attempt_embeddings: the face's embedding per model (the kiosk's own at least), removed once
  the attempt ends.

A door reference itself is a row of `embeddings` whose source starts with 'door:', so it is
listed, erased and synced like an enrolment photo's vector.
"""

SQL = """
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        kiosk_id    TEXT NOT NULL DEFAULT '',
        session_id  TEXT NOT NULL,
        crop        TEXT,
        face_px     REAL NOT NULL,
        sharpness   REAL NOT NULL,
        brightness  REAL NOT NULL,
        yaw         REAL NOT NULL,
        frames      INTEGER NOT NULL,
        state       TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'confirmed', 'not_ours', 'dismissed')),
        person_id   TEXT,
        reference   TEXT NOT NULL DEFAULT '',
        decided_by  TEXT NOT NULL DEFAULT '',
        decided_at  TEXT
    );
    CREATE INDEX attempts_session ON attempts(session_id, at);
    CREATE INDEX attempts_at ON attempts(at);
    CREATE TABLE attempt_candidates (
        attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        rank        INTEGER NOT NULL,
        person_id   TEXT NOT NULL,
        score       REAL NOT NULL,
        PRIMARY KEY (attempt_id, rank)
    );
    CREATE INDEX attempt_candidates_person ON attempt_candidates(person_id);
    CREATE TABLE attempt_embeddings (
        attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        vector      BLOB NOT NULL,
        PRIMARY KEY (attempt_id, model)
    );
    """
