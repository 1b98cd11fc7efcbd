"""Spreadsheets public bodies published, read as they are (realworld/README.md gives each
file's origin and licence): a London borough's climate KPI tracker, Barcelona's municipal
and district action plans in Catalan, and a US federal procurement milestone tracker."""

import csv
import datetime
import re

import openpyxl
import pytest

from actionplans.imports import create_plan, read_plan
from actionplans.models import Action
from tests.spreadsheets.sheets import (
    REALWORLD,
    column,
    deadline_date,
    deadline_text,
    group_text,
    lead_text,
    roles_of,
    status_text,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def one_line(text: str) -> str:
    return " ".join(text.split())


def full_title(workstream) -> str:
    """A workstream as printed: its reference (if the importer split one off) and title."""
    reference = getattr(workstream, "reference", "")
    return f"{reference} {workstream.title}" if reference else workstream.title


def full_group(workstream) -> str | None:
    if workstream is None:
        return None
    if workstream.parent is None:
        return one_line(full_title(workstream))
    return f"{one_line(full_title(workstream.parent))} > {one_line(full_title(workstream))}"


# Lambeth: Priority KPIs tracker ---------------------------------------------------------------

LAMBETH = "lambeth_climate_priority_kpi_tracker.xlsx"


def lambeth_bytes() -> bytes:
    return (REALWORLD / LAMBETH).read_bytes()


def lambeth_sheet() -> list[tuple]:
    worksheet = openpyxl.load_workbook(REALWORLD / LAMBETH, read_only=True).active
    return list(worksheet.iter_rows(values_only=True))


LAMBETH_ROLES = {
    "Sector": "group",
    "Goal": "group",
    "KPI Number": "reference",
    "KPI Long name": "title",
    # The header is "Description " with a trailing space: matched all the same.
    "Description": "description",
}

GOAL_4 = (
    "4. Advancing equality in Lambeth to reduce the disparity between the impacts of the "
    "climate crisis on different groups"
)
GOAL_20 = (
    "20. Break the association between inner-London living and poor air quality, pursuing "
    "World Health Organisation air quality targets"
)

# (row, reference, title, group, lead, deadline, status, percent)
LAMBETH_ROWS = {
    2: (2, "1", "Annual territorial emissions (KtCO2e)", "Target > Net Zero by 2030",
        "", "", None, None),
    10: (10, "9", "% of residents who say that climate change is important to them",
         "General > Engagement", "", "", None, None),
    11: (11, "24", "Level of deprivation across the borough", f"Adaptation > {GOAL_4}",
         "", "", None, None),
    # Trailing space and a trailing line break in the title cell.
    12: (12, "25", "% of domestic buildings in the borough reaching EPC C or above",
         "Buildings & Energy > 5. Ensure all of Lambeth’s existing buildings (residential & "
         "non-residential) have reached an average of EPC level C or higher by 2030.",
         "", "", None, None),
    28: (28, "94",
         "Number of sites across Lambeth exceeding the interim WHO standards for NO2 "
         "concentrations",
         f"Biodiversity and Environmental Quality > {GOAL_20}", "", "", None, None),
}  # fmt: skip


def lambeth_summary(action) -> tuple:
    return (
        action.row,
        action.reference,
        action.title,
        full_group(action.workstream),
        lead_text(action),
        deadline_text(action),
        status_text(action),
        action.percent,
    )


def test_lambeth_columns_mapped_by_hand(council):
    parsed = read_plan(lambeth_bytes(), LAMBETH, council, roles=LAMBETH_ROLES)
    sheet = lambeth_sheet()

    assert len(parsed.actions) == 27
    assert [a.row for a in parsed.actions] == list(range(2, 29))
    by_row = {a.row: a for a in parsed.actions}
    for row, expected in LAMBETH_ROWS.items():
        assert lambeth_summary(by_row[row]) == expected
    # The chosen description column, whole; the importer may add "Reason for KPI" to it
    # as a paragraph of its own, but nothing is cut.
    assert (
        "Total kilotonnes of carbon dioxide equivalent emitted in Lambeth, is the best measure "
        "of Lambeth Borough's contribution to the UK's emissions."
    ) in by_row[2].description.splitlines()
    assert by_row[11].description.rstrip().endswith("which are the most deprived.")

    # Whole file: every title and description as the sheet has them, trimmed.
    assert [a.title for a in parsed.actions] == [row[3].strip() for row in sheet[1:]]
    assert all(
        row[6].strip() in a.description.splitlines()
        for a, row in zip(parsed.actions, sheet[1:], strict=True)
    )
    assert [a.reference for a in parsed.actions] == [str(row[2]) for row in sheet[1:]]

    # Seven sectors, fourteen goals beneath them; non-breaking spaces read as spaces.
    tops = [w for w in parsed.workstreams if w.parent is None]
    subs = [w for w in parsed.workstreams if w.parent is not None]
    assert [w.title for w in tops] == [
        "Target",
        "General",
        "Adaptation",
        "Buildings & Energy",
        "Transport",
        "Waste, Consumption and Food",
        "Biodiversity and Environmental Quality",
    ]
    assert len(subs) == 14
    for workstream in parsed.workstreams:
        assert "\xa0" not in full_title(workstream)
        assert full_title(workstream) == full_title(workstream).strip()
    assert [full_group(a.workstream) for a in parsed.actions] == [
        f"{row[0]} > {one_line(row[1])}" for row in sheet[1:]
    ]
    for letter in "ABCDG":
        assert column(parsed, letter).how == "chosen"
    _assert_lambeth_reports_no_progress(parsed)


def test_lambeth_read_without_help(council):
    """The title is the KPI's long name (column D): the short name is an identifier and the
    goal a group. The Y/N column and the baselines say nothing of progress."""
    parsed = read_plan(lambeth_bytes(), LAMBETH, council)
    sheet = lambeth_sheet()

    assert column(parsed, "D").role == "title"
    assert [a.title for a in parsed.actions] == [row[3].strip() for row in sheet[1:]]
    assert [c.header.strip() for c in parsed.columns] == [h.strip() for h in sheet[0]]
    _assert_lambeth_reports_no_progress(parsed)


def _assert_lambeth_reports_no_progress(parsed) -> None:
    roles = roles_of(parsed)
    assert len(roles) == 14  # every column listed, mapped or not
    # "Include on new dashboard" (Y/N) is not a status; nor the Updated notes.
    assert roles["M"] not in ("status", "rag", "percent", "commentary")
    assert roles["N"] not in ("status", "rag", "percent")
    # Baseline year and value, and the unit, are not % complete or a deadline.
    assert roles["H"] not in ("percent", "deadline")
    assert roles["I"] not in ("percent", "deadline")
    assert roles["J"] != "percent"
    assert all(a.status is None and a.suggestion is None for a in parsed.actions)
    assert all(a.rag == "" for a in parsed.actions)
    assert all(a.percent is None for a in parsed.actions)
    assert all(deadline_date(a) is None for a in parsed.actions)
    assert parsed.unknown_statuses == {}
    assert parsed.errors == []


# Barcelona: PAM and PAD 2016-2019 action plans ---------------------------------------------

BARCELONA = "barcelona_pam_pad_2016_2019_action_plans.csv"

BARCELONA_ROLES = {
    "ID": "reference",
    "Títol": "title",
    "Descripció": "description",
    "Categoria": "group",
    "Subcategoria": "group",
    "Districte": "wards",
    "Propostes": "ignore",
    "Suports": "ignore",
    "Comentaris": "ignore",
    "Participants": "ignore",
    "Intervencions": "ignore",
    "URL": "ignore",
}

HTML_TAG = re.compile(r"</?(div|br|ul|ol|li|b|i|p|span|strong|em)\b[^>]*>", re.IGNORECASE)


def barcelona_records() -> list[dict]:
    with open(REALWORLD / BARCELONA, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def lines(text: str) -> list[str]:
    """The text's non-blank lines, trimmed, any list bullet removed."""
    return [line.strip().lstrip("-•*").strip() for line in text.splitlines() if line.strip()]


def test_barcelona_whole_file(council):
    parsed = read_plan(
        (REALWORLD / BARCELONA).read_bytes(), BARCELONA, council, roles=BARCELONA_ROLES
    )
    records = barcelona_records()

    assert len(records) == 1467
    assert len(parsed.actions) == 1467
    assert parsed.errors == []
    # Records, not physical lines: a line break inside a quoted description is one cell.
    assert [a.row for a in parsed.actions] == list(range(2, 1469))
    assert [a.reference for a in parsed.actions] == [r["ID"] for r in records]
    assert all(a.title == a.title.strip() for a in parsed.actions)
    assert [one_line(a.title) for a in parsed.actions] == [one_line(r["Títol"]) for r in records]

    # Descriptions: text, never HTML tags.
    assert not any("<div>" in a.description for a in parsed.actions)
    assert not any(HTML_TAG.search(a.description) for a in parsed.actions)
    # Three descriptions are only "<div><br></div>": empty, as they show.
    assert [a.row for a in parsed.actions if not a.description.strip()] == [109, 158, 1166]
    assert [r["ID"] for r in records if not HTML_TAG.sub("", r["Descripció"]).strip()] == [
        "3337",
        "3040",
        "5958",
    ]

    # Districts are wards; a city-wide action (blank district) has none.
    assert [a.wards for a in parsed.actions] == [
        [r["Districte"]] if r["Districte"] else [] for r in records
    ]
    assert len({w for a in parsed.actions for w in a.wards}) == 10
    assert sum(1 for a in parsed.actions if not a.wards) == 361

    # Categoria > Subcategoria: five categories, 29 sub-categories.
    assert [full_group(a.workstream) for a in parsed.actions] == [
        f"{one_line(r['Categoria'])} > {one_line(r['Subcategoria'])}" for r in records
    ]
    tops = [w for w in parsed.workstreams if w.parent is None]
    assert sorted(w.title for w in tops) == [
        "Bon govern",
        "Bon viure",
        "Economia plural",
        "Justícia global",
        "Transició ecològica",
    ]
    assert len(parsed.workstreams) == 34

    # Participation counts are not progress; "Comentaris" is a count, not commentary.
    assert all(a.status is None and a.suggestion is None for a in parsed.actions)
    assert all(a.percent is None for a in parsed.actions)
    assert all(a.commentary == "" for a in parsed.actions)
    assert parsed.unknown_statuses == {}
    roles = roles_of(parsed)
    assert [roles[letter] for letter in "ABCDEF"] == [
        "reference",
        "wards",
        "group",
        "group",
        "title",
        "description",
    ]
    assert all(roles[letter] == "ignore" for letter in "GHIJKL")
    assert all(c.how == "chosen" for c in parsed.columns)


def test_barcelona_rows(council):
    parsed = read_plan(
        (REALWORLD / BARCELONA).read_bytes(), BARCELONA, council, roles=BARCELONA_ROLES
    )
    by_row = {a.row: a for a in parsed.actions}

    first = by_row[2]
    assert (first.reference, first.title, first.wards, group_text(first.workstream)) == (
        "6508",
        "Desenvolupament de processos de participació específics al districte",
        ["Nou Barris"],
        "Bon govern > Participació ciutadana",
    )
    assert first.description == (
        "Revisió del pla d’equipament, finalització procés de plaça Sóller, Plans d’intervenció "
        "del pla de barris, Pla de futur de Can Peguera, disseny i definició del futur "
        "equipament de Ideal Flor, superilles i altres"
    )
    assert (deadline_text(first), first.departments, first.lead_officer_title) == ("", [], "")

    # Two <div> paragraphs: two lines. The title's trailing space is trimmed.
    parks = by_row[6]
    assert (parks.reference, parks.title) == ("2740", "Condicionar parcs i places")
    assert lines(parks.description) == [
        "Condicionar parcs i places, valorant la incorporació de més fonts i de mobiliari que "
        "afavoreixi la relació entre veïns en places com, per exemple, la plaça de George "
        "Orwell, la plaça de la Mercè, la plaça de Ramon Berenguer el Gran, el Parc de la "
        "Catalana, la plaça de Sant Miquel, etc.",
        "Habilitar més espais de joc per a infants o ampliar les àrees existents en espais com "
        "la rambla del Raval, la plaça de Salvador Seguí, la plaça d'Hilari Salvadó, la plaça "
        "de Sant Miquel o a la plaça dels Àngels.",
    ]

    # Empty <div><br></div> paragraphs leave no blank lines at the end.
    coeducation = by_row[23]
    assert coeducation.reference == "4795"
    assert coeducation.description == coeducation.description.rstrip()
    assert len(lines(coeducation.description)) == 1
    assert coeducation.description.strip().endswith("a tota la comunitat educativa.")

    # A line break inside the quoted field, and bold text: kept as text.
    places = by_row[327]
    assert (places.reference, places.wards) == ("4959", ["Eixample"])
    assert group_text(places.workstream) == "Bon viure > Educació i coneixement"
    assert lines(places.description)[1].startswith(
        "Escola Entença. Buscar un solar per construir la nova Escola Entença"
    )
    assert by_row[328].reference == barcelona_records()[326]["ID"]

    # A list: one line per item.
    seafront = by_row[1396]
    assert seafront.reference == "3023"
    assert lines(seafront.description) == [
        "Intervencions urbanístiques al barri del Diagonal Mar i Front Marítim:",
        "Arranjament dels triangles d'av. Diagonal. Reparació del paviment en mal estat",
        "Execució del pla urbanístic del solar de Selva de Mar, entre Veneçuela i av. Diagonal",
    ]

    # The last record, whose sub-category has a trailing space.
    last = by_row[1468]
    assert (last.reference, last.wards, group_text(last.workstream)) == (
        "6584",
        ["Nou Barris"],
        "Bon viure > Cicles de vida",
    )
    assert last.description == (
        "Dotar dels recursos suficients per garantir el complet funcionament del Casal de "
        "barri de Verdum."
    )


# CFPB / 18F: e-procurement milestones ---------------------------------------------------------

CFPB = "cfpb_18f_eprocurement_milestones.csv"

REPRESENTATIVE = "Progam office / Contracting Officer's Representative"

# (row, group, title, owner as written, deadline, completed on)
CFPB_ROWS = [
    (2, "1", "The Contracting Officer Representative submits the requisition cover sheet.",
     REPRESENTATIVE, "2016-01-11", D(2016, 1, 11)),
    (4, "1", "The procurement office assigns a Contracting Officer.",
     "Deputy Chief Procurement Officer", "2016-01-29", D(2016, 2, 1)),
    (5, "1", "The program office completes and submits the acquisition package.",
     REPRESENTATIVE, "2016-03-01", None),
    (13, "1", "The procurement office closes out the contract.", "Procurement office",
     "2017-09-30", None),
    (15, "2", "The Office of the Chief Financial Officer approves the requisition.",
     REPRESENTATIVE, "2016-01-25", D(2016, 1, 24)),
    (30, "3", "The procurement office and legal team review the acquisition package.",
     "Contracting Officer", "2016-03-14", None),
    (46, "4", "The contracting officer awards the contract.", "Contracting Officer",
     "2016-05-27", D(2016, 5, 23)),
    (47, "4", "The Contracting Officer Representative holds a kickoff with the vendor.",
     REPRESENTATIVE, "2016-06-25", None),
]  # fmt: skip


def cfpb_records() -> list[dict]:
    with open(REALWORLD / CFPB, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def owner_kept(action, owner: str) -> bool:
    """The owner's words are the lead, whether read as departments or a job title."""
    lead = lead_text(action)
    return all(part.strip() in lead for part in owner.split("/"))


def effective_status(action):
    return action.status or action.suggestion


def test_cfpb_milestones_grouped_by_procurement(council, statuses):
    parsed = read_plan(
        (REALWORLD / CFPB).read_bytes(), CFPB, council, roles={"Procurement ID": "group"}
    )
    records = cfpb_records()

    assert len(parsed.actions) == 48
    assert [a.row for a in parsed.actions] == list(range(2, 50))
    assert [a.title for a in parsed.actions] == [r["Milestone"].strip() for r in records]
    # A bare number names its group by the column: "Procurement ID 1", not "1".
    assert [w.title for w in parsed.workstreams] == [f"Procurement ID {n}" for n in "1234"]
    assert all(w.parent is None for w in parsed.workstreams)
    assert [a.workstream.title for a in parsed.actions] == [
        f"Procurement ID {r['Procurement ID']}" for r in records
    ]

    by_row = {a.row: a for a in parsed.actions}
    complete = statuses["Complete"]
    for row, group, title, owner, deadline, completed_on in CFPB_ROWS:
        action = by_row[row]
        assert (action.workstream.title, action.title) == (f"Procurement ID {group}", title)
        assert owner_kept(action, owner), lead_text(action)
        assert deadline_text(action) == deadline
        assert deadline_date(action) == D.fromisoformat(deadline)
        assert action.completed_on == completed_on
        assert effective_status(action) == (complete if completed_on else None)
        assert action.commentary == ""
        assert action.percent is None
    assert by_row[13].departments == ["Procurement office"]

    # Whole file: exactly the 18 milestones with a completion date are complete.
    done = [a for a in parsed.actions if a.completed_on is not None]
    assert len(done) == 18
    assert [a.completed_on for a in parsed.actions] == [
        D.fromisoformat(r["Actual Completion Date"]) if r["Actual Completion Date"] else None
        for r in records
    ]
    assert all(effective_status(a) == complete for a in done)
    assert all(effective_status(a) is None for a in parsed.actions if a.completed_on is None)
    assert [deadline_date(a) for a in parsed.actions] == [
        D.fromisoformat(r["Forecasted Date"]) for r in records
    ]
    assert all(owner_kept(a, r["Owner"]) for a, r in zip(parsed.actions, records, strict=True))
    assert parsed.errors == []


def test_cfpb_columns_read_without_help(council):
    parsed = read_plan((REALWORLD / CFPB).read_bytes(), CFPB, council)

    roles = roles_of(parsed)
    assert roles["B"] == "title"
    assert roles["C"] in ("lead", "lead_officer")
    assert roles["D"] == "deadline"
    assert roles["E"] == "completion_date"
    assert len(parsed.actions) == 48
    assert sum(1 for a in parsed.actions if a.completed_on is not None) == 18


def test_cfpb_plan_created_with_18_complete(council, importer):
    parsed = read_plan(
        (REALWORLD / CFPB).read_bytes(),
        CFPB,
        council,
        roles={"Procurement ID": "group"},
        accept_suggestions=True,
    )
    plan = create_plan(parsed, council, title="E-procurement milestones", by=importer)

    actions = Action.objects.filter(plan=plan)
    assert actions.count() == 48
    assert actions.filter(status__is_complete=True).count() == 18
    assert plan.workstreams.count() == 4
