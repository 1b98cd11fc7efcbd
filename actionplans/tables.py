import django_tables2 as tables

from actionplans.models import Action

MAX_PER_PAGE = 500


class ActionTable(tables.Table):
    reference = tables.Column("Ref", order_by=("order",), empty_values=())
    title = tables.Column("Action", linkify=True, attrs={"a": {"class": "govuk-link"}})
    plan = tables.Column("Plan", linkify=True, attrs={"a": {"class": "govuk-link"}})
    workstream = tables.Column(order_by=("workstream__order",))
    lead = tables.Column("Lead", accessor="lead_display", orderable=False)
    deadline = tables.TemplateColumn(
        template_name="actionplans/partials/deadline_cell.html",
        order_by=("deadline_date",),
    )
    status = tables.TemplateColumn(
        template_name="actionplans/partials/status_cell.html",
        order_by=("status__order", "status__label"),
    )
    percent_complete = tables.TemplateColumn(
        "{% load actionplans_tags %}{% percent_complete record.percent_complete %}",
        verbose_name="Complete",
    )
    last_updated = tables.DateColumn("j M Y", verbose_name="Updated")

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
