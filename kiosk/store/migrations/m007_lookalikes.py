"""7: look-alike pairs found at enrolment: two enrolled people whose faces score
close to the match threshold. The kiosk asks for a larger best-vs-second
margin before naming either of them (kiosk/vision/gallery.py). Rows go with
the person when a person is erased (ON DELETE CASCADE)."""

SQL = """
    CREATE TABLE lookalikes (
        person_a    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        person_b    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        score       REAL NOT NULL,
        found_at    TEXT NOT NULL,
        PRIMARY KEY (person_a, person_b, model),
        CHECK (person_a < person_b)
    );
    """
