"""The last step of every paper: WeasyPrint's tagged PDF finished so that it passes PDF/UA-1.

WeasyPrint 70 tags each page on its own. An element that runs over a page break (the
document, a section, a table of 300 actions) becomes one structure element per page, so a
screen reader meets a new table on every page, each with the header row again. Running
page headers, footers and page numbers are marked content that no structure element owns,
where PDF/UA wants artifacts. Header cells carry no /Scope. docs/accessibility.md says why
this is fixed here, after writing, rather than waiting for a WeasyPrint release.

`finish(pdf)` takes the PDF's bytes and returns them with:

* each HTML element one structure element: the fragments of an element on consecutive
  pages joined into the first (their content referred to by page);
* a table's header (or footer) row group repeated on later pages taken out of the tree,
  its cells' ids replaced in the data cells' /Headers by the first header's;
* /Scope on every header cell: Column in a table's head or a row of headers only, Row
  beside data cells;
* content that no structure element owns (page margins, repeated header rows) marked as a
  pagination artifact in the page's content stream, and the ParentTree rebuilt from the
  tree so that it lists only what is tagged;
* an /IDTree for the header cells' ids, which /Headers refer to.

To know which fragments are the same HTML element, `stamp_elements()` has WeasyPrint write
each structure element's source (the element and its tag) as a private key, /PaperSource,
which `finish` reads and removes. Without the stamps, fragments are left as they are:
guessing from roles would join two paragraphs or two sections that happen to meet at a
page break."""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

SOURCE = "/PaperSource"
HEADER_GROUPS = ("/THead", "/TFoot")
TABLE, TFOOT, THEAD, TH, TD, TR = (
    Name(n) for n in ("/Table", "/TFoot", "/THead", "/TH", "/TD", "/TR")
)


def stamp_elements() -> None:
    """Have WeasyPrint's tagging write each structure element's source into it. Idempotent:
    wraps weasyprint.pdf.tags._build_box_tree, which calls itself through the module."""
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "stamps_sources", False):
        return

    def build_and_stamp(box, parent, pdf, page_number, nums, annotations, page_tags):
        source = box._box if isinstance(box, AbsolutePlaceholder) else box
        stamp = None
        if source.element is not None:
            stamp = f"{id(source.element):x}:{source.element_tag}"
        for element in build(box, parent, pdf, page_number, nums, annotations, page_tags):
            if stamp is not None and SOURCE[1:] not in element:
                element[SOURCE[1:]] = _pdf_string(stamp)
            yield element

    build_and_stamp.stamps_sources = True
    build_and_stamp.unstamped = build
    tags._build_box_tree = build_and_stamp


def _pdf_string(text: str):
    import pydyf

    return pydyf.String(text)


def finish(data: bytes) -> bytes:
    """The PDF's bytes with its structure tree finished (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        replaced = _join_fragments(root, pages)
        owned: dict[int, dict[int, Dictionary]] = {index: {} for index in range(len(pdf.pages))}
        annotations = []
        ids = []
        for element, kids in _elements(root):
            _own_content(element, kids, pages, owned, annotations)
            if element.S == TR:
                _set_scopes(element, kids)
            elif element.S == TD and replaced:
                _name_first_headers(element, replaced)
            if "/ID" in element:
                ids.append((bytes(element.ID), element))
            if SOURCE in element:
                del element[SOURCE]
        _write_parent_tree(pdf, root, owned, annotations)
        _mark_unowned_as_artifacts(pdf, owned)
        _write_id_tree(pdf, root, ids)
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


def _elements(node):
    """Every structure element under `node`, parents before children, with its kids."""
    stack = [kid for kid in reversed(_kids(node)) if _is_element(kid)]
    while stack:
        element = stack.pop()
        kids = _kids(element)
        yield element, kids
        stack.extend(kid for kid in reversed(kids) if _is_element(kid))


def _stamp(element):
    stamp = element.get(SOURCE)
    return None if stamp is None else bytes(stamp)


def _page_of(element, pages) -> int | None:
    page = element.get("/Pg")
    return None if page is None else pages.get(page.objgen)


def _join_fragments(element, pages) -> dict[bytes, bytes]:
    """Join, among `element`'s children, each fragment that continues its previous
    sibling's HTML element on a later page; then do the same inside each element that took
    in a fragment. (WeasyPrint tags a page at a time, so an element that was not cut by a
    page break holds no fragments.) Returns the ids of the repeated header cells dropped,
    each with the id of the cell it repeats."""
    replaced: dict[bytes, bytes] = {}
    stack = [kid for kid in _kids(element) if _is_element(kid)]
    while stack:
        node = stack.pop()
        kids = _kids(node)
        kept, grown = [], []
        for kid in kids:
            previous = kept[-1] if kept else None
            if (
                previous is not None
                and _is_element(kid)
                and _is_element(previous)
                and _stamp(kid) is not None
                and _stamp(kid) == _stamp(previous)
                and _page_of(kid, pages) != _page_of(previous, pages)
            ):
                _absorb(previous, kid, replaced)
                grown.append(previous)
            else:
                kept.append(kid)
        if len(kept) != len(kids):
            node.K = Array(kept)
        stack.extend(_unique(grown))
    return replaced


def _unique(elements) -> list:
    seen = set()
    return [e for e in elements if not (e.objgen in seen or seen.add(e.objgen))]


def _absorb(first, fragment, replaced: dict[bytes, bytes]) -> None:
    """Move `fragment`'s content to the end of `first`. Marked content given by number
    belongs to the element's own page, so a number from another page becomes a reference
    naming its page. In a table, a head or foot that repeats one already there is left
    out (so its content becomes an artifact), and the foot stays last."""
    kids = _kids(first)
    groups = {}
    if first.S == TABLE:
        groups = {_stamp(kid): kid for kid in kids if _is_group(kid)}
    feet = [kid for kid in kids if _is_group(kid) and kid.S == TFOOT]
    others = [kid for kid in kids if not (_is_group(kid) and kid.S == TFOOT)]
    moved = []
    for kid in _kids(fragment):
        if _is_group(kid) and _stamp(kid) in groups:
            replaced.update(zip(_cell_ids(kid), _cell_ids(groups[_stamp(kid)]), strict=False))
            continue
        if _is_element(kid):
            kid.P = first
        elif isinstance(kid, int) and fragment.get("/Pg") != first.get("/Pg"):
            kid = Dictionary(Type=Name.MCR, Pg=fragment.Pg, MCID=kid)
        moved.append(kid)
    first.K = Array(others + moved + feet)


def _is_group(kid) -> bool:
    """A table's head or foot row group, which WeasyPrint repeats on every page."""
    return _is_element(kid) and kid.S in HEADER_GROUPS and _stamp(kid) is not None


