"""Committee papers as Word documents, made from the same HTML as their PDFs.

A clerk pastes or uploads Word into the council's committee system (ModernGov, CMIS). The
.docx is written from the paper's own HTML (reports.rendering.document_html), so the two
cannot say different things: each section (front sheet, appendix) becomes a Word section of
its orientation, with the running header and "Page n of N" counted within it, as in the
PDF; headings become Heading 1-3, tables real tables whose header rows repeat on each page
and whose rows do not break across pages, a status its word on its RAG colour, and a chart
a PNG with its text as alternative text. The document's title, subject and language
(en-GB) are set, as the PDF's are."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.rendering import Paper, document_html, plan_paper_html

FONT = "Liberation Sans"
DEFAULT_COLOUR = "#1d5c63"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
# A status's word on a pale fill with its RAG colour as a bar before it, as in the PDF
# (static/reports/appendix.css).
STATUS_COLOURS = {
    "red": ("D4351C", "F6D7D2"),
    "amber": ("C77E00", "FFF2CC"),
    "green": ("00703C", "CCE2D8"),
    "blue": ("1D70B8", "D2E2F1"),
    "grey": ("505A5F", "E5E6E7"),
    "none": ("505A5F", "E5E6E7"),
}
# Tables whose caption the PDF keeps for screen readers only (static/reports/appendix.css
# moves it off the page): in Word it is the table's alternative-text title instead.
HIDDEN_CAPTIONS = {"progress", "front-sheet__summary", "impact-form__header", "impact-form__grid"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "ul", "ol", "table", "figure", "div", "section", "dl"}
VOID = {"br", "col", "img", "meta", "link", "hr", "input"}


@dataclass
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str):
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    yield child
                yield from child.find_all(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.raw_svg: list[str] | None = None
        self.svg_depth = 0

    def handle_starttag(self, tag, attrs):
        if self.raw_svg is not None:
            self.svg_depth += tag == "svg"
            self.raw_svg.append(self.get_starttag_text())
            return
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag == "svg":  # kept as its source, to draw as a picture
            self.raw_svg, self.svg_depth = [self.get_starttag_text()], 1
            self.stack.append(node)
        elif tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        if self.raw_svg is not None:
            self.raw_svg.append(self.get_starttag_text())
            return
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if self.raw_svg is not None:
            self.raw_svg.append(f"</{tag}>")
            self.svg_depth -= tag == "svg"
            if self.svg_depth == 0:
                svg = self.stack.pop()
                svg.attrs["source"] = "".join(self.raw_svg)
                self.raw_svg = None
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self.raw_svg is not None:
            self.raw_svg.append(data.replace("&", "&amp;").replace("<", "&lt;"))
            return
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@dataclass
class Running:
    """The running header of a section: "Council – Meeting" on the left, "Appendix 1:
    Title" on the right, as the PDF's @top-left and @top-right say."""

    council: str = ""
    meeting: str = ""
    appendix: str = ""
    title: str = ""


