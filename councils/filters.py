"""Filter pieces the apps' list pages share."""

import django_filters

from councils.forms import DateField


class DateFilter(django_filters.DateFilter):
    """A date filter typed in the GOV.UK date input's three boxes (councils.forms.DateField).
    Links that give the date as one value (?deadline_from=2016-01-01) still work."""

    field_class = DateField
