"""What each searched table's PostgreSQL search vector is made of: (table, title columns
weighted A, other text weighted B). The migration builds the vectors from this, and
tests/search checks search.engine searches the same columns on every database."""

VECTORS = [
    ("actionplans_plan", ("title",), ("summary",)),
    ("actionplans_action", ("reference", "title"), ("description", "outcomes")),
    ("actionplans_progressupdate", (), ("commentary",)),
    ("scrutiny_recommendation", ("reference",), ("text", "response_comment")),
    ("impact_assessment", ("report_subject",), ("description",)),
    ("reports_committeereport", ("subject",), ("purpose",)),
]
