"""CSV files as Excel writes them on a UK council PC: Windows-1252 with a £ sign, or UTF-8
with a byte-order mark, CRLF line ends and a line break inside a quoted cell.

Rows are written as (row, reference, title, group, lead, deadline, status, percent,
commentary): see tests/spreadsheets/sheets.py for how each is read."""

import pytest

from actionplans.imports import read_plan
from tests.spreadsheets.sheets import check_rows, csv_text, roles_of

pytestmark = pytest.mark.django_db

# 10. "CSV (Comma delimited)": Windows-1252, with £, an en dash and curly apostrophes -----

CP1252_SHEET = [
    ["Reference", "Action", "Lead department", "Deadline", "Status", "Comments"],
    ["EC1", "Bid for £1.2m from the Local Growth Fund for the station forecourt",
     "Environment & Regeneration", "June 2016", "Complete",
     "£1.2m awarded; match funding of £150k agreed with the county."],
    ["EC2", "Pay the £350,000 shopfront improvement grants", "Economic Development",
     "March 2018", "On target", "19 grants paid – £8,400 on average."],
    ["EC3", "Agree a business case for the council’s energy company", "Corporate Resources",
     "Q4 2016/17", "Slipped", "The advisers’ report is due in January."],
]  # fmt: skip

CP1252_ROWS = [
    (2, "EC1", "Bid for £1.2m from the Local Growth Fund for the station forecourt", None,
     "Environment & Regeneration", "June 2016", "Complete", None,
     "£1.2m awarded; match funding of £150k agreed with the county."),
    (3, "EC2", "Pay the £350,000 shopfront improvement grants", None, "Economic Development",
     "March 2018", "On target", None, "19 grants paid – £8,400 on average."),
    (4, "EC3", "Agree a business case for the council’s energy company", None,
     "Corporate Resources", "Q4 2016/17", "~Behind schedule", None,
     "The advisers’ report is due in January."),
]  # fmt: skip


def test_windows_1252_csv_keeps_the_pound_sign(council):
    data = csv_text(CP1252_SHEET).encode("cp1252")
    assert b"\xa3" in data  # the £ as Excel writes it: not UTF-8

    parsed = read_plan(data, "regeneration_fund.csv", council)

    check_rows(parsed, CP1252_ROWS)
    texts = [a.title + a.commentary for a in parsed.actions]
    assert all("\ufffd" not in text and "Â" not in text for text in texts)
    assert roles_of(parsed) == {
        "A": "reference",
        "B": "title",
        "C": "lead",
        "D": "deadline",
        "E": "status",
        "F": "commentary",
    }


# 11. "CSV UTF-8": a byte-order mark, CRLF line ends, a CRLF inside a quoted cell ---------

BOM_SHEET = [
    ["Ref", "Action", "Lead", "Target Date", "Status", "Latest Update"],
    ["CS01", "Reduce avoidable contact at the customer service centre", "Customer Services",
     "March 2017", "On target", "Contact down 12% on last year."],
    ["CS02", "Launch a new council website", "ICT and Digital", "November 2016",
     "Some slippage", "Content migration is behind plan.\r\nGo-live moved to January 2017."],
    ["CS03", "Introduce webchat for council tax queries", "Revenues and Benefits",
     "September 2016", "Complete", "Live since 1 September 2016."],
]  # fmt: skip

BOM_ROWS = [
    (2, "CS01", "Reduce avoidable contact at the customer service centre", None,
     "Customer Services", "March 2017", "On target", None, "Contact down 12% on last year."),
    (3, "CS02", "Launch a new council website", None, "ICT and Digital",
     "November 2016", "Some slippage", None,
     "Content migration is behind plan.\nGo-live moved to January 2017."),
    (4, "CS03", "Introduce webchat for council tax queries", None, "Revenues and Benefits",
     "September 2016", "Complete", None, "Live since 1 September 2016."),
]  # fmt: skip


def test_utf8_csv_with_byte_order_mark_and_crlf(council):
    data = ("\ufeff" + csv_text(BOM_SHEET, line_end="\r\n")).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data

    parsed = read_plan(data, "customer_access.csv", council)

    check_rows(parsed, BOM_ROWS)
    # The mark is not part of the first header, so the reference column is found.
    assert parsed.columns[0].header == "Ref"
    assert parsed.columns[0].role == "reference"
    assert roles_of(parsed)["F"] == "commentary"
    assert not any("\r" in a.title + a.commentary for a in parsed.actions)
