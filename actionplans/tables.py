import django_tables2 as tables

from actionplans.models import Action

MAX_PER_PAGE = 500


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
    deadline = tables.TemplateColumn(
        accessor="state",
        template_name="actionplans/partials/deadline_cell.html",
        order_by=("state_deadline_date",),
        empty_values=(),
    )
    status = tables.TemplateColumn(
        accessor="state",
        template_name="actionplans/partials/status_cell.html",
        order_by=("state_status_order", "state_status_id"),
        empty_values=(),
    )
    percent_complete = tables.TemplateColumn(
        "{% load actionplans_tags %}{% percent_complete record.state.percent %}",
        accessor="state",
        verbose_name="Complete",
        order_by=("state_percent",),
        empty_values=(),
    )
    last_updated = tables.TemplateColumn(
        '{{ record.state.reported_on|date:"j M Y" }}',
        accessor="state",
        verbose_name="Updated",
        order_by=("state_reported_on",),
        empty_values=(),
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
