"""Import scrutiny recommendations from the spreadsheet councils keep them in: a title row,
then "#", "Recommendation", "Agree?", "Comment" (or their usual variants), long cells,
parts such as 10a on rows of their own. Uses the plan importer's reader (limits, formulas,
damaged files) and its ImportProblem, so mistakes are reported by row and column.

Nothing is written until every row is understood: unknown response words are listed for
mapping to the council's vocabulary, never dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl.utils import get_column_letter

from councils.models import Council
from scrutiny.models import Meaning, Recommendation, ResponseOption, Source
from scrutiny.services import counts
from spreadsheets.reading import ImportProblem, Table
from spreadsheets.roles import Vocabulary, header_row

# Header words of a recommendations register, strongest first.
HEADERS = Vocabulary(
    [
        (
            ("reference",),
            "#|no|number|ref|reference|rec|rec no|recommendation no|recommendation number|item",
        ),
        (("text",), "recommendation|recommendations|scrutiny recommendation|recommendation text"),
        (
            ("response",),
            "agree|agreed|agree?|response|executive response|cabinet response|decision"
            "|accepted|accept|agreed/not agreed|accepted/rejected",
        ),
        (
            ("comment",),
            "comment|comments|response comment|executive comment|cabinet comment|reason"
            "|reasons|response detail|executive response comment",
        ),
        (
            ("responsible",),
            "responsible|responsibility|portfolio|portfolio holder|cabinet member|lead"
            "|lead officer|responsible officer",
        ),
    ]
)

# Common words for responses, whatever the council's own vocabulary calls them.
SYNONYMS = {
    Meaning.AGREED: "agreed|agree|yes|y|accepted|accept|approved|supported",
    Meaning.IN_PART: "in part|part|partly|partially|partially agreed|agreed in part"
    "|partially accepted|accepted in part",
    Meaning.NOT_AGREED: "not agreed|no|n|rejected|reject|not accepted|disagree|declined",
    Meaning.NOT_STATED: "not stated|no response|-|n/a|tbc|to be confirmed",
}
_PARTS_ONLY = re.compile(r"^\(?([a-z]{1,2}|[ivx]{1,4})[).]?$", re.I)
_REFERENCE = re.compile(
    r"^(?:rec(?:ommendation)?\.?\s*)?(\d{1,3}(?:\.\d{1,2})?)\s*\(?([a-z]{0,2})\)?[.):]?$", re.I
)
HEADER_SCAN_ROWS = 20


@dataclass
class ParsedRecommendation:
    row: int
    reference: str
    text: str
    response_word: str = ""
    comment: str = ""
    responsible: str = ""
    response: ResponseOption | None = None


@dataclass
class ParsedRegister:
    recommendations: list[ParsedRecommendation]
    unknown_words: dict[str, list[int]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        """'Agreed 16, In part 3, ...': how many of each response, in vocabulary order."""
        return counts(self.recommendations)


def find_columns(table: Table) -> tuple[int, dict[int, str]]:
    """The header row's position and the field of each recognised column. A recommendation
    column is required; the title rows above it are skipped."""
    found = header_row(table, HEADERS, required="text", scan=HEADER_SCAN_ROWS)
    if found is None:
        raise ImportProblem(
            f"No header row found in the first {HEADER_SCAN_ROWS} rows: expected columns such "
            "as #, Recommendation, Agree?, Comment"
        )
    return found


def vocabulary(council: Council) -> dict[str, ResponseOption]:
    """Every word that names one of the council's responses, lower-cased."""
    options = ResponseOption.for_council(council)
    by_meaning: dict[str, ResponseOption] = {}
    for option in options:
        by_meaning.setdefault(option.meaning, option)
    words = {}
    for meaning, synonyms in SYNONYMS.items():
        if meaning in by_meaning:
            for word in synonyms.split("|"):
                words[word] = by_meaning[meaning]
    words.update({option.label.lower(): option for option in options})
    return words


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip() if isinstance(value, str) else value.isoformat()


