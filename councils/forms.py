"""Form pieces every app's forms use: the GOV.UK date input (Day, Month and Year boxes) and
plain error messages that say which field is wrong and what to do."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name

PARTS = ("day", "month", "year")
DATE_HINT = "For example, 27 3 2026"
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class DateParts:
    """What was typed in a date's three boxes, as typed. `raw` is a date sent as one value
    (a link's ?as_at=2026-03-31) that is not in that form, kept to be reported."""

    day: str = ""
    month: str = ""
    year: str = ""
    raw: str = ""

    @classmethod
    def of(cls, value) -> DateParts:
        """The boxes for a date, a date sent as one value, or nothing."""
        if isinstance(value, DateParts):
            return value
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return cls(str(value.day), str(value.month), str(value.year))
        text = "" if value is None else str(value).strip()
        if match := ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return cls(str(int(day)), str(int(month)), year)
        return cls(raw=text)

    @property
    def is_empty(self) -> bool:
        return not (self.day.strip() or self.month.strip() or self.year.strip() or self.raw)

    def read(self) -> tuple[datetime.date | None, str, tuple[str, ...]]:
        """(the date, "", ()) if the boxes make a real date; otherwise (None, what is wrong,
        the boxes at fault). What is wrong is an error code of DateField."""
        if self.is_empty:
            return None, "", ()
        if self.raw:
            return None, "invalid", PARTS
        typed = {part: getattr(self, part).strip() for part in PARTS}
        missing = tuple(part for part in PARTS if not typed[part])
        if missing:
            return None, "incomplete", missing
        day = int(typed["day"]) if typed["day"].isdecimal() else 0
        month = typed["month"].lower().rstrip(".")
        month = int(month) if month.isdecimal() else MONTHS.get(month, 0)
        wrong = tuple(
            part for part, ok in (("day", 1 <= day <= 31), ("month", 1 <= month <= 12)) if not ok
        )
        if wrong:
            return None, "invalid", wrong
        year = typed["year"]
        if not (year.isdecimal() and len(year) == 4 and year[0] != "0"):
            return None, "year", ("year",)
        try:
            return datetime.date(int(year), month, day), "", ()
        except ValueError:  # 31 February: the date as a whole is wrong
            return None, "invalid", PARTS


class DateInput(forms.MultiWidget):
    """Three text boxes named <name>-day, <name>-month and <name>-year, as the GOV.UK date
    input has them. A date sent as one value under the field's own name (links and old
    bookmarks use ?as_at=2026-03-31) is read as well. templates/partials/govuk_field.html
    lays the boxes out."""

    # What templates test to draw the three boxes. (Asking a BoundField for an attribute it
    # lacks, such as `boxes`, makes Django's template engine try field["boxes"], which
    # renders every option of a select: a query per lookup for a model's choices.)
    govuk_date = True

    def __init__(self, attrs=None) -> None:
        boxes = {"inputmode": "numeric", "spellcheck": "false"}
        super().__init__([forms.TextInput(boxes) for _ in PARTS], attrs)
        self.widgets_names = [f"-{part}" for part in PARTS]

    def decompress(self, value):
        parts = DateParts.of(value)
        return [parts.day, parts.month, parts.year]

    def value_from_datadict(self, data, files, name):
        if any(f"{name}-{part}" in data for part in PARTS):
            return DateParts(*(str(data.get(f"{name}-{part}") or "") for part in PARTS))
        if name in data:
            return DateParts.of(data.get(name))
        return None

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and not any(f"{name}-{part}" in data for part in PARTS)


@dataclass(frozen=True)
class Box:
    """One of a date's boxes, for the template."""

    part: str
    label: str
    name: str
    id: str
    value: str
    width: int
    has_error: bool


class DateBoundField(BoundField):
    """A date field in a form, with its three boxes and which of them are at fault."""

    @property
    def faults(self) -> tuple[str, ...]:
        if not self.errors:
            return ()
        # A date that is real but not allowed (in the future, say) is wrong as a whole.
        return DateParts.of(self.value()).read()[2] or PARTS

    @property
    def boxes(self) -> list[Box]:
        parts = DateParts.of(self.value())
        faults = self.faults
        return [
            Box(
                part=part,
                label=part.capitalize(),
                name=f"{self.html_name}-{part}",
                id=f"{self.auto_id}-{part}",
                value=getattr(parts, part),
                width=4 if part == "year" else 2,
                has_error=part in faults,
            )
            for part in PARTS
        ]

    @property
    def hint(self) -> str:
        if not self.help_text:
            return DATE_HINT
        return f"{self.help_text.rstrip('.')}. {DATE_HINT}"

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first box at fault."""
        return f"{self.auto_id}-{(self.faults or PARTS)[0]}"


def _and(words) -> str:
    words = list(words)
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


class DateField(forms.DateField):
    """A date typed in three boxes (DateInput), with the GOV.UK date input's error messages
    naming the date: "Enter the meeting date", "The meeting date must include a month",
    "The meeting date must be a real date". `noun` names it in those messages ("the date
    the sheet reports on"); by default "the" and the label."""

    widget = DateInput
    bound_field_class = DateBoundField
    default_error_messages = {
        "required": "Enter %(noun)s",
        "incomplete": "%(Noun)s must include a %(missing)s",
        "invalid": "%(Noun)s must be a real date",
        "year": "%(Noun)s must include a year of 4 numbers, like 2026",
    }

    def __init__(self, *, noun: str = "", **kwargs) -> None:
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)
        self.noun = noun

    def error(self, code: str, **params) -> ValidationError:
        noun = self.noun or f"the {lower_first(plain_label(self))}"
        message = str(self.error_messages[code])
        if "%(" in message:
            message %= {"noun": noun, "Noun": noun[:1].upper() + noun[1:], **params}
        return ValidationError(message, code=code)

    def prepare_value(self, value) -> DateParts:
        return DateParts.of(value)

    def to_python(self, value) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        day, code, parts = DateParts.of(value).read()
        if code:
            raise self.error(code, missing=_and(parts))
        return day

    def validate(self, value) -> None:
        if value is None and self.required:
            raise self.error("required")


# Plain messages ------------------------------------------------------------------------


def plain_label(field: forms.Field, name: str = "") -> str:
    """The field's label as a message names it: "(optional)" is no part of its name."""
    label = str(field.label or pretty_name(name))
    return re.sub(r"\s*\(optional\)$", "", label).strip() or "answer"


def lower_first(label: str) -> str:
    """'Meeting date' -> 'meeting date'; 'RAG colour' stays as it is."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _a(words: str) -> str:
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


# Codes whose messages Django formats with parameters (%(limit_value)d and the like), so a
# "%" of the field's own label must be written "%%" in them.
FORMATTED = {
    "invalid_choice",
    "invalid_pk_value",
    "max_length",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
}


def _messages_for(field: forms.Field, name: str) -> dict[str, str]:
    """Plain messages for what Django would otherwise say in its own words."""
    label = lower_first(plain_label(field, name))
    plain, escaped = _plain_wording(field, label), _plain_wording(field, label.replace("%", "%%"))
    formatted = FORMATTED
    if isinstance(field, forms.EmailField | forms.URLField):  # their validators' messages
        formatted = FORMATTED | {"invalid"}
    return {code: escaped[code] if code in formatted else plain[code] for code in plain}


def _plain_wording(field: forms.Field, name: str) -> dict[str, str]:
    the = f"the {name}"
    The = f"The {name}"
    messages = {"max_length": f"{The} must be %(limit_value)d characters or fewer"}
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        choose = f"Select {name} from the list"
        messages |= {
            "required": f"Select at least one of the {name}"
            if name.endswith("s")
            else f"Select at least one {name}",
            "invalid_choice": choose,
            "invalid_list": choose,
            "invalid_pk_value": choose,
        }
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        messages |= {
            "required": f"Select {_a(name)}",
            "invalid_choice": f"Select {_a(name)} from the list",
        }
    elif isinstance(field, forms.FileField):
        messages |= {
            "required": f"Select {the}",
            "invalid": f"Select {the}",
            "missing": f"Select {the}",
            "empty": f"{The} is empty",
        }
    elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        low, high = field.min_value, field.max_value
        between = f"{The} must be between {low} and {high}"
        is_whole = isinstance(field, forms.IntegerField) and not isinstance(
            field, forms.DecimalField | forms.FloatField
        )
        messages |= {
            "required": f"Enter {the}",
            "invalid": f"Enter {the} as a whole number" if is_whole else f"Enter {the} as a number",
            "min_value": between if high is not None else f"{The} must be %(limit_value)s or more",
            "max_value": between if low is not None else f"{The} must be %(limit_value)s or less",
            "max_digits": f"{The} must have no more than %(max)s digits",
            "max_decimal_places": f"{The} must have no more than %(max)s decimal places",
            "max_whole_digits": f"{The} must have no more than %(max)s digits before the point",
        }
    elif isinstance(field, forms.EmailField):
        address = the if "address" in the else f"{the} address"
        messages |= {
            "required": f"Enter {address}",
            "invalid": f"Enter {address} in the correct format, like name@example.com",
        }
    elif isinstance(field, forms.URLField):
        messages |= {
            "required": f"Enter {the}",
            "invalid": f"Enter {the} as a web address, like https://www.example.org",
        }
    elif isinstance(field, forms.BooleanField):
        messages |= {"required": f"Select “{name}” to go on"}
    elif not isinstance(field, DateField):
        messages |= {"required": f"Enter {the}"}
    return messages


def _django_default(field: forms.Field, code: str):
    for klass in type(field).__mro__:
        if code in getattr(klass, "default_error_messages", {}):
            return klass.default_error_messages[code]
    return None


def plain_messages(form: forms.BaseForm) -> None:
    """Replace Django's generic messages ("This field is required.", "Ensure this value is
    less than or equal to 100.") on `form`'s fields with ones naming the field and saying
    what to do. Messages a form sets itself are kept, and so are hidden fields' (a person
    cannot type in them)."""
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        for code, message in _messages_for(field, name).items():
            if field.error_messages.get(code) is _django_default(field, code):
                field.error_messages[code] = message


class PlainMessages:
    """A form whose fields speak plainly (plain_messages), applied as it validates, so
    fields and labels added or changed in __init__ are covered."""

    def full_clean(self) -> None:
        plain_messages(self)
        super().full_clean()


class PlainForm(PlainMessages, forms.Form):
    pass


class PlainModelForm(PlainMessages, forms.ModelForm):
    pass


# Django's account forms, speaking as plainly as the rest ("Enter your email address in the
# correct format, like name@example.com", not "Enter a valid email address.").


class PasswordResetForm(PlainMessages, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages |= {
            "required": "Enter your email address",
            "invalid": "Enter your email address in the correct format, like name@example.com",
        }


class SetPasswordForm(PlainMessages, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(PlainMessages, auth_forms.PasswordChangeForm):
    pass
