"""Inserting many new rows in one statement, for an import's thousands of rows.

Django's bulk_create builds a model instance per row and prepares every field of every row
through the field's methods, and the driver then handles one placeholder per value: for a
1,000-row spreadsheet that is most of the import's time, the database's own work a small
part. insert_rows instead sends the rows as one JSON document, a single parameter, which
the database unpacks (`json_each` on SQLite, `json_to_recordset` on PostgreSQL) into an
`INSERT ... SELECT`. Values that are the same in every row (a field's default, the plan)
are ordinary parameters.

Like bulk_create, it sends no signals and runs no validation: callers insert values they
have already checked. Other databases get Django's own bulk_create.
"""

from __future__ import annotations

import datetime
import json
import operator
from collections.abc import Iterable, Mapping

from django.db import connection, models
from django.utils import timezone


def insert_rows(
    model: type[models.Model], rows: Iterable[Mapping], *, same: Mapping | None = None
) -> int:
    """Insert one row of `model`'s table per mapping of field name to value (a foreign key
    by its attname, such as "plan_id", to an id). Every mapping gives the same fields.
    `same` gives values shared by every row; a field given by neither gets its default
    (auto_now and auto_now_add fields: now). Returns how many rows were inserted. The
    primary keys are the database's: read them back by a column the caller knows to be
    unique among the new rows."""
    rows = list(rows)
    if not rows:
        return 0
    same = dict(same or {})
    fields = {}
    for field in model._meta.concrete_fields:
        if not field.primary_key:
            fields[field.attname] = field
    given = list(rows[0])
    unknown = [name for name in [*given, *same] if name not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}.")
    structured = [name for name in given if isinstance(fields[name], models.JSONField)]
    if structured:  # a JSON value inside the document would need unpacking of its own
        raise ValueError(f"Give {', '.join(structured)} in `same`, not in each row.")
    if connection.vendor not in _SOURCES:
        model.objects.bulk_create([model(**same, **row) for row in rows], batch_size=500)
        return len(rows)
    constants = {
        name: _prepared(field, same[name] if name in same else _default(field))
        for name, field in fields.items()
        if name not in given
    }
    pick = operator.itemgetter(*given)
    values = [pick(row) for row in rows] if len(given) > 1 else [[pick(row)] for row in rows]
    prepared = [i for i, name in enumerate(given) if not isinstance(fields[name], _PLAIN)]
    if prepared:  # such as a UUID, which SQLite stores as hex: as the field prepares it
        values = [list(row) for row in values]
        for row in values:
            for i in prepared:
                row[i] = fields[given[i]].get_db_prep_save(row[i], connection)
    document = json.dumps(values, default=_json_default, ensure_ascii=False)
    quote = connection.ops.quote_name
    source, picks = _SOURCES[connection.vendor]([(name, fields[name]) for name in given])
    columns = [fields[name].column for name in given] + [fields[name].column for name in constants]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"SELECT {', '.join(picks + ['%s'] * len(constants))} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants.values(), document])
    return len(rows)


def _sqlite_source(given: list[tuple[str, models.Field]]) -> tuple[str, list[str]]:
    # json_extract gives JSON true/false as 1/0, numbers as numbers, strings as text: the
    # values Django itself stores in SQLite.
    return "json_each(%s) AS j", [f"json_extract(j.value, '$[{i}]')" for i in range(len(given))]


def _postgresql_source(given: list[tuple[str, models.Field]]) -> tuple[str, list[str]]:
    # Each element an array: read by position, cast to the column's type.
    quote = connection.ops.quote_name
    picks = []
    for i, (_, field) in enumerate(given):
        picks.append(f"(j.value ->> {i})::{_column_type(field)} AS {quote(field.column)}")
    return "jsonb_array_elements(%s::jsonb) AS j(value)", picks


_SOURCES = {"sqlite": _sqlite_source, "postgresql": _postgresql_source}


def _column_type(field: models.Field) -> str:
    """The column's type ("varchar(300)", "integer", "bigint" for a foreign key)."""
    if field.is_relation:
        return field.target_field.rel_db_type(connection)
    kind = field.db_type(connection)
    # Not varchar(n): a cast to it would cut a long text short without a word. Cast to text,
    # the column refuses a value too long for it, as it does for any insert.
    return "text" if kind.startswith("varchar") else kind


def _json_default(value):
    """What JSON has no type for, as the database stores it."""
    if isinstance(value, datetime.datetime):
        return str(connection.ops.adapt_datetimefield_value(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return str(value)  # Decimal, UUID prepared as text


# Fields whose values (or None) JSON carries as the database stores them: text, numbers,
# booleans, ids; dates and datetimes through _json_default.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.DateField,
)


def _prepared(field: models.Field, value):
    """A value as a query parameter for its column, prepared by its field."""
    if isinstance(value, models.Model):
        value = value.pk
    return field.get_db_prep_save(value, connection)


def _default(field: models.Field):
    """A field's default. An auto_now(_add) field's is now, as a save would make it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        now = timezone.now()
        return now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
    return field.get_default()