def _name_first_headers(cell, replaced: dict[bytes, bytes]) -> None:
    """A data cell that named a repeated header cell names the cell it repeats."""
    attributes = cell.get("/A")
    if isinstance(attributes, Dictionary) and "/Headers" in attributes:
        names = [bytes(name) for name in attributes.Headers]
        if any(name in replaced for name in names):
            attributes.Headers = Array([String(replaced.get(name, name)) for name in names])


def _cell_ids(group) -> list[bytes]:
    return [bytes(cell.ID) for cell, _ in _elements(group) if cell.S == TH and "/ID" in cell]


def _set_scopes(row, kids) -> None:
    """/Scope on each header cell of a row: Column in a table's head or in a row of header
    cells only; Row in a row that also holds data cells."""
    cells = [kid for kid in kids if _is_element(kid)]
    in_head = row.get("/P") is not None and row.P.get("/S") == THEAD
    by_column = in_head or all(cell.S == TH for cell in cells)
    for cell in cells:
        if cell.S != TH:
            continue
        attributes = cell.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = cell.A = Dictionary(O=TABLE)
        if "/Scope" not in attributes:
            attributes.Scope = Name.Column if by_column else Name.Row


# --- marked content -----------------------------------------------------------------------


def _own_content(element, kids, pages, owned, annotations) -> None:
    """Record the marked content (by page and id) and the annotations `element` owns."""
    for kid in kids:
        if isinstance(kid, int):
            page = _page_of(element, pages)
            if page is not None:
                owned[page][kid] = element
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
            page = pages.get(kid.Pg.objgen) if "/Pg" in kid else _page_of(element, pages)
            if page is not None:
                owned[page][int(kid.MCID)] = element
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            annotations.append((kid.Obj, element))


def _write_parent_tree(pdf, root, owned, annotations) -> None:
    """The ParentTree made again from the tree: for each page the element owning each
    marked-content id (null for an artifact's), then each annotation's element."""
    nums = []
    for index, page in enumerate(pdf.pages):
        page.StructParents = index
        mcids = owned[index]
        size = max(mcids) + 1 if mcids else 0
        nums += [index, Array([mcids.get(mcid) for mcid in range(size)])]
    for offset, (annotation, element) in enumerate(annotations):
        annotation.StructParent = len(pdf.pages) + offset
        nums += [len(pdf.pages) + offset, element]
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = len(pdf.pages) + len(annotations)


# `/Tag <</MCID n>> BDC`, as pydyf writes it (WeasyPrint's glyphs are hex strings, so
# "<<" cannot occur inside one); anything else in the property list keeps the sequence.
MARKED = re.compile(rb"/([A-Za-z0-9_]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _mark_unowned_as_artifacts(pdf, owned) -> None:
    """Marked content that no structure element owns, on any page, becomes an artifact."""
    for index, page in enumerate(pdf.pages):
        contents = page.get("/Contents")
        if contents is None:
            continue
        streams = list(contents) if isinstance(contents, Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()
            changed = MARKED.sub(
                lambda match, keep=owned[index]: (
                    match.group(0) if int(match.group(2)) in keep else ARTIFACT
                ),
                data,
            )
            if changed != data:
                stream.write(changed)  # compressed again when saved


def _write_id_tree(pdf, root, ids) -> None:
    """The /IDTree that /Headers are looked up in: a name tree of one node, keys sorted."""
    if not ids:
        return
    names = []
    for key, element in sorted(ids, key=lambda pair: pair[0]):
        names += [String(key), element]
    root.IDTree = pdf.make_indirect(Dictionary(Names=Array(names)))
