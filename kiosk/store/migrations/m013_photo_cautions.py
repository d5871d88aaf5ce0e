"""13: cautions on enrolled photos: a photo accepted with a caution (the face turned, dim, cut by
the edge: kiosk/vision/quality.py enrolment_caution) makes a weaker reference. The console lists
who has one, so staff can ask for a better photo. Rows go with the person (ON DELETE CASCADE),
and with their faces when they opt out or are re-enrolled."""

SQL = """
    CREATE TABLE photo_cautions (
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,
        caution     TEXT NOT NULL,
        noted_at    TEXT NOT NULL,
        PRIMARY KEY (person_id, source)
    );
    """
