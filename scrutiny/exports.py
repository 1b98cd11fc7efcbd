"""The register as an Excel workbook, in the shape councils keep it: #, Recommendation,
Response, Comment, then who is responsible, dates and delivery."""

from __future__ import annotations

import io

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from actionplans.exports import new_sheet, write_cell

COLUMNS = [
    ("Scrutiny report", 30),
    ("#", 6),
    ("Recommendation", 60),
    ("Response", 12),
    ("Comment", 50),
    ("Responsible", 26),
    ("Response date", 13),
    ("Response due", 13),
    ("Implementation status", 18),
    ("Progress of linked actions", 36),
]


def render_xlsx(recommendations, council_name: str) -> bytes:
    """`recommendations` with .progress set and their source, response and holder selected."""
    workbook, sheet = new_sheet(
        f"Scrutiny recommendations – {council_name}", "Recommendations", COLUMNS, freeze="C2"
    )
    for number, rec in enumerate(recommendations, start=2):
        values = [
            rec.source.title,
            rec.reference,
            rec.text,
            rec.response.label if rec.response else "",
            rec.response_comment,
            rec.portfolio_holder.title if rec.portfolio_holder else rec.responsible_officer,
            rec.response_date,
            rec.due_date,
            rec.get_implementation_display(),
            rec.progress.summary,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            if value is not None:
                write_cell(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=column in (1, 3, 5, 10))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(recommendations) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
