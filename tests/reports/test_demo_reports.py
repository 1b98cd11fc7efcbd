from django.core.management import call_command

from reports.models import Appendix, CommitteeReport, ContactOfficer


def test_demo_has_the_seed_000_cabinet_report(db):
    report = CommitteeReport.objects.get(council__slug="norwich", item_number="8")
    assert report.subject == "Reducing inequalities action plan"
    assert report.committee.name == "Cabinet"
    assert report.financial_implications == "None – activity to be met from within existing budgets"
    assert [c.job_title for c in report.contacts.all()][:2] == [
        "Executive head of strategy, people and neighbourhoods",
        "Head of local neighbourhood services",
    ]
    assert [a.label for a in report.appendices.all()] == ["Appendix 1", "Appendix 2"]


def test_demo_reports_load_idempotently(db):
    before = (
        CommitteeReport.objects.count(),
        Appendix.objects.count(),
        ContactOfficer.objects.count(),
    )
    call_command("seed_demo_reports")
    after = (
        CommitteeReport.objects.count(),
        Appendix.objects.count(),
        ContactOfficer.objects.count(),
    )
    assert after == before


def test_a_plan_without_workstreams_has_no_heading_for_them(db):
    from reports.rendering import render_appendix_html

    appendix = Appendix.objects.get(title="Outline pilot activity within Lakenham")
    html = render_appendix_html(appendix)
    assert "<h2>" not in html and "Other actions" not in html
    assert "GP referrals to debt advice" in html
