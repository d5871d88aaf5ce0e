"""5: privacy: consent recorded per person at enrolment (who, when, guardian for minors)."""

SQL = """
    ALTER TABLE people ADD COLUMN consent_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE people ADD COLUMN consent_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE people ADD COLUMN guardian TEXT NOT NULL DEFAULT '';
    """
