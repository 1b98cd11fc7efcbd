"""`__in` on integer columns with values the column cannot hold.

Django already answers `id=99999999999999999999999` with no rows (IntegerFieldOverflow) but
sends the same value to the database inside `id__in=[...]`, where SQLite raises OverflowError
and PostgreSQL an out-of-range error: a 500 for `?status=999999999999999999999999`. No row
can match such a value, so it is dropped, as NULL already is."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
