import django_tables2 as tables
from django.template.loader import get_template
from django.utils.formats import date_format

from actionplans.models import Action

MAX_PER_PAGE = 500


class PartialColumn(tables.Column):
    """A cell drawn by a template of its own from the row alone: django-tables2's
    TemplateColumn hands each cell the whole page's context, flattened, and compiles inline
    template code for every cell, which made a page of 25 rows cost more than its queries.
    `context(record)` gives the template's context; by default {"record": record}."""

    def __init__(self, template_name: str, *, context=None, **kwargs):
        super().__init__(accessor="state", empty_values=(), **kwargs)
        self.template_name = template_name
        self.context = context or (lambda record: {"record": record})

    def render(self, record):
        return get_template(self.template_name).render(self.context(record))


class ActionTable(tables.Table):
    reference = tables.Column("Ref", order_by=("order",), empty_values=())
    title = tables.Column("Action", linkify=True, attrs={"a": {"class": "govuk-link"}})
    plan = tables.Column("Plan", linkify=True, attrs={"a": {"class": "govuk-link"}})
    workstream = tables.Column(order_by=("workstream__order",))
    lead = tables.Column("Lead", accessor="lead_display", orderable=False)
    # Every state column shows the action's row of the read model (record.state, set by
    # the view for the page shown) and sorts by the same annotations. Their accessor is the
    # row itself: by default a column reads record.<name>, and record.status is a query
    # per row (the table never shows the stored status, only the read model's).
    deadline = PartialColumn(
        "actionplans/partials/deadline_cell.html", order_by=("state_deadline_date",)
    )
    status = PartialColumn(
        "actionplans/partials/status_cell.html", order_by=("state_status_order", "state_status_id")
    )
    percent_complete = PartialColumn(
        "actionplans/partials/percent.html",
        verbose_name="Complete",
        order_by=("state_percent",),
        context=lambda record: {"value": record.state.percent},
    )
    last_updated = tables.Column(
        verbose_name="Updated", accessor="state", order_by=("state_reported_on",), empty_values=()
    )

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

    def render_reference(self, value):
        return value or ""

    def render_last_updated(self, value):
        return date_format(value.reported_on, "j M Y") if value.reported_on else ""
