"""A corpus of bad uploads, sent through both spreadsheet importers as a person would
(upload, then preview, then confirm): each gets a clear message, nothing is written, never
a 500."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import Action, Plan
from councils.models import Department, User
from scrutiny.models import Recommendation, Source
from spreadsheets.models import Upload
from tests.forms import form_fields

pytestmark = pytest.mark.django_db

DAMAGED = "This Excel file is damaged"
NOT_A_SPREADSHEET = "This is not an Excel (.xlsx) or CSV file"


def workbook(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    def fill(sheet):
        sheet.append(["Action", "Lead", "Deadline", "Status"])
        for i in range(30):
            sheet.append(
                [f"Action number {i} with some words", "Housing", "March 2016", "On track"]
            )

    return workbook(fill)


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def merged_chaos(sheet):
    sheet.append(["Action", "Lead", "Deadline", "Status"])
    sheet.merge_cells("A1:D3")
    sheet.merge_cells("B5:B40")
    sheet["A1"] = "Plan"


CORPUS = {
    "truncated.xlsx": (good_xlsx()[: len(good_xlsx()) // 2], DAMAGED),
    "picture.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, NOT_A_SPREADSHEET),
    "letter.xlsx": (b"%PDF-1.7\n" + b"binary" * 200, NOT_A_SPREADSHEET),
    "junk.csv": (bytes(range(256)) * 40, NOT_A_SPREADSHEET),
    "empty.csv": (b"", "The file is empty"),
    "empty.xlsx": (workbook(lambda sheet: None), "The file is empty"),
    "old-format.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old .xls format"),
    "bomb.xlsx": (zip_of({"xl/big.xml": b"\x00" * (120 * 1024 * 1024)}), "unpacks to"),
    "ratio-bomb.xlsx": (zip_of({"xl/big.xml": b"a" * (8 * 1024 * 1024)}), "times its size"),
    "not-a-workbook.xlsx": (zip_of({"hello.txt": b"hello"}), DAMAGED),
    "word-document.xlsx": (
        zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        DAMAGED,
    ),
    "huge.csv": (
        b"Action,Lead,Deadline,Status\n" + b"Do a thing,Housing,March 2016,On track\n" * 100_001,
        "rows; the limit is",
    ),
    "wide.xlsx": (workbook(lambda sheet: sheet.append(["x"] * 100)), "the limit is 60 columns"),
    "formulas.xlsx": (
        workbook(
            lambda sheet: (
                sheet.append(["Action", "Status", "#", "Recommendation"]),
                sheet.append(["=1+1", "On track", "1", '=HYPERLINK("x")']),
            )
        ),
        "formula",
    ),
    "formulas.csv": (
        b"Action,Status,#,Recommendation\n=cmd|' /C calc'!A0,On track,1,+SUM(1)\n",
        "formula",
    ),
    "merged-chaos.xlsx": (workbook(merged_chaos), "No header row found"),
    "utf16.csv": ("Action,Status\nOne,On track\n".encode("utf-16"), NOT_A_SPREADSHEET),
    "utf16-no-bom.csv": ("Action,Status\nOne,On track\n".encode("utf-16-le"), NOT_A_SPREADSHEET),
    # The plan importer names the headers it found, so a person can give them roles.
    "no-header.csv": (
        b"alpha,beta,gamma\n1,2,3\n4,5,6\n",
        ("No header row found", "The header on row 1 has: alpha (column A); beta (column B)"),
    ),
    "header-only.xlsx": (
        workbook(
            lambda sheet: sheet.append(
                ["Action", "Lead", "Deadline", "Status", "#", "Recommendation", "Agree?"]
            )
        ),
        "below",
    ),
    "only-commas.csv": (b",,,,\n,,,,\n,,,\n", "No header row found"),
    "bad-quotes.csv": (b'Action,Status\n"unterminated,On track\n' + b"x" * 200_000, None),
    "html-page.xlsx": (
        b"<html><body><table><tr><td>Action</td></tr></table></body></html>",
        NOT_A_SPREADSHEET,
    ),
}


@pytest.fixture
def signed_in(client):
    client.force_login(User.objects.get(username="norwich-plan-manager"))
    return client


def counts():
    return (
        Plan.objects.count(),
        Action.objects.count(),
        Source.objects.count(),
        Recommendation.objects.count(),
    )


def upload(client, url: str, name: str, data: bytes, extra: dict):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(url, {"spreadsheet": file, **extra})


@pytest.mark.parametrize("name", list(CORPUS))
@pytest.mark.parametrize(
    "importer",
    [
        ("actionplans:plan-import", {"title": "Corpus plan"}),
        ("scrutiny:import", {"title": "Corpus inquiry", "date": "2015-01-01"}),
    ],
    ids=["plan", "recommendations"],
)
def test_each_bad_file_gets_a_clear_message_and_nothing_is_written(
    signed_in, settings, tmp_path, name, importer
):
    data, expected = CORPUS[name]
    url_name, extra = importer
    before = counts()
    response = upload(signed_in, reverse(url_name, args=["norwich"]), name, data, extra)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused by the upload form itself (size, type)
        html = response.content.decode()
        assert "There is a problem" in html
    else:
        assert Upload.objects.count() == 1  # kept only until the preview reads it
        preview = signed_in.get(response["Location"])
        assert preview.status_code == 200
        html = preview.content.decode()
        if expected is not None:
            alternatives = expected if isinstance(expected, tuple) else (expected,)
            assert any(text in html for text in alternatives), (
                name,
                html[html.find("govuk-error-summary") :][:600],
            )
        assert "cannot be imported" in html or "There is a problem" in html
        if "No column holds the actions" in html:
            # Fixable by giving the columns roles: the file is kept for that, and confirming
            # as it stands imports nothing.
            assert Upload.objects.count() == 1
            assert signed_in.post(response["Location"], {"confirm": "1"}).status_code == 200
        else:
            # Refused, so deleted at once: confirming afterwards finds nothing to import.
            assert not Upload.objects.exists()
            assert signed_in.post(response["Location"], {"confirm": "1"}).status_code == 404
    assert counts() == before


def xlsx_with_raw_text(replacements: dict[bytes, bytes]) -> bytes:
    """A workbook whose stored XML says exactly what Excel would write for the text."""

    def fill(sheet):
        sheet.append(["Action", "Lead", "Deadline", "Status"])
        sheet.append(["Run a jobs fair CELL_B2", "Housing CELL_C2", "March 2016", "On target"])
        sheet.append(["Open a food bank", "Housing", "June 2016", "On target"])

    members = {}
    with zipfile.ZipFile(io.BytesIO(workbook(fill))) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            for old, new in replacements.items():
                data = data.replace(old, new)
            members[name] = data
    return zip_of(members)


CONTROL_FILES = {
    # A NUL far past the start, where a binary sniff does not look, and other controls.
    "late-nul.csv": (
        b"Action,Lead,Deadline,Status\n"
        + b"".join(b"Do thing %d,Housing,March 2016,On target\n" % i for i in range(400))
        + b"Run a jobs fair\x00,Hous\x1bing\x07,March 2016,On target\n",
        ["row 402, column A", "row 402, column B"],
    ),
    "escaped-controls.xlsx": (
        xlsx_with_raw_text({b" CELL_B2": b"_x0000_ now", b" CELL_C2": b"_x0007__x001B_"}),
        ["row 2, column A", "row 2, column B"],
    ),
}


@pytest.mark.parametrize("name", list(CONTROL_FILES))
def test_control_characters_are_removed_with_the_cells_named(signed_in, settings, tmp_path, name):
    data, cells = CONTROL_FILES[name]
    response = upload(
        signed_in, reverse("actionplans:plan-import", args=["norwich"]), name, data, {"title": name}
    )
    page = signed_in.get(response["Location"])
    preview = page.content.decode()
    assert "Removed hidden control characters (such as NUL)" in preview
    for cell in cells:
        assert cell in preview
    assert "\x00" not in preview and "\x07" not in preview and "_x0000_" not in preview
    confirmed = signed_in.post(response["Location"], form_fields(page, confirm="1"))
    assert confirmed.status_code == 302
    plan = Plan.objects.get(title=name)
    stored = " ".join(
        [a.title + " " + a.status_commentary for a in plan.actions.all()]
        + [d.name for d in Department.objects.filter(council__slug="norwich")]
    )
    assert "Housing" in stored
    assert "Run a jobs fair" in stored
    assert not any(char in stored for char in "\x00\x07\x1b")
    page = signed_in.get(plan.get_absolute_url()).content.decode()
    assert "\x00" not in page and "\x1b" not in page


def test_an_upload_over_the_limit_is_refused_before_it_is_kept(signed_in, settings, tmp_path):
    """The size limit is applied as the bytes arrive: past it, nothing more is kept in
    memory or on disk, and the form says how large is too large."""
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    big = b"Action,Status\n" + b"A thing to do,On target\n" * 10_000  # about 230 KB
    seen = []
    from config import uploads

    original = uploads.SizeLimitHandler.receive_data_chunk

    def spy(self, raw_data, start):
        passed = original(self, raw_data, start)
        seen.append(0 if passed is None else len(passed))
        return passed

    uploads.SizeLimitHandler.receive_data_chunk = spy
    try:
        response = upload(
            signed_in,
            reverse("actionplans:plan-import", args=["norwich"]),
            "big.csv",
            big,
            {"title": "Big"},
        )
    finally:
        uploads.SizeLimitHandler.receive_data_chunk = original
    html = response.content.decode()
    assert response.status_code == 200 and "The file is larger than 64 KB." in html
    assert sum(seen) <= settings.MAX_UPLOAD_BYTES  # what went on to be stored
    assert not Upload.objects.exists()