class WordPaper:
    def __init__(self, paper: Paper, *, brand_colour: str, numbered: bool) -> None:
        self.doc = Document()
        self.paper = paper
        self.numbered = numbered
        colour = brand_colour if re.fullmatch(r"#[0-9a-fA-F]{6}", brand_colour) else DEFAULT_COLOUR
        self.brand = RGBColor.from_string(colour.lstrip("#").upper())
        self.sections_written = 0
        self._styles()
        properties = self.doc.core_properties
        properties.title = paper.title
        properties.subject = paper.description
        properties.language = "en-GB"
        properties.author = paper.title.rsplit(" – ", 1)[-1]

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10)
        normal.font.color.rgb = TEXT
        normal.paragraph_format.space_before = Pt(4)
        normal.paragraph_format.space_after = Pt(2)
        # The document's language, for spelling and for screen readers: en-GB throughout.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = run_defaults.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_defaults.append(lang)
        lang.set(qn("w:val"), "en-GB")
        fonts = run_defaults.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            run_defaults.insert(0, fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for level, size in ((1, 18), (2, 13), (3, 11)):
            style = styles[f"Heading {level}"]
            style.font.name = FONT
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.color.rgb = self.brand if level == 1 else TEXT
            style.paragraph_format.keep_with_next = True
            # The theme's heading font would win over the council's: drop it.
            fonts = style.element.rPr.find(qn("w:rFonts"))
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if fonts is not None and fonts.get(qn(attribute)) is not None:
                    del fonts.attrib[qn(attribute)]

    # Sections -------------------------------------------------------------------------

    def add_section(self, sheet: Node) -> None:
        landscape = "sheet--landscape" in sheet.classes
        section = (
            self.doc.sections[0]
            if not self.sections_written
            else self.doc.add_section(WD_SECTION.NEW_PAGE)
        )
        self.sections_written += 1
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (
            (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        )
        section.top_margin, section.bottom_margin = Mm(24), Mm(18)
        section.left_margin = section.right_margin = Mm(14 if landscape else 18)
        section.header_distance = section.footer_distance = Mm(10)
        running = self._running(sheet)
        self._header(section, running)
        self._footer(section)
        self.blocks(sheet.children)

    def _running(self, sheet: Node) -> Running:
        running = Running()
        for node in sheet.find_all("p"):
            if "paper-header__council" in node.classes:
                running.council = squeeze(node.text()).strip()
            elif "paper-header__meeting" in node.classes:
                running.meeting = squeeze(node.text()).strip()
            elif "appendix-label" in node.classes:
                running.appendix = squeeze(node.text()).strip()
        h1 = next(sheet.find_all("h1"), None)
        running.title = squeeze(h1.text()).strip() if h1 else ""
        return running

    def _header(self, section, running: Running) -> None:
        section.header.is_linked_to_previous = False
        left = " – ".join(part for part in (running.council, running.meeting) if part)
        right = f"{running.appendix}: {running.title}" if running.appendix else running.title
        first = section.header.paragraphs[0]
        first.text = ""
        second = section.header.add_paragraph()
        second.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for paragraph, text in ((first, left), (second, right)):
            run = paragraph.add_run(text)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x33, 0x33, 0x33)

    def _footer(self, section) -> None:
        section.footer.is_linked_to_previous = False
        paragraph = section.footer.paragraphs[0]
        paragraph.text = ""
        if not self.numbered:
            return
        # Counted through the document: "Page 12 of 40" in the whole report, and from 1 in a
        # front sheet or appendix of its own. (Word's SECTIONPAGES would count each sheet of
        # the whole report from 1, as its PDF does, but LibreOffice cannot show it.)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for piece in ("Page ", "PAGE", " of ", "NUMPAGES"):
            if piece.isupper():
                self._field(paragraph, piece)
            else:
                paragraph.add_run(piece).font.size = Pt(9)

    @staticmethod
    def _field(paragraph, instruction: str) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(9)
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {text} "
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        shown = OxmlElement("w:t")
        shown.text = "1"
        run._r.append(shown)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, children: list) -> None:
        loose: list = []  # inline content between blocks, as one paragraph
        for child in children:
            if isinstance(child, Node) and child.tag in BLOCKS | {"header", "main", "article"}:
                self._flush(loose)
                loose = []
                self.block(child)
            elif isinstance(child, Node) and child.tag in ("script", "style", "title", "meta"):
                continue
            else:
                loose.append(child)
        self._flush(loose)

    def _flush(self, inline: list) -> None:
        if any((c if isinstance(c, str) else c.text()).strip() for c in inline):
            self.inline(self.doc.add_paragraph(), inline)

    def block(self, node: Node) -> None:
        if node.tag == "header" and "paper-header" in node.classes:
            # The council and meeting open the paper, as in the PDF.
            for p in node.find_all("p"):
                paragraph = self.doc.add_paragraph()
                run = paragraph.add_run(squeeze(p.text()).strip())
                run.bold = "paper-header__council" in p.classes
            return
        if node.tag in ("h1", "h2", "h3", "h4"):
            level = min(int(node.tag[1]), 3)
            self.inline(self.doc.add_paragraph(style=f"Heading {level}"), node.children)
        elif node.tag == "p":
            paragraph = self.doc.add_paragraph()
            self.inline(paragraph, node.children)
            if "appendix-label" in node.classes:
                for run in paragraph.runs:
                    run.bold = True
        elif node.tag in ("ul", "ol"):
            style = "List Bullet" if node.tag == "ul" else "List Number"
            for item in node.children:
                if isinstance(item, Node) and item.tag == "li":
                    self.inline(self.doc.add_paragraph(style=style), item.children)
        elif node.tag == "table":
            self.table(node)
        elif node.tag == "figure":
            self.figure(node)
        elif node.tag == "dl":
            for child in node.children:
                if isinstance(child, Node) and child.tag in ("dt", "dd"):
                    paragraph = self.doc.add_paragraph()
                    self.inline(paragraph, child.children)
                    if child.tag == "dt":
                        for run in paragraph.runs:
                            run.bold = True
        else:  # div, section, main: their contents
            self.blocks(node.children)

    # Inline ---------------------------------------------------------------------------

    def inline(self, paragraph, children: list, *, bold=False, italic=False) -> None:
        for child in children:
            if isinstance(child, str):
                text = squeeze(child)
                if not paragraph.runs:
                    text = text.lstrip()
                if text:
                    add_text(paragraph, text, bold=bold, italic=italic)
            elif child.tag == "br":
                paragraph.add_run().add_break()
            elif "status" in child.classes:
                self.status(paragraph, child)
            elif "app-mark" in child.classes:  # Overdue, No update for Q2: a marked word
                self.status(
                    paragraph, child, "red" if "app-mark--overdue" in child.classes else "amber"
                )
            elif "govuk-!-display-block" in child.classes:  # a line of its own
                if paragraph.runs:
                    paragraph.add_run().add_break()
                self.inline(paragraph, child.children, bold=bold, italic=italic)
            elif child.tag in ("strong", "b", "th"):
                self.inline(paragraph, child.children, bold=True, italic=italic)
            elif child.tag in ("em", "i"):
                self.inline(paragraph, child.children, bold=bold, italic=True)
            elif child.tag in BLOCKS or child.tag == "li":
                self.inline(paragraph, [" ", *child.children, " "], bold=bold, italic=italic)
            elif child.tag == "svg":
                continue
            else:
                hidden = "visually-hidden" in child.classes or "govuk-visually-hidden" in (
                    child.classes
                )
                if not hidden:
                    self.inline(paragraph, child.children, bold=bold, italic=italic)
        if paragraph.runs:
            last = paragraph.runs[-1]
            last.text = last.text.rstrip()

    def status(self, paragraph, node: Node, rag: str = "") -> None:
        rag = rag or next(
            (c.split("--")[1] for c in node.classes if c.startswith("status--")), "none"
        )
        bar, fill = STATUS_COLOURS.get(rag, STATUS_COLOURS["none"])
        if paragraph.runs and not paragraph.runs[-1].text.endswith(" "):
            paragraph.add_run(" ")
        word = paragraph.add_run(squeeze(node.text()).strip())
        word.bold = True
        # The word on a pale fill inside a line of its RAG colour: the colour is never
        # alone, and nothing but the word is read out.
        properties = word._r.get_or_add_rPr()
        border = OxmlElement("w:bdr")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "0"), ("color", bar)):
            border.set(qn(f"w:{key}"), value)
        properties.append(border)
        properties.append(shading(fill))

    # Tables ---------------------------------------------------------------------------

    def table(self, node: Node) -> None:
        body = self.doc.element.body
        blocks = [e for e in body.iterchildren() if e.tag != qn("w:sectPr")]
        if blocks and blocks[-1].tag == qn("w:tbl"):
            # Word joins two tables with nothing between them into one: keep them apart.
            self.doc.add_paragraph()
        caption = next(
            (c for c in node.children if isinstance(c, Node) and c.tag == "caption"), None
        )
        caption_text = squeeze(caption.text()).strip() if caption is not None else ""
        if caption_text and not node.classes & HIDDEN_CAPTIONS:
            paragraph = self.doc.add_paragraph(style="Caption")
            self.inline(paragraph, caption.children)
            paragraph.paragraph_format.keep_with_next = True
        head_rows, body_rows = [], []
        for part in node.children:
            if not isinstance(part, Node):
                continue
            if part.tag == "thead":
                head_rows += [r for r in part.children if isinstance(r, Node) and r.tag == "tr"]
            elif part.tag in ("tbody", "tfoot"):
                body_rows += [r for r in part.children if isinstance(r, Node) and r.tag == "tr"]
            elif part.tag == "tr":
                body_rows.append(part)
        rows = head_rows + body_rows
        if not rows:
            return
        width = max(
            sum(int(c.attrs.get("colspan", 1) or 1) for c in row.children if isinstance(c, Node))
            for row in rows
        )
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if caption_text:  # the table's name for screen readers (Word's "Alt Text" title)
            properties = table._tbl.tblPr
            name = OxmlElement("w:tblCaption")
            name.set(qn("w:val"), caption_text[:255])
            properties.append(name)
        # Columns as wide as their words need, as the PDF's table layout makes them: a
        # number column narrow, an action's title wide.
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        least, natural = [10.0] * width, [10.0] * width  # millimetres
        for row in rows:
            column = 0
            for cell_node in (c for c in row.children if isinstance(c, Node)):
                if cell_node.tag in ("th", "td") and column < width:
                    span = int(cell_node.attrs.get("colspan", 1) or 1)
                    if span == 1:
                        text = squeeze(cell_node.text()).strip()
                        word = max((len(w) for w in text.split()), default=0)
                        # Room for its longest word whole (bold 10pt, with the cell's
                        # padding), and for its text up to a line of 60 characters.
                        least[column] = max(least[column], word * 2.2 + 5)
                        natural[column] = max(natural[column], min(len(text), 60) * 2.0 + 5)
                    column += span
        table.autofit = False
        for column, mm in zip(table.columns, share(usable / 36000, least, natural), strict=True):
            column.width = Mm(mm)
        # Every row made at once (python-docx's add_row copies the grid's widths each time).
        table = _with_rows(table, len(rows))
        for index, (row, word_row) in enumerate(zip(rows, table.rows, strict=True)):
            cells = word_row.cells
            is_head = index < len(head_rows)
            tr_properties = word_row._tr.get_or_add_trPr()
            no_split = OxmlElement("w:cantSplit")
            tr_properties.append(no_split)
            if is_head:
                repeat = OxmlElement("w:tblHeader")
                tr_properties.append(repeat)
            column = 0
            for cell_node in (c for c in row.children if isinstance(c, Node)):
                if cell_node.tag not in ("th", "td") or column >= width:
                    continue
                span = int(cell_node.attrs.get("colspan", 1) or 1)
                cell = cells[column]
                if span > 1:
                    cell = cell.merge(cells[min(column + span, width) - 1])
                paragraph = cell.paragraphs[0]
                self.inline(paragraph, cell_node.children, bold=cell_node.tag == "th")
                if is_head:
                    self._shade(cell, "F3F2F1")
                column += span

    @staticmethod
    def _shade(cell, fill: str) -> None:
        cell._tc.get_or_add_tcPr().append(shading(fill))

    # Charts ---------------------------------------------------------------------------

    def figure(self, node: Node) -> None:
        svg = next(node.find_all("svg"), None)
        if svg is None:
            self.blocks(node.children)
            return
        source = svg.attrs["source"]
        # The chart's own title and description (its first <title> and <desc>): the words a
        # screen reader reads for it on the page and in the PDF.
        title, desc = (
            html.unescape(squeeze(re.sub(r"<[^>]+>", "", found.group(1))).strip())
            if (found := re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", source, re.S))
            else ""
            for tag in ("title", "desc")
        )
        png = svg_png(source)
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        self.doc.add_picture(io.BytesIO(png), width=min(usable, Mm(240)))
        picture = self.doc.inline_shapes[-1]
        properties = picture._inline.docPr
        properties.set("descr", " ".join(part for part in (title, desc) if part))
        properties.set("title", svg.attrs.get("data-title") or title or "Chart")

    def write(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def shading(fill: str):
    """A plain fill of colour `fill` (hex), for a run or a table cell."""
    element = OxmlElement("w:shd")
    element.set(qn("w:val"), "clear")
    element.set(qn("w:color"), "auto")
    element.set(qn("w:fill"), fill)
    return element


def share(total: float, least: list[float], natural: list[float]) -> list[float]:
    """Widths summing to `total`: each column at least its `least`, the rest shared out in
    proportion to how much more each would like (its `natural` width)."""
    floor = [min(value, total / len(least) * 2) for value in least]
    spare = max(total - sum(floor), 0)
    wants = [max(n - f, 0) for n, f in zip(natural, floor, strict=True)]
    if not sum(wants):
        return [f + spare / len(floor) for f in floor]
    widths = [f + spare * w / sum(wants) for f, w in zip(floor, wants, strict=True)]
    scale = total / sum(widths)
    return [w * scale for w in widths]


def add_text(paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """A run of plain text (no tabs or line breaks: squeezed), written straight into the
    XML: python-docx's add_run reads the text a character at a time and looks up every
    property it sets, a third of making a 300-action appendix."""
    run = OxmlElement("w:r")
    if bold or italic:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if italic:
            properties.append(OxmlElement("w:i"))
        run.append(properties)
    element = OxmlElement("w:t")
    element.text = text
    element.set(qn("xml:space"), "preserve")
    run.append(element)
    paragraph._p.append(run)


def _with_rows(table, count: int):
    """`table` (made with no rows) given `count` rows of its columns in one go."""
    columns = len(table.columns)
    widths = [column.width for column in table.columns]
    for _ in range(count):
        tr = table._tbl.add_tr()
        for width in widths[:columns]:
            tc = tr.add_tc()
            tc.width = width
    return table


def svg_png(source: str) -> bytes:
    """A chart's SVG drawn as a PNG at twice its size, for Word."""
    import cairosvg

    return cairosvg.svg2png(bytestring=source.encode(), scale=2.0, background_color="white")


def html_to_docx(html: str, paper: Paper, *, brand_colour: str, numbered: bool = True) -> bytes:
    """A paper's HTML (one or more sheets) as a Word document."""
    tree = parse(html)
    word = WordPaper(paper, brand_colour=brand_colour, numbered=numbered)
    sheets = [s for s in tree.find_all("section") if "sheet" in s.classes]
    for sheet in sheets:
        word.add_section(sheet)
    return word.write()


def papers_to_docx(sections: list[str], pack: Paper, parts: list[Paper], council, numbered):
    """The whole report, then each section as a paper of its own, as Word documents: the
    same sections the PDFs are laid out from (reports.rendering.papers_to_pdf)."""
    colour = council.brand_colour or DEFAULT_COLOUR
    whole = document_html(sections, pack, council=council, numbered=numbered)
    documents = [html_to_docx(whole, pack, brand_colour=colour, numbered=numbered)]
    for section, paper in zip(sections, parts, strict=True):
        html = document_html([section], paper, council=council, numbered=numbered)
        documents.append(html_to_docx(html, paper, brand_colour=colour, numbered=numbered))
    return documents


def render_plan_docx(plan, as_at) -> bytes:
    """A plan's progress as a Word document of its own (export_plan --format docx)."""
    html, paper = plan_paper_html(plan, as_at)
    return html_to_docx(html, paper, brand_colour=plan.council.brand_colour)
