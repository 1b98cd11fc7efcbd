"""The assessment list as an Excel workbook: one row per assessment and area, so a sheet
filter answers "which decisions had a negative impact on pollution"."""

from __future__ import annotations

import io

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from actionplans.exports import new_sheet, write_cell

COLUMNS = [
    ("Council", 24),
    ("Assessment", 36),
    ("Form", 28),
    ("State", 11),
    ("Committee", 18),
    ("Committee date", 14),
    ("Date assessed", 14),
    ("Head of service", 28),
    ("Category", 22),
    ("Area", 36),
    ("Rating", 12),
    ("Comments", 60),
]


def render_xlsx(assessments, council_name: str) -> bytes:
    """`assessments` prefetched with their template's categories and rows, and answers."""
    workbook, sheet = new_sheet(
        f"Impact assessments – {council_name}", "Ratings", COLUMNS, freeze="A2"
    )
    row_number = 1
    for assessment in assessments:
        for category, rows in assessment.grid():
            for row, answer in rows:
                row_number += 1
                values = [
                    assessment.council.name,
                    assessment.report_subject,
                    f"{assessment.template.name} (version {assessment.template.version})",
                    assessment.get_state_display(),
                    assessment.committee.name if assessment.committee else "",
                    assessment.committee_date,
                    assessment.date_assessed,
                    assessment.head_of_service,
                    category.title,
                    row.label,
                    answer.option.label if answer and answer.option else "Not rated",
                    answer.comment if answer else "",
                ]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row_number, column=column)
                    if value is not None:
                        write_cell(cell, value)
                    cell.alignment = Alignment(vertical="top", wrap_text=column in (2, 10, 12))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(row_number, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
