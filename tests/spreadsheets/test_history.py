"""A tracker with a column per quarter ("Q1 update | Q2 update | Q3 update"): the latest is
this report; the earlier ones are kept as their own quarters' updates, nothing lost and
nothing guessed."""

import datetime

from actionplans.imports import create_plan, read_plan
from actionplans.state import states
from tests.actionplans.test_one_truth import copies_match_the_read_model
from tests.spreadsheets.sheets import xlsx

D = datetime.date
ROWS = [
    ["Community Plan 2016/17: quarterly monitoring"],
    [],
    ["Ref", "Action", "Lead", "Q1 RAG", "Q1 update", "Q2 RAG", "Q2 update", "Q3 RAG", "Q3 update"],
    ["1", "Open the new library", "Libraries", "G", "Site agreed", "A", "Builder late", "G",
     "Back on plan"],
    ["2", "Launch the tenants' forum", "Housing", "G", "Terms drafted", "", "", "", ""],
    ["3", "Review grass cutting", "Parks", "", "", "", "", "B", "Done in December"],
]  # fmt: skip


def test_earlier_quarters_are_kept_as_their_own_updates(council, importer, statuses):
    parsed = read_plan(xlsx(ROWS), "monitoring.xlsx", council, accept_suggestions=True)
    roles = {c.header: c.role for c in parsed.columns}
    assert roles["Q3 update"] == "commentary" and roles["Q3 RAG"] == "rag"
    assert {roles[h] for h in ("Q1 RAG", "Q1 update", "Q2 RAG", "Q2 update")} == {"history"}
    assert parsed.as_at == D(2016, 12, 31)
    library, forum, grass = parsed.actions
    # Statuses from RAG letters are not confirmed for the earlier quarters: kept as written.
    assert [(e.day, e.status, e.commentary) for e in library.history] == [
        (D(2016, 6, 30), None, "RAG: G\nSite agreed"),
        (D(2016, 9, 30), None, "RAG: A\nBuilder late"),
    ]
    assert [(e.day, e.commentary) for e in forum.history] == [
        (D(2016, 6, 30), "RAG: G\nTerms drafted")
    ]
    assert grass.history == []
    assert any("Earlier periods' progress is kept" in note for note in parsed.notes)

    plan = create_plan(parsed, council, title="Community Plan", by=importer)
    library = plan.actions.get(reference="1")
    assert list(
        library.updates.order_by("reported_on").values_list("reported_on", "commentary")
    ) == [
        (D(2016, 6, 30), "RAG: G\nSite agreed"),
        (D(2016, 9, 30), "RAG: A\nBuilder late"),
        (D(2016, 12, 31), "Back on plan"),
    ]
    assert library.status == statuses["On target"]  # the latest report is the current one
    # The forum reported only in Q1: that is its report now (words, no confirmed status).
    forum = plan.actions.get(reference="2")
    assert (forum.status, forum.status_commentary, forum.last_updated) == (
        None,
        "RAG: G\nTerms drafted",
        D(2016, 6, 30),
    )
    # The read model reads each quarter's own words.
    [at_q2] = states(plan.actions.filter(reference="1"), D(2016, 9, 30))
    assert at_q2.commentary == "RAG: A\nBuilder late"
    assert copies_match_the_read_model(plan.actions.all()) == []
