"""The last step of every paper: WeasyPrint's tagged PDF finished so that it passes PDF/UA-1.

WeasyPrint 70 tags each page on its own. An element that runs over a page break (the
document, a section, a table of 300 actions) becomes one structure element per page, so a
screen reader meets a new table on every page, each with the header row again. Running
page headers, footers and page numbers are marked content that no structure element owns,
where PDF/UA wants artifacts. Header cells carry no /Scope. docs/accessibility.md says why
this is fixed here, after writing, rather than waiting for a WeasyPrint release.

`finish(pdf, found)` takes the PDF's bytes and returns them with:

* each HTML element one structure element: the fragments of an element on consecutive
  pages joined into the first (their content referred to by page);
* a table's header (or footer) row group repeated on later pages taken out of the tree,
  its cells' ids replaced in the data cells' /Headers by the first header's;
* /Scope on every header cell, from its HTML scope (Column for col and colgroup, Row for
  row and rowgroup; without one, Column in a table's head or a row of header cells only,
  Row beside data cells);
* content that no structure element owns (page margins, repeated header rows) marked as a
  pagination artifact in the page's content stream, and the ParentTree saying so;
* an /IDTree for the header cells' ids, which /Headers refer to.

What it needs to know and the PDF does not say, WeasyPrint's tagging tells it while the
PDF is written (`recording()`, through the wrapper `stamp_elements()` puts round its tree
builder): the HTML element each structure element came from, each header cell's scope,
the data cells, and the marked content of each page's margins, all by object number.
Without that record nothing is joined: guessing from roles would join two paragraphs,
tables or appendices that happen to meet at a page break."""

from __future__ import annotations

import contextlib
import io
import re
import threading
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

HEADER_GROUPS = ("/THead", "/TFoot")
TABLE, TFOOT, THEAD, TH, TD, TR = (
    Name(n) for n in ("/Table", "/TFoot", "/THead", "/TH", "/TD", "/TR")
)
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


@dataclass
class Sources:
    """What WeasyPrint's tagging said while it wrote a PDF, by object number."""

    elements: dict[int, str] = field(default_factory=dict)  # its HTML element and tag
    headers: dict[int, str | None] = field(default_factory=dict)  # TH: its HTML scope
    cells: list[int] = field(default_factory=list)  # every TD
    margins: dict[int, set[int]] = field(default_factory=dict)  # page: marked content ids


_local = threading.local()


@contextlib.contextmanager
def recording():
    """Record, into the Sources it yields, what WeasyPrint's tagging says of the PDF
    written on this thread inside the block."""
    _local.sources = found = Sources()
    try:
        yield found
    finally:
        _local.sources = None


def stamp_elements() -> None:
    """Have WeasyPrint's tagging tell `recording()` what it makes. Idempotent: wraps
    weasyprint.pdf.tags._build_box_tree, which calls itself through its module."""
    from weasyprint.formatting_structure.boxes import MarginBox
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "records_sources", False):
        return

    def build_and_record(box, parent, pdf, page_number, nums, annotations, page_tags):
        found = getattr(_local, "sources", None)
        source = box._box if isinstance(box, AbsolutePlaceholder) else box
        if found is None:
            yield from build(box, parent, pdf, page_number, nums, annotations, page_tags)
        elif isinstance(source, MarginBox):
            # Tagged, but left out of the tree: its marked content is to be an artifact.
            before = set(nums)
            yield from build(box, parent, pdf, page_number, nums, annotations, page_tags)
            found.margins.setdefault(page_number, set()).update(set(nums) - before)
        else:
            stamp = None
            if source.element is not None:
                stamp = f"{id(source.element):x}:{source.element_tag}"
            for element in build(box, parent, pdf, page_number, nums, annotations, page_tags):
                number = element.number
                if stamp is not None and number not in found.elements:
                    found.elements[number] = stamp
                    if element["S"] == "/TH" and source.element_tag == "th":
                        found.headers[number] = SCOPES.get(source.element.get("scope", ""))
                    elif element["S"] == "/TD" and source.element_tag == "td":
                        found.cells.append(number)
                yield element

    build_and_record.records_sources = True
    tags._build_box_tree = build_and_record


