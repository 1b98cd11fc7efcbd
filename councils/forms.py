"""Form pieces every app's forms use."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker, with the value in the ISO form it needs."""

    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
