"""The preview's choice of role for each column, shared by every import."""

from __future__ import annotations

from django import forms

from spreadsheets.roles import ROLE_LABELS, Column

NOT_IMPORTED = "ignore"


class ColumnRolesForm(forms.Form):
    """One select per column of the sheet, showing the role it was given. A person changes
    any of them and previews again; "Not imported" keeps a column out on purpose."""

    def __init__(self, *args, columns: list[Column], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [(NOT_IMPORTED, "Not imported")] + [
            (role, label) for role, label in ROLE_LABELS.items() if role != NOT_IMPORTED
        ]
        for column in columns:
            self.fields[self.name_for(column)] = forms.ChoiceField(
                label=f"Column {column.letter}: {column.header or '(no header)'}",
                choices=choices,
                initial=column.role or NOT_IMPORTED,
                error_messages={
                    "required": f"Choose a role for column {column.letter}.",
                    "invalid_choice": f"Choose a role for column {column.letter} from the list.",
                },
            )

    @staticmethod
    def name_for(column: Column) -> str:
        return f"role_{column.letter}"

    def pairs(self):
        """(column, bound field) for the template, in the sheet's order."""
        return [(column, self[self.name_for(column)]) for column in self.columns]

    def chosen(self) -> dict[str, str]:
        """The roles a person changed: column letter -> role."""
        changed = {}
        for column in self.columns:
            value = self.cleaned_data.get(self.name_for(column))
            if value and value != (column.role or NOT_IMPORTED):
                changed[column.letter] = value
        return changed
