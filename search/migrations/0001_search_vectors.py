"""On PostgreSQL, a search vector on each searched table, kept up to date by a trigger (so
bulk writes such as an import's are covered too) and indexed with GIN; search.engine reads
it. Titles weigh A, other text B, with English stemming. Other databases search the text
itself (search.engine), so this does nothing there.

The column is the database's, not a model field: nothing else reads or copies it (audit
history copies model fields only)."""

from django.db import migrations

from search.vectors import VECTORS


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, title_columns, text_columns in VECTORS:
        weighted = _expression(title_columns, text_columns, "NEW.")
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
        schema_editor.execute(
            f"CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN NEW.search_vector := {weighted}; RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
        )
        schema_editor.execute(
            f"UPDATE {table} SET search_vector = {_expression(title_columns, text_columns, '')}"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} USING GIN (search_vector)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _, _ in VECTORS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def _expression(title_columns, text_columns, prefix: str) -> str:
    def part(columns, weight):
        joined = " || ' ' || ".join(f"coalesce({prefix}{c}, '')" for c in columns)
        return f"setweight(to_tsvector('english', {joined}), '{weight}')"

    parts = [part(title_columns, "A")] if title_columns else []
    parts.append(part(text_columns, "B"))
    return " || ".join(parts)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0014_history_of_links"),
        ("impact", "0002_assessment_report_moved_to_reports"),
        ("scrutiny", "0001_initial"),
        ("reports", "0012_copy_assessment_reports"),
    ]

    operations = [migrations.RunPython(create, remove)]
