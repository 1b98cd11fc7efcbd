"""Checks that a paper reads right with a screen reader, for every kind of paper.

A PDF is read three ways, none of them ours: poppler's `pdfinfo -struct-text` (the
structure tree with the text each element holds, as assistive technology walks it),
pikepdf (the tree's attributes: /Scope, /Headers, /Alt, and the marked content of each
page) and pdfua (an independent checker of the machine-checkable part of PDF/UA-1). What
they find is compared with the HTML the paper was made from. A Word paper is read with
python-docx and compared with the same HTML."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pikepdf

# UA-14-001 (headings are not empty) crashes in pdfua 0.1.3 on any heading whose /K is an
# array (`getattr(array, "is_integer")` raises ValueError under pikepdf 8 to 10), so it is
# never evaluated; check_headings does its work. See docs/accessibility.md.
PDFUA_CRASHES = {"UA-14-001"}


# --- the structure tree as a screen reader gets it ---------------------------------------


@dataclass
class Element:
    role: str
    text: str = ""  # its own lines of text
    kids: list[Element] = field(default_factory=list)

    def all_text(self) -> str:
        return squeeze(" ".join([self.text, *(kid.all_text() for kid in self.kids)]))

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def find(self, role: str) -> list[Element]:
        return [element for element in self.walk() if element.role == role]


def squeeze(text: str) -> str:
    return " ".join(text.split())


def structure(path: Path) -> Element:
    """The tree `pdfinfo -struct-text` prints: two spaces of indent a level, an element's
    role first on its line, its text in double quotes, attributes starting with "/"."""
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    root = Element("(root)")
    stack: list[tuple[int, Element]] = [(-1, root)]
    for line in out.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        content = line.strip()
        if not content or content.startswith("/"):
            continue
        if content.startswith('"'):
            # The innermost element open at a smaller indent holds the text.
            while stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            parent.text = squeeze(f"{parent.text} {content[1:-1]}")
            continue
        while stack[-1][0] >= indent:
            stack.pop()
        element = Element(re.split(r"[\s:<(]", content, maxsplit=1)[0])
        stack[-1][1].kids.append(element)
        stack.append((indent, element))
    return root


# --- the HTML the paper was made from -----------------------------------------------------


@dataclass
class HtmlTable:
    caption: str = ""
    rows: int = 0
    head_rows: int = 0


@dataclass
class HtmlPaper:
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[HtmlTable] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (short title, alt text)
    header_scopes: list[str] = field(default_factory=list)  # each th's scope attribute


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Reader(HTMLParser):
    """Headings, tables and chart titles of a paper's HTML, skipping what the paper's CSS
    hides (display: none) from print and from the PDF."""

    HIDDEN = {"govuk-visually-hidden"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paper = HtmlPaper()
        self.heading: list | None = None
        self.caption: list | None = None
        self.tables: list[HtmlTable] = []
        self.in_head = False
        self.chart_title: str | None = None
        self.svg_title: list | None = None
        self.svg_depth = 0
        self.hidden_depth = 0
        self.open_tags: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = bool(set((attributes.get("class") or "").split()) & self.HIDDEN)
        if tag not in VOID:
            self.open_tags.append(hidden)
            self.hidden_depth += hidden
        if self.hidden_depth:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.heading = [int(tag[1])]
        elif tag == "table":
            table = HtmlTable()
            self.tables.append(table)
            self.paper.tables.append(table)
        elif tag == "caption":
            self.caption = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "th":
            self.paper.header_scopes.append(attributes.get("scope") or "")
        elif tag == "tr" and self.tables:
            self.tables[-1].rows += 1
            self.tables[-1].head_rows += self.in_head
        elif tag == "svg":
            self.svg_depth += 1
            if self.svg_depth == 1:
                self.chart_title = attributes.get("data-title")
        elif tag == "title" and self.svg_depth == 1 and self.svg_title is None:
            self.svg_title = []

    def handle_endtag(self, tag):
        if tag not in VOID and self.open_tags:
            self.hidden_depth -= self.open_tags.pop()
        if re.fullmatch(r"h[1-6]", tag) and self.heading is not None:
            level, *words = self.heading
            self.paper.headings.append((level, squeeze("".join(words))))
            self.heading = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1].caption = squeeze("".join(self.caption))
            self.caption = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "table" and self.tables:
            self.tables.pop()
        elif tag == "title" and self.svg_title is not None and self.chart_title is not None:
            self.paper.charts.append((self.chart_title, squeeze("".join(self.svg_title))))
            self.chart_title = None
        elif tag == "svg":
            self.svg_depth -= 1
            if self.svg_depth == 0:
                self.svg_title = None

    def handle_data(self, data):
        if self.hidden_depth:
            return
        for words in (self.heading, self.caption, self.svg_title):
            if words is not None:
                words.append(data)


def read_html(html: str) -> HtmlPaper:
    reader = _Reader()
    reader.feed(html)
    return reader.paper


# --- the checks ------------------------------------------------------------------------------


def pdfua_findings(path: Path) -> list[str]:
    """What pdfua finds, and any rule that did not run other than the one known to crash."""
    import pdfua

    report = pdfua.validate(str(path))
    problems = [f"{f.rule_id} {f.location.describe()}: {f.message}" for f in report.findings]
    for outcome in report.skipped:
        if outcome.rule_id not in PDFUA_CRASHES:
            problems.append(f"{outcome.rule_id} did not run: {outcome.skipped_reason}")
    return problems


def check_pdf(data: bytes, html: str, title: str, tmp_path: Path) -> list[str]:
    """Every way the PDF `data`, made from `html` under `title`, fails a screen-reader user,
    as sentences (an empty list when it reads right)."""
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    problems = pdfua_findings(path)
    tree = structure(path)
    source = read_html(html)
    with pikepdf.open(path) as pdf:
        problems += check_document(pdf, title)
        problems += check_tables(pdf, tree, source)
        problems += check_figures(pdf, tree, source)
        problems += check_marked_content(pdf)
    problems += check_headings(tree, source)
    problems += check_margins(tree, path)
    return problems


def check_document(pdf, title: str) -> list[str]:
    problems = []
    if str(pdf.Root.get("/Lang", "")) != "en-GB":
        problems.append(f"language is {pdf.Root.get('/Lang')!r}, not en-GB")
    preferences = pdf.Root.get("/ViewerPreferences")
    if preferences is None or preferences.get("/DisplayDocTitle") is not True:
        problems.append("the viewer is not asked to show the title (DisplayDocTitle)")
    if str(pdf.docinfo.get("/Title", "")) != title:
        problems.append(f"title is {pdf.docinfo.get('/Title')!r}, not {title!r}")
    mark = pdf.Root.get("/MarkInfo")
    if mark is None or mark.get("/Marked") is not True:
        problems.append("not marked as tagged (MarkInfo /Marked)")
    with pdf.open_metadata() as xmp:
        if xmp.get("pdfuaid:part") != "1":
            problems.append("no PDF/UA-1 identification (pdfuaid:part) in the XMP metadata")
    return problems


def _pdf_elements(pdf):
    """The structure elements as pikepdf objects, in reading order."""

    def kids(node):
        k = node.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]
        return [item for item in items if isinstance(item, pikepdf.Dictionary) and "/S" in item]

    stack = list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        element = stack.pop()
        yield element, kids(element)
        stack.extend(reversed(kids(element)))


def check_tables(pdf, tree: Element, source: HtmlPaper) -> list[str]:
    problems = []
    tables = tree.find("Table")
    if len(tables) != len(source.tables):
        problems.append(f"{len(tables)} Table elements for {len(source.tables)} HTML tables")
    for table, html_table in zip(tables, source.tables, strict=False):
        name = html_table.caption or "a table"
        kinds = [kid.role for kid in table.kids]
        wrong = set(kinds) - {"THead", "TBody", "TFoot", "TR", "Caption"}
        if wrong:
            problems.append(f"{name}: a Table holds {sorted(wrong)}")
        if kinds.count("THead") > 1 or kinds.count("TFoot") > 1:
            problems.append(f"{name}: its header rows are in the tree more than once")
        rows = table.find("TR")
        if len(rows) != html_table.rows:
            problems.append(f"{name}: {len(rows)} rows in the PDF, {html_table.rows} in the HTML")
        for row in rows:
            if {kid.role for kid in row.kids} - {"TH", "TD"}:
                problems.append(f"{name}: a row holds {[kid.role for kid in row.kids]}")
        captions = table.find("Caption")
        if html_table.caption and (not captions or captions[0].all_text() != html_table.caption):
            problems.append(f"{name}: its caption is not the table's first element")
    scopes = [
        {"/Column": "col", "/Row": "row"}.get(str(attributes.get("/Scope")), "")
        for element, _ in _pdf_elements(pdf)
        if element.S == "/TH"
        for attributes in [element.get("/A", {})]
    ]
    # PDF has no column or row groups: a header spanning a group is a Column (Row) header
    # with /ColSpan (/RowSpan).
    html_scopes = [scope.replace("group", "") for scope in source.header_scopes]
    if scopes != html_scopes:
        wrong = [
            (n, pdf_scope, html_scope)
            for n, (pdf_scope, html_scope) in enumerate(zip(scopes, html_scopes, strict=False))
            if pdf_scope != html_scope
        ]
        problems.append(
            f"the header cells' /Scope is not their HTML scope: {len(scopes)} in the PDF, "
            f"{len(html_scopes)} in the HTML; (cell, PDF, HTML) {wrong[:3]}"
        )
    ids = set()
    for element, _ in _pdf_elements(pdf):
        if "/ID" in element:
            ids.add(bytes(element.ID))
    id_tree = pdf.Root.StructTreeRoot.get("/IDTree")
    listed = set(bytes(key) for key in id_tree.Names[::2]) if id_tree is not None else set()
    if ids - listed:
        problems.append(f"{len(ids - listed)} element ids are missing from the IDTree")
    for element, _ in _pdf_elements(pdf):
        attributes = element.get("/A")
        attributes = attributes if isinstance(attributes, pikepdf.Dictionary) else {}
        if element.S == "/TH" and attributes.get("/Scope") not in ("/Column", "/Row", "/Both"):
            problems.append("a header cell has no /Scope")
        if element.S == "/TD" and "/Headers" in attributes:
            missing = [bytes(h) for h in attributes.Headers if bytes(h) not in ids]
            if missing:
                problems.append(f"a data cell names header cells that are not there: {missing}")
    return problems


def check_figures(pdf, tree: Element, source: HtmlPaper) -> list[str]:
    problems = []
    figures = [element for element, _ in _pdf_elements(pdf) if element.S == "/Figure"]
    if len(figures) != len(source.charts):
        problems.append(f"{len(figures)} Figures for {len(source.charts)} charts")
    for figure, (chart_title, alt) in zip(figures, source.charts, strict=False):
        said = squeeze(str(figure.get("/Alt", "")))
        if said != alt or not re.search(r"\d", said):
            problems.append(f"the chart {chart_title!r} says {said!r}, not its reading {alt!r}")
    # In reading order, the next table after each chart is the table of its numbers.
    order = [
        element
        for element in tree.walk()
        if element.role in ("Figure", "Table", "H1", "H2", "H3", "H4", "H5", "H6", "P")
    ]
    for (chart_title, _), figure in zip(source.charts, tree.find("Figure"), strict=False):
        after = order[order.index(figure) + 1 :]
        following = after[0] if after else None
        if following is None or following.role != "Table":
            role = following.role if following else "nothing"
            problems.append(f"the chart {chart_title!r} is followed by {role}, not its table")
        elif not following.find("Caption")[0].all_text().startswith(chart_title):
            problems.append(f"the chart {chart_title!r} is followed by another table")
    return problems


def check_headings(tree: Element, source: HtmlPaper) -> list[str]:
    problems = []
    headings = [
        (int(element.role[1]), element.all_text())
        for element in tree.walk()
        if re.fullmatch(r"H[1-6]", element.role)
    ]
    if headings != source.headings:
        problems.append(f"the headings are {headings}, not the HTML's {source.headings}")
    previous = 0
    for level, text in headings:
        if not text:
            problems.append(f"an empty H{level}")
        if level > previous + 1:
            problems.append(f"H{level} {text!r} comes after H{previous}: a level is skipped")
        previous = level
    return problems


def check_margins(tree: Element, path: Path) -> list[str]:
    """The page numbers are printed (pdftotext reads them) but are artifacts: no structure
    element holds them."""
    printed = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    numbers = re.findall(r"Page \d+ of \d+", printed)
    tagged = re.findall(r"Page \d+ of \d+", tree.all_text())
    if tagged:
        return [f"page numbers are tagged as content: {tagged[:3]}"]
    return [] if numbers or "Page " not in printed else ["no page numbers were printed"]


def check_marked_content(pdf) -> list[str]:
    """Every marked-content id on every page is owned by an element in the tree (the rest
    of the page is an artifact)."""
    reachable = {element.objgen for element, _ in _pdf_elements(pdf)}
    parents = pdf.Root.StructTreeRoot.ParentTree.Nums
    owners = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
    problems = []
    for index, page in enumerate(pdf.pages):
        array = owners.get(int(page.get("/StructParents", -1)))
        for operands, _ in pikepdf.parse_content_stream(page, "BDC"):
            properties = operands[1] if len(operands) > 1 else None
            if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
                continue
            mcid = int(properties.MCID)
            owner = array[mcid] if array is not None and mcid < len(array) else None
            if owner is None or not isinstance(owner, pikepdf.Dictionary):
                problems.append(f"page {index + 1}: marked content {mcid} has no element")
            elif owner.objgen not in reachable:
                problems.append(f"page {index + 1}: marked content {mcid} is outside the tree")
    return problems[:10]


# --- Word ------------------------------------------------------------------------------------


def check_docx(data: bytes, html: str, title: str) -> list[str]:
    """What a screen-reader user of Word needs: headings as heading styles, in the HTML's
    order without skipped levels; each table's header rows marked to repeat; alt text on
    every picture; the title and the language set."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(data))
    source = read_html(html)
    problems = []
    headings = []
    for paragraph in document.paragraphs:
        found = re.fullmatch(r"Heading (\d)", paragraph.style.name or "")
        if found:
            headings.append((int(found.group(1)), squeeze(paragraph.text)))
    if headings != source.headings:
        problems.append(f"the headings are {headings}, not the HTML's {source.headings}")
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            problems.append(f"Heading {level} {text!r} comes after {previous}: a level skipped")
        previous = level
    tables = document.tables
    if len(tables) != len(source.tables):
        problems.append(f"{len(tables)} Word tables for {len(source.tables)} HTML tables")
    for table, html_table in zip(tables, source.tables, strict=False):
        rows = table._tbl.findall(qn("w:tr"))
        repeated = [
            row.find(qn("w:trPr")) is not None
            and row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
            for row in rows
        ]
        expected = [True] * html_table.head_rows + [False] * (len(rows) - html_table.head_rows)
        if html_table.head_rows and repeated != expected:
            problems.append(
                f"{html_table.caption or 'a table'}: header rows to repeat {repeated[:4]}…"
            )
    for shape in document.inline_shapes:
        described = shape._inline.docPr.get("descr") or ""
        if not described.strip():
            problems.append("a picture has no alternative text")
    properties = document.core_properties
    if properties.title != title:
        problems.append(f"the title is {properties.title!r}, not {title!r}")
    if properties.language != "en-GB":
        problems.append(f"the document's language is {properties.language!r}")
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    if lang is None or lang.get(qn("w:val")) != "en-GB":
        problems.append("the text's language (w:lang) is not en-GB")
    return problems