def parse_register(
    table: Table, council: Council, *, word_map: dict | None = None
) -> ParsedRegister:
    position, columns = find_columns(table)
    index = {name: i for i, name in columns.items()}
    words = vocabulary(council) | {k.lower(): v for k, v in (word_map or {}).items()}
    parsed = ParsedRegister([])
    stem = ""  # the number a lettered part belongs to: "10" for "a", "b"...
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    for row in table.rows[position + 1 :]:
        get = {name: _text(row.get(i)) for name, i in index.items()}
        reference, text = get.get("reference", ""), get.get("text", "")
        if not any(get.values()):
            continue
        if HEADERS.role_for(text) == "text":
            parsed.skipped.append(f"Row {row.number}: header repeated at a page break; skipped")
            continue
        if not reference and parsed.recommendations:
            # A long cell split over rows: the text and comment carry on.
            last = parsed.recommendations[-1]
            last.text = "\n\n".join(filter(None, [last.text, text]))
            last.comment = "\n\n".join(filter(None, [last.comment, get.get("comment", "")]))
            if get.get("response") and not last.response_word:
                last.response_word = get["response"]
            continue
        if not reference and "reference" in index:
            parsed.skipped.append(f"Row {row.number}: text above the first recommendation; skipped")
            continue
        part = _PARTS_ONLY.match(reference)
        if part and stem:
            reference = f"{stem}{part.group(1).lower()}"
        else:
            match = _REFERENCE.match(reference)
            if not match:
                column = get_column_letter(index["reference"] + 1)
                problems.append(
                    ImportProblem.at(
                        row.number,
                        column,
                        f"“{reference}” is not a recommendation number such as 7 or 10a",
                    )
                )
                continue
            stem = match.group(1)
            reference = match.group(1) + match.group(2).lower()
        if not text:
            column = get_column_letter(index["text"] + 1)
            problems.append(
                ImportProblem.at(row.number, column, f"recommendation {reference} has no text")
            )
            continue
        if reference in seen:
            problems.append(
                ImportProblem.at(
                    row.number,
                    None,
                    f"recommendation {reference} appears twice (also row {seen[reference]})",
                )
            )
            continue
        seen[reference] = row.number
        parsed.recommendations.append(
            ParsedRecommendation(
                row=row.number,
                reference=reference,
                text=text,
                response_word=get.get("response", ""),
                comment=get.get("comment", ""),
                responsible=get.get("responsible", ""),
            )
        )
    if "reference" not in index:  # no numbers: number them as printed, 1, 2, 3
        for number, item in enumerate(parsed.recommendations, start=1):
            item.reference = str(number)
    if problems:
        raise ImportProblem.combine(
            f"{len(problems)} row{'s' if len(problems) != 1 else ''} could not be read:", problems
        )
    if not parsed.recommendations:
        raise ImportProblem("The sheet has a header but no recommendations below it")
    for item in parsed.recommendations:
        word = " ".join(item.response_word.split()).rstrip(".").lower()
        if not word:
            continue
        option = words.get(word)
        if option is None:
            parsed.unknown_words.setdefault(item.response_word.strip(), []).append(item.row)
        item.response = option
    return parsed


@transaction.atomic
def create_register(
    parsed: ParsedRegister, council: Council, *, by=None, **source_fields
) -> Source:
    """The source and all its recommendations, or nothing."""
    if parsed.unknown_words:
        raise ImportProblem(
            "Say what these responses mean first: "
            + ", ".join(f"“{w}”" for w in parsed.unknown_words)
        )
    holders = {h.title.lower(): h for h in council.portfolio_holders.all()}
    source = Source.objects.create(council=council, created_by=by, **source_fields)
    for item in parsed.recommendations:
        holder = holders.get(item.responsible.lower())
        Recommendation.objects.create(
            source=source,
            reference=item.reference,
            text=item.text,
            response=item.response,
            response_comment=item.comment,
            portfolio_holder=holder,
            responsible_officer="" if holder else item.responsible[:200],
        )
    return source