def finish(data: bytes, found: Sources | None = None) -> bytes:
    """The PDF's bytes with its structure tree finished (see the module's docstring), from
    what `recording()` found while WeasyPrint wrote it."""
    found = found or Sources()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        paper = _Paper(pdf, root, found)
        paper.join_fragments()
        paper.set_scopes_and_ids()
        paper.name_first_headers()
        paper.write_parent_tree()
        paper.mark_artifacts()
        out = io.BytesIO()
        pdf.save(
            out,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
            deterministic_id=True,  # the same paper makes the same bytes
        )
        return out.getvalue()


# --- the tree ---------------------------------------------------------------------------


def _is_element(node) -> bool:
    return isinstance(node, Dictionary) and "/S" in node


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    if isinstance(kids, Array):
        return list(kids)
    return [kids]


class _Paper:
    """A tagged PDF being finished: its tree, what WeasyPrint said of it, and the changes
    to its ParentTree (who owns each marked-content id, by page) made on the way."""

    def __init__(self, pdf, root, found: Sources) -> None:
        self.pdf, self.root, self.found = pdf, root, found
        self.pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        self.owners: dict[tuple[int, int], Dictionary | None] = {}
        for page, mcids in found.margins.items():
            self.owners.update({(page, mcid): None for mcid in mcids})
        self.annotation_owners: dict[int, Dictionary] = {}
        self.replaced: dict[bytes, bytes] = {}  # a repeated header cell's id: the first's
        self.dropped: set[tuple[int, int]] = set()  # repeated header cells

    def stamp(self, element) -> str | None:
        return self.found.elements.get(element.objgen[0])

    def page_of(self, element) -> int | None:
        page = element.get("/Pg")
        return None if page is None else self.pages.get(page.objgen)

    # Fragments ------------------------------------------------------------------------

    def join_fragments(self) -> None:
        """Join, among each element's children, a fragment that continues its previous
        sibling's HTML element on a later page; then do the same inside each element that
        took one in. (WeasyPrint tags a page at a time, so an element that was not cut by
        a page break holds no fragments: only the document's children and what grew need
        looking at.)"""
        stack = [kid for kid in _kids(self.root) if _is_element(kid)]
        while stack:
            node = stack.pop()
            kids = _kids(node)
            kept, grown = [], {}
            for kid in kids:
                previous = kept[-1] if kept else None
                if (
                    previous is not None
                    and _is_element(kid)
                    and _is_element(previous)
                    and self.stamp(kid) is not None
                    and self.stamp(kid) == self.stamp(previous)
                    and self.page_of(kid) != self.page_of(previous)
                ):
                    self.absorb(previous, kid)
                    grown[previous.objgen] = previous
                else:
                    kept.append(kid)
            if len(kept) != len(kids):
                node.K = Array(kept)
            stack.extend(grown.values())

    def is_group(self, kid) -> bool:
        """A table's head or foot row group, which WeasyPrint repeats on every page."""
        return _is_element(kid) and kid.S in HEADER_GROUPS and self.stamp(kid) is not None

    def absorb(self, first, fragment) -> None:
        """Move `fragment`'s content to the end of `first`. Marked content given by number
        belongs to the element's own page, so a number from another page becomes a
        reference naming its page. In a table, a head or foot that repeats one already
        there is left out (its content becomes an artifact), and the foot stays last."""
        kids = _kids(first)
        groups, feet, others = {}, [], kids
        if first.S == TABLE:
            groups = {self.stamp(kid): kid for kid in kids if self.is_group(kid)}
            feet = [kid for kid in groups.values() if kid.S == TFOOT]
            others = [kid for kid in kids if not any(kid.objgen == f.objgen for f in feet)]
        page = self.page_of(fragment)
        moved = []
        for kid in _kids(fragment):
            if groups and self.is_group(kid) and self.stamp(kid) in groups:
                self.drop_repeat(kid, groups[self.stamp(kid)])
                continue
            if _is_element(kid):
                kid.P = first
            elif isinstance(kid, int):
                self.owners[(page, kid)] = first
                if fragment.get("/Pg") != first.get("/Pg"):
                    kid = Dictionary(Type=Name.MCR, Pg=fragment.Pg, MCID=kid)
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                self.owners[(self.pages.get(kid.Pg.objgen, page), int(kid.MCID))] = first
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                self.annotation_owners[int(kid.Obj.StructParent)] = first
            moved.append(kid)
        first.K = Array(others + moved + feet)

    def drop_repeat(self, group, first_group) -> None:
        """Leave a repeated head or foot out of the tree: its marked content is owned by
        nothing, and its header cells' ids stand for the first group's."""
        cells, first_cells = [], []
        for tree, ids in ((group, cells), (first_group, first_cells)):
            stack = [tree]
            while stack:
                element = stack.pop()
                if element.S == TH and "/ID" in element:
                    ids.append(bytes(element.ID))
                if tree is group:
                    if element.S == TH:
                        self.dropped.add(element.objgen)
                    page = self.page_of(element)
                    for kid in _kids(element):
                        if isinstance(kid, int):
                            self.owners[(page, kid)] = None
                stack.extend(reversed([kid for kid in _kids(element) if _is_element(kid)]))
        self.replaced.update(zip(cells, first_cells, strict=False))

    # Cells ----------------------------------------------------------------------------

    def set_scopes_and_ids(self) -> None:
        """/Scope on every header cell, and the /IDTree of their ids."""
        ids = []
        for number, scope in self.found.headers.items():
            cell = self.pdf.get_object((number, 0))
            if cell.objgen in self.dropped:
                continue
            attributes = cell.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = cell.A = Dictionary(O=Name.Table)
            attributes.Scope = Name(scope or self.scope_by_place(cell))
            if "/ID" in cell:
                ids.append((bytes(cell.ID), cell))
        if ids:
            names = []
            for key, cell in sorted(ids, key=lambda pair: pair[0]):
                names += [String(key), cell]
            self.root.IDTree = self.pdf.make_indirect(Dictionary(Names=Array(names)))

    @staticmethod
    def scope_by_place(cell) -> str:
        """A header cell's scope where its HTML gave none: Column in a table's head or in a
        row of header cells only, Row in a row that also holds data cells."""
        row = cell.get("/P")
        if row is None:
            return "/Column"
        if row.get("/P") is not None and row.P.get("/S") == THEAD:
            return "/Column"
        if any(_is_element(kid) and kid.S == TD for kid in _kids(row)):
            return "/Row"
        return "/Column"

    def name_first_headers(self) -> None:
        """A data cell that named a repeated header cell names the cell it repeats."""
        if not self.replaced:
            return
        for number in self.found.cells:
            attributes = self.pdf.get_object((number, 0)).get("/A")
            if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                names = [bytes(name) for name in attributes.Headers]
                if any(name in self.replaced for name in names):
                    attributes.Headers = Array(
                        [String(self.replaced.get(name, name)) for name in names]
                    )

    # Marked content -------------------------------------------------------------------

    def write_parent_tree(self) -> None:
        """The ParentTree with the owners changed on the way: marked content joined to
        another element, content owned by nothing (null), annotations moved."""
        nums = self.root.ParentTree.Nums
        by_key = {int(nums[i]): i + 1 for i in range(0, len(nums), 2)}
        for (page, mcid), owner in self.owners.items():
            if page is None or page not in by_key:
                continue
            array = nums[by_key[page]]
            if mcid < len(array):
                array[mcid] = owner
        for key, owner in self.annotation_owners.items():
            if key in by_key:
                nums[by_key[key]] = owner

    def mark_artifacts(self) -> None:
        """Marked content that no structure element owns becomes an artifact."""
        unowned: dict[int, set[int]] = {}
        for (page, mcid), owner in self.owners.items():
            if owner is None and page is not None:
                unowned.setdefault(page, set()).add(mcid)
        for index, mcids in unowned.items():
            page = self.pdf.pages[index]
            contents = page.get("/Contents")
            streams = list(contents) if isinstance(contents, Array) else [contents]
            for stream in streams:
                data = stream.read_bytes()
                changed = MARKED.sub(
                    lambda match, mcids=mcids: (
                        ARTIFACT if int(match.group(2)) in mcids else match.group(0)
                    ),
                    data,
                )
                if changed != data:
                    stream.write(changed)  # compressed again when saved


# `/Tag <</MCID n>> BDC`, as pydyf writes it (WeasyPrint's glyphs are hex strings, so
# "<<" cannot occur inside one); anything else in the property list keeps the sequence.
MARKED = re.compile(rb"/([A-Za-z0-9_]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"
