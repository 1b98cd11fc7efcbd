"""reports.pdftags on small documents made to cross page breaks in every way a paper can:
what a screen reader gets from the structure tree once WeasyPrint's tagged PDF is
finished."""

import pikepdf
import weasyprint

from reports import pdftags
from tests.papercheck import check_marked_content, structure

pdftags.stamp_elements()

PAGE = "@page { size: A6; margin: 10mm; @bottom-right { content: 'Page ' counter(page); } }"


def tagged(body: str, css: str = "") -> tuple[bytes, pdftags.Sources]:
    """A tagged PDF as WeasyPrint writes it, and what its tagging said while writing."""
    html = (
        f'<html lang="en-GB"><head><title>Test</title><style>{PAGE} {css}</style></head>'
        f"<body><main>{body}</main></body></html>"
    )
    with pdftags.recording() as found:
        data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data, found


def finished(body: str, css: str = "", tmp_path=None):
    data = pdftags.finish(*tagged(body, css))
    path = tmp_path / "test.pdf"
    path.write_bytes(data)
    return data, path, structure(path)


def rows(n: int, start: int = 0) -> str:
    return "".join(
        f'<tr><th scope="row">Row {i}</th><td>Value {i}</td></tr>' for i in range(start, n)
    )


def table(n: int, caption: str = "Things", foot: bool = False) -> str:
    tfoot = '<tfoot><tr><th scope="row">Total</th><td>All</td></tr></tfoot>' if foot else ""
    return (
        f"<table><caption>{caption}</caption>"
        '<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>'
        f"{tfoot}<tbody>{rows(n)}</tbody></table>"
    )


