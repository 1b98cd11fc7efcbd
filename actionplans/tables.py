import django_tables2 as tables
from django.utils.functional import cached_property

from actionplans.models import Action

MAX_PER_PAGE = 500


class ActionTable(tables.Table):
    # The columns say only their headers and how each sorts: the cells are drawn from the
    # row alone by actionplans/partials/action_row.html, one template a row. Drawn cell by
    # cell, django-tables2 read each value through its accessor and inspected each render
    # method's signature: four fifths of a 25-row page's table. The state columns sort by
    # the read model's annotations, and their cells show the row's state (record.state,
    # set by the view for the page shown).
    reference = tables.Column("Ref", order_by=("order",))
    title = tables.Column("Action")
    plan = tables.Column("Plan")
    workstream = tables.Column(order_by=("workstream__order",))
    lead = tables.Column("Lead", orderable=False)
    deadline = tables.Column(order_by=("state_deadline_date",))
    status = tables.Column(order_by=("state_status_order", "state_status_id"))
    percent_complete = tables.Column("Complete", order_by=("state_percent",))
    last_updated = tables.Column("Updated", order_by=("state_reported_on",))

    class Meta:
        model = Action
        fields = ()
        sequence = (
            "reference",
            "title",
            "plan",
            "workstream",
            "lead",
            "deadline",
            "status",
            "percent_complete",
            "last_updated",
        )
        order_by = ("reference",)
        template_name = "django_tables2/govuk.html"
        per_page = 25
        empty_text = "No actions match these filters."

    def paginate(self, *args, per_page=None, **kwargs):
        # per_page comes from the query string: anything but 1 to MAX_PER_PAGE gets the default.
        if per_page is None or not 1 <= per_page <= MAX_PER_PAGE:
            per_page = self._meta.per_page
        return super().paginate(*args, per_page=per_page, **kwargs)

    @cached_property
    def cells(self) -> list[tuple[str, str]]:
        """The name and header of each column shown, in order: what the row template draws."""
        return [(column.name, column.header) for column in self.columns]
