"""14: embeddings found by person. "Has this person a face enrolled?" is asked for every roster
line of a day (kiosk/store/roll.py) and every person of the console's list; with only the
(model, person_id) index each question scanned every embedding: Today at 2,000 enrolled people
and 100 sessions read the day in 102 ms, 26 ms without embeddings (bench/console.py)."""

SQL = """
    CREATE INDEX embeddings_person ON embeddings(person_id);
    """