def pages(path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def test_a_table_over_many_pages_is_one_table_with_one_header(tmp_path):
    data, path, tree = finished(table(60), tmp_path=tmp_path)
    assert pages(path) >= 4
    [only] = tree.find("Table")
    assert [kid.role for kid in only.kids] == ["Caption", "THead", "TBody"]
    assert len(only.find("TR")) == 61
    assert [row.all_text() for row in only.find("TR")][:2] == ["Name Value", "Row 0 Value 0"]
    assert "Row 59 Value 59" in only.all_text()
    # The header row printed on every page is an artifact: in the text, not the tree.
    assert tree.all_text().count("Name Value") == 1
    assert check_marked_content(pikepdf.open(path)) == []


def test_data_cells_on_later_pages_name_the_first_header(tmp_path):
    data, path, _ = finished(table(60), tmp_path=tmp_path)
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        names = root.IDTree.Names
        by_id = {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        headers = set()
        cells = 0
        for element in walk(root):
            if element.S == "/TD":
                cells += 1
                named = [bytes(h) for h in element.A.Headers]
                assert all(h in by_id for h in named), named
                headers.add(named[-1])  # the column's header
        assert cells == 60
        assert len(headers) == 1  # every value names the one "Value" header
        assert by_id[headers.pop()].A.Scope == "/Column"


def test_two_tables_meeting_at_a_page_break_stay_two(tmp_path):
    body = table(3, "First") + '<div style="break-before: page"></div>' + table(3, "Second")
    _, _, tree = finished(body, tmp_path=tmp_path)
    tables = tree.find("Table")
    assert [t.find("Caption")[0].all_text() for t in tables] == ["First", "Second"]
    assert [len(t.find("TR")) for t in tables] == [4, 4]


def test_paragraphs_joined_only_where_one_runs_over_a_page(tmp_path):
    long = "word " * 400
    body = f"<p>Short one.</p><p style='break-before: page'>Short two.</p><p>{long}</p>"
    _, path, tree = finished(body, tmp_path=tmp_path)
    assert pages(path) >= 3
    paragraphs = tree.find("P")
    assert [p.all_text()[:9] for p in paragraphs] == ["Short one", "Short two", "word word"]
    assert paragraphs[2].all_text().count("word") == 400


def test_a_list_over_pages_is_one_list(tmp_path):
    items = "".join(f"<li>Item {i}</li>" for i in range(80))
    _, _, tree = finished(f"<ul>{items}</ul>", tmp_path=tmp_path)
    [only] = tree.find("L")
    assert len(only.find("LI")) == 80


def test_a_repeated_foot_is_kept_once_and_last(tmp_path):
    _, _, tree = finished(
        table(60, foot=True), "tfoot { display: table-footer-group; }", tmp_path=tmp_path
    )
    [only] = tree.find("Table")
    kinds = [kid.role for kid in only.kids]
    assert kinds.count("TFoot") == 1 and kinds[-1] == "TFoot", kinds
    assert tree.all_text().count("Total All") == 1


def test_header_cells_have_scopes(tmp_path):
    body = (
        "<table><caption>Grid</caption><thead><tr><td></td><th scope='col'>A</th></tr></thead>"
        "<tbody><tr><th scope='row'>One</th><td>1</td></tr>"
        "<tr><th scope='col'>B</th><th scope='col'>C</th></tr></tbody></table>"
    )
    data, path, _ = finished(body, tmp_path=tmp_path)
    with pikepdf.open(path) as pdf:
        scopes = {}
        for element in walk(pdf.Root.StructTreeRoot):
            if element.S == "/TH":
                scopes[len(scopes)] = str(element.A.Scope)
    assert list(scopes.values()) == ["/Column", "/Row", "/Column", "/Column"]


def test_links_on_every_page_belong_to_their_elements(tmp_path):
    body = "".join(f'<p><a href="https://example.org/{i}">Link {i}</a></p>' for i in range(60))
    data, path, tree = finished(body, tmp_path=tmp_path)
    assert len(tree.find("Link")) == 60
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        links = 0
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                owner = owners[int(annotation.StructParent)]
                assert owner.S == "/Link"
                links += 1
        assert links == 60
        assert check_marked_content(pdf) == []


def test_page_numbers_are_artifacts(tmp_path):
    data, path, tree = finished(table(60), tmp_path=tmp_path)
    assert "Page" not in tree.all_text()
    with pikepdf.open(path) as pdf:
        artifacts = 0
        for page in pdf.pages:
            for operands, _ in pikepdf.parse_content_stream(page, "BDC"):
                if operands[0] == "/Artifact" and operands[1].get("/Type") == "/Pagination":
                    artifacts += 1
        assert artifacts >= pages(path)  # the number at least, on every page


def test_the_same_document_makes_the_same_bytes():
    assert pdftags.finish(*tagged(table(40))) == pdftags.finish(*tagged(table(40)))


def test_an_untagged_pdf_is_left_alone():
    plain = weasyprint.HTML(string="<p>Plain</p>").write_pdf()
    assert pdftags.finish(plain) == plain


def test_without_the_record_fragments_are_left_apart(tmp_path):
    """Fragments are joined only when WeasyPrint said which HTML element each came from:
    never guessed from roles, which would join two tables that meet at a page break."""
    data, _ = tagged(table(60))
    path = tmp_path / "unrecorded.pdf"
    path.write_bytes(pdftags.finish(data))
    assert len(structure(path).find("Table")) == pages(path) > 1


def test_a_header_cell_without_a_scope_gets_one_by_its_place(tmp_path):
    body = (
        "<table><caption>Grid</caption><thead><tr><th>A</th><th>B</th></tr></thead>"
        "<tbody><tr><th>One</th><td>1</td></tr><tr><th>C</th><th>D</th></tr></tbody></table>"
    )
    _, path, _ = finished(body, tmp_path=tmp_path)
    with pikepdf.open(path) as pdf:
        scopes = [str(e.A.Scope) for e in walk(pdf.Root.StructTreeRoot) if e.S == "/TH"]
    assert scopes == ["/Column", "/Column", "/Row", "/Column", "/Column"]


def walk(node):
    kids = node.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from walk(kid)
