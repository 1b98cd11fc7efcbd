"""Geometry for the server-rendered SVG charts: stacked status bars and measure lines.

This module only does arithmetic; the templates in templates/actionplans/charts/ draw the result.
The same templates are included in HTML pages and in WeasyPrint PDFs, so the drawing uses plain
SVG shapes with presentation attributes only (no CSS, which a strict Content-Security-Policy and
WeasyPrint would both get in the way of).

Every number a template prints into an attribute comes from an `*_attr` property, a string made
by `svg_number`. Django localises floats (and, with USE_THOUSAND_SEPARATOR, ints) when it renders
them, and "12,5" inside a coordinate would break the SVG under a locale with a decimal comma.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.text import slugify

# Fill per RAG key. Each has at least 3:1 contrast against white (WCAG 1.4.11, non-text contrast),
# so a bar segment stays visible on the page. GOV.UK's own red, green, blue and dark grey pass;
# GOV.UK orange (#f47738) does not, so amber is a darker orange that does and that stays lighter
# than the red, to keep the two apart for people who cannot tell the hues apart.
RAG_COLOURS: dict[str, str] = {
    "red": "#d4351c",
    "amber": "#c77e00",
    "green": "#00703c",
    "blue": "#1d70b8",
    "grey": "#505a5f",
}

# Colour of a count printed on a segment of that RAG colour: whichever of white and GOV.UK black
# reaches 4.5:1 against the fill (WCAG 1.4.3). Only amber is too light for white text.
TEXT_ON: dict[str, str] = {
    "red": "#ffffff",
    "amber": "#0b0c0c",
    "green": "#ffffff",
    "blue": "#ffffff",
    "grey": "#ffffff",
}

# Text sizes in SVG user units; the templates use the same two (font-size="14" and "13"). The
# layout below needs them to place baselines and to estimate label widths.
FONT_SIZE = 14
SMALL_FONT_SIZE = 13

# A count is printed inside a segment only when the segment is at least this wide; narrower
# segments rely on their tooltip, the legend and the table the page shows beside the chart.
MIN_COUNT_WIDTH = 24.0
SHORT_LABEL_CHARS = 60

BAR_TOP = 12  # y of the first bar: room above it for a two-line row label
LINE_HEIGHT = 16  # between lines of a wrapped row label
TOTAL_GUTTER = 48  # right of the plot area, for the total printed after the longest bar
LEGEND_SWATCH = 14
LEGEND_ROW = 24
# The narrow layout of a chart, drawn for phones: as wide as a 375 px screen less the page's
# margins, so its text is drawn at the size it is written; bars start a little in from the
# left, for half of the "0" under the axis.
NARROW_WIDTH = 340
NARROW_INSET = 8

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- Numbers and text ---------------------------------------------------------------------------


def svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: '.' as decimal point, at most 2 decimals, no trailing
    zeros. Never localised, whatever the active language."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_number(value: Decimal | int | float) -> str:
    """A number for people to read: thousands separators, up to 2 decimals, no trailing zeros.
    1240 -> "1,240"; Decimal("41.50") -> "41.5"."""
    if not isinstance(value, Decimal):
        # str() first, so a float like 0.1 becomes Decimal("0.1"), not its binary expansion.
        value = Decimal(str(value))
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_quantity(value: Decimal | int | float, unit: str = "") -> str:
    """A number with its unit the way it is written: "£1,240", "45%", "12 people"."""
    number = format_number(value)
    if unit == "£":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}" if unit else number


def format_date(day: datetime.date) -> str:
    """ "30 Sep 2013". Month names come from a fixed table: strftime's %b follows the C locale,
    and chart text must not change with the server's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_month(day: datetime.date) -> str:
    """ "Sep 2013", for axis ticks."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def contrast_ratio(colour1: str, colour2: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(colour1), _luminance(colour2)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    # Relative luminance as WCAG defines it, from sRGB.
    digits = colour.lstrip("#")
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Rough width of text in Arial (or Liberation Sans, which has the same metrics). The server
    cannot measure text, so wrapping and legend layout use these average glyph widths, erring
    wide so that text fits rather than overlaps."""
    narrow = "iljtfrI.,:;'|!() "
    wide = "mwMW@"
    em = 0.0
    for char in text:
        if char == "…":
            em += 1.0
        elif char in narrow:
            em += 0.3
        elif char in wide:
            em += 0.86
        elif char.isupper():
            em += 0.68
        else:
            em += 0.56
    return em * font_size


def truncate(text: str, limit: int = SHORT_LABEL_CHARS) -> str:
    """Shorten text to at most `limit` characters, at a word break where there is one, ending
    with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def wrap_text(
    text: str, max_width: float, max_lines: int | None = None, font_size: float = FONT_SIZE
) -> list[str]:
    """Break text into lines that fit `max_width`, at spaces; a word wider than the whole
    line is split where it has to be. SVG text does not wrap by itself. With `max_lines`, a
    line that does not fit after that many ends in "…"; without it nothing is cut."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, font_size) <= max_width:
            lines[-1] = candidate
            continue
        # A word too wide for a line of its own goes on in pieces that fit.
        while text_width(word, font_size) > max_width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font_size) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    if max_lines is None or len(lines) <= max_lines:
        return lines
    # The rest of the text goes on the last line, which is then too wide and gets cut.
    lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]

    def fit(line: str) -> str:
        if text_width(line, font_size) <= max_width:
            return line
        while line and text_width(line + "…", font_size) > max_width:
            line = line[:-1]
        return line.rstrip(" ,;:-–") + "…"

    return [fit(line) for line in lines]


def _lower_first(label: str) -> str:
    # "Not started" reads as "not started" mid-sentence; leave acronyms such as "RAG" alone.
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _actions(count: int) -> str:
    return f"{count} action" if count == 1 else f"{count} actions"


# --- Stacked bars -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    """One line of a wrapped label; `y` is its baseline."""

    text: str
    y: float

    @property
    def y_attr(self) -> str:
        return svg_number(self.y)


@dataclass(frozen=True)
class Segment:
    key: str  # stable key: the RAG key or a status id as a string
    label: str  # what a person reads: "On target"
    rag: str  # RAG key, picks the colour
    count: int
    x: float  # left edge within the plot area, in SVG user units
    width: float
    show_count: bool  # wide enough to print the count inside

    @property
    def fill(self) -> str:
        return RAG_COLOURS.get(self.rag, RAG_COLOURS["grey"])

    @property
    def text_fill(self) -> str:
        return TEXT_ON.get(self.rag, TEXT_ON["grey"])

    @property
    def tooltip(self) -> str:
        return f"{self.label}: {format_number(self.count)}"

    @property
    def count_display(self) -> str:
        return format_number(self.count)

    @property
    def x_attr(self) -> str:
        return svg_number(self.x)

    @property
    def width_attr(self) -> str:
        # Measured between the rounded edges, so the printed right edge is exactly the next
        # segment's printed left edge and no hairline gap shows between them.
        return svg_number(round(self.x + self.width, 2) - round(self.x, 2))

    @property
    def centre_attr(self) -> str:
        return svg_number(self.x + self.width / 2)


@dataclass(frozen=True)
class BarRow:
    label: str  # full text, for the tooltip and, wrapped, the display
    total: int
    y: float  # top of the bar
    segments: list[Segment]
    label_lines: list[TextLine]  # the label wrapped to fit the label column, or the width
    bar_end: float  # right end of the bar within the plot area
    text_y: float  # baseline for text centred vertically on the bar

    @property
    def y_attr(self) -> str:
        return svg_number(self.y)

    @property
    def text_y_attr(self) -> str:
        return svg_number(self.text_y)

    @property
    def total_x_attr(self) -> str:
        return svg_number(self.bar_end + 6)

    @property
    def total_display(self) -> str:
        return format_number(self.total)

    @property
    def tooltip(self) -> str:
        return f"{self.label}: {_actions(self.total)}"


@dataclass(frozen=True)
class LegendItem:
    label: str
    rag: str
    x: float  # left of the colour swatch
    y: float  # top of the colour swatch

    @property
    def fill(self) -> str:
        return RAG_COLOURS.get(self.rag, RAG_COLOURS["grey"])

    @property
    def x_attr(self) -> str:
        return svg_number(self.x)

    @property
    def y_attr(self) -> str:
        return svg_number(self.y)

    @property
    def text_x_attr(self) -> str:
        return svg_number(self.x + LEGEND_SWATCH + 6)

    @property
    def text_y_attr(self) -> str:
        return svg_number(self.y + LEGEND_SWATCH - 2)


class _SvgChart:
    """What every chart's <svg> needs: its viewBox and the ids of its <title> and <desc>."""

    width: int
    height: int
    chart_id: str

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width:d} {self.height:d}"

    @property
    def title_id(self) -> str:
        return f"{self.chart_id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.chart_id}-desc"

    @property
    def alternative_text(self) -> str:
        """The chart in words where a picture carries one text (a PDF Figure's /Alt, a Word
        picture's description): its title, then its reading."""
        return f"{self.title.rstrip('.')}. {self.summary}"


@dataclass(frozen=True)
class StackedBarChart(_SvgChart):
    title: str
    summary: str  # plain-English reading of the chart, for <desc>
    rows: list[BarRow]
    legend: list[LegendItem]
    width: int
    height: int
    label_width: int  # the plot area starts here
    plot_width: int
    bar_height: int
    ticks: list[tuple[float, str]]  # x within the plot area, label
    chart_id: str
    axis_y: float  # the horizontal axis line, below the last bar
    axis_label: str
    # Where row labels go: beside the bars, ending at the plot area (the wide layout), or
    # above each bar, from the left edge (the narrow layout for phones).
    labels_above: bool = False

    @property
    def label_anchor(self) -> str:
        return "start" if self.labels_above else "end"

    @property
    def plot_left_attr(self) -> str:
        return svg_number(self.label_width)

    @property
    def plot_width_attr(self) -> str:
        return svg_number(self.plot_width)

    @property
    def bar_height_attr(self) -> str:
        return svg_number(self.bar_height)

    @property
    def label_x_attr(self) -> str:
        # Row labels end just left of the plot area, or start at its left edge above a bar.
        return svg_number(self.label_width if self.labels_above else self.label_width - 10)

    @property
    def axis_y_attr(self) -> str:
        return svg_number(self.axis_y)

    @property
    def tick_end_attr(self) -> str:
        return svg_number(self.axis_y + 5)

    @property
    def tick_label_y_attr(self) -> str:
        return svg_number(self.axis_y + 5 + SMALL_FONT_SIZE + 2)

    @property
    def axis_label_y_attr(self) -> str:
        return svg_number(self.axis_y + 5 + 2 * (SMALL_FONT_SIZE + 4) + 2)

    @property
    def axis_label_x_attr(self) -> str:
        return svg_number(self.plot_width / 2)

    @property
    def grid_top_attr(self) -> str:
        return svg_number(BAR_TOP - 6)

    @property
    def tick_marks(self) -> list[tuple[str, str]]:
        """(x within the plot area, label) for each tick, x as an attribute string."""
        return [(svg_number(x), label) for x, label in self.ticks]


def _integer_ticks(maximum: int, most: int = 6) -> list[int]:
    """0, step, 2*step... up to `maximum`, with step 1, 2 or 5 times a power of ten chosen so
    there are at most `most` ticks."""
    if maximum <= 0:
        return [0]
    power = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * power
            if maximum // step + 1 <= most:
                return list(range(0, maximum + 1, step))
        power *= 10


def _group_counts(segments: list[tuple[str, str, str, int]]) -> list[str]:
    """Phrases for one row's (or all rows') counts, only the non-zero ones. Green and blue, and
    amber and red, are grouped the way the dashboards count them; grey statuses ("Yet to start",
    "Dropped") mean different things, so each keeps its own words."""
    on_target = sum(count for _, _, rag, count in segments if rag in ("green", "blue"))
    behind = sum(count for _, _, rag, count in segments if rag in ("amber", "red"))
    phrases = []
    if on_target:
        phrases.append(f"{on_target} complete or on target")
    if behind:
        phrases.append(f"{behind} behind schedule")
    others: dict[str, int] = {}
    for _, label, rag, count in segments:
        if rag not in ("green", "blue", "amber", "red") and count:
            others[label] = others.get(label, 0) + count
    phrases.extend(f"{count} {_lower_first(label)}" for label, count in others.items())
    return phrases


def _bar_summary(rows: list[tuple[str, list[tuple[str, str, str, int]]]]) -> str:
    if not rows:
        return "No actions to show."
    if len(rows) <= 6:
        sentences = []
        for label, segments in rows:
            total = sum(count for *_, count in segments)
            parts = [_actions(total) if total else "no actions", *_group_counts(segments)]
            sentences.append(f"{truncate(label)}: {', '.join(parts)}.")
        return " ".join(sentences)
    # Many rows: a sentence per row would be too long to listen to, so give the totals and point
    # to the row most in need of attention. The table beside the chart has the rest.
    every_segment = [segment for _, segments in rows for segment in segments]
    total = sum(count for *_, count in every_segment)
    phrases = _group_counts(every_segment)
    summary = f"{_actions(total)} in all" + (f": {', '.join(phrases)}." if phrases else ".")
    behind_by_row = [
        (sum(c for _, _, rag, c in segments if rag in ("amber", "red")), index)
        for index, (_, segments) in enumerate(rows)
    ]
    most_behind, index = max(behind_by_row, key=lambda pair: (pair[0], -pair[1]))
    if most_behind:
        label, segments = rows[index]
        row_total = sum(count for *_, count in segments)
        summary += (
            f" Most behind schedule: {truncate(label)} ({most_behind} of {_actions(row_total)})."
        )
    return summary


def stacked_bar_chart(
    title: str,
    rows: list[tuple[str, list[tuple[str, str, str, int]]]],
    *,
    width: int = 720,
    label_width: int = 260,
    bar_height: int = 22,
    gap: int = 12,
    chart_id: str | None = None,
    axis_label: str = "Number of actions",
    labels_above: bool = False,
) -> StackedBarChart:
    """Lay out one horizontal stacked bar per row. Each row is (label, segments) and each
    segment (key, label, rag, count), in the order they should be drawn.

    Every bar is scaled to the largest row total, so rows can be compared by length. Zero
    counts draw nothing; a row with no actions keeps its place with an empty bar and "0".
    Row labels are wrapped over as many lines as they need, never cut short: beside the bars,
    or with `labels_above` (the narrow layout, see narrow_bar_chart) above each bar across
    the whole width. `chart_id` prefixes the ids of <title> and <desc>; pass one when two
    charts on a page could share a title.
    """
    if labels_above:
        # Room left of the plot for half of the "0" below the axis.
        label_width = NARROW_INSET
    plot_width = width - label_width - TOTAL_GUTTER
    totals = [sum(count for *_, count in segments) for _, segments in rows]
    largest = max(totals, default=0)
    scale = plot_width / largest if largest else 0.0

    bar_rows = []
    y = BAR_TOP
    for (label, segments), total in zip(rows, totals, strict=True):
        lines = wrap_text(label, width - label_width if labels_above else label_width - 16)
        if labels_above:
            # The label's lines, then the bar under them.
            first_baseline = y + FONT_SIZE * 0.8
            bar_y = y + len(lines) * LINE_HEIGHT + 4
            row_end = bar_y + bar_height + gap
        else:
            # The label centred on the bar; a label of several lines makes the row taller.
            row_height = max(bar_height, len(lines) * LINE_HEIGHT) + gap
            bar_y = y + (row_height - gap - bar_height) / 2
            middle = bar_y + bar_height / 2
            first_baseline = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
            row_end = y + row_height
        middle = bar_y + bar_height / 2
        drawn = []
        running = 0
        for key, segment_label, rag, count in segments:
            if count <= 0:
                continue
            # Edges come from the running count, so segments meet exactly and the last one ends
            # exactly at the bar's length.
            x = running * scale
            running += count
            segment_width = running * scale - x
            drawn.append(
                Segment(
                    key=str(key),
                    label=segment_label,
                    rag=rag,
                    count=count,
                    x=x,
                    width=segment_width,
                    show_count=segment_width >= MIN_COUNT_WIDTH,
                )
            )
        bar_rows.append(
            BarRow(
                label=label,
                total=total,
                y=bar_y,
                segments=drawn,
                label_lines=[
                    TextLine(text=line, y=first_baseline + n * LINE_HEIGHT)
                    for n, line in enumerate(lines)
                ],
                bar_end=total * scale,
                text_y=middle + SMALL_FONT_SIZE * 0.35,
            )
        )
        y = row_end

    # Just below the last bar, clear of a label's descenders.
    axis_y = (y if rows else BAR_TOP + bar_height + gap) - gap + 8
    ticks = [(value * scale, format_number(value)) for value in _integer_ticks(largest)]

    # Legend: each (label, colour) that is drawn somewhere, in the order the caller lists
    # segments (zero counts included), so the legend reads the same whatever row comes first.
    order: list[tuple[str, str]] = []
    drawn: set[tuple[str, str]] = set()
    for _, segments in rows:
        for _, label, rag, count in segments:
            if (label, rag) not in order:
                order.append((label, rag))
            if count > 0:
                drawn.add((label, rag))
    legend = []
    legend_top = axis_y + 5 + 2 * (SMALL_FONT_SIZE + 4) + 18
    x, y = 0.0, float(legend_top)
    for label, rag in order:
        if (label, rag) not in drawn:
            continue
        item_width = LEGEND_SWATCH + 6 + text_width(label) + 20
        if x > 0 and x + item_width > width:
            x, y = 0.0, y + LEGEND_ROW
        legend.append(LegendItem(label=label, rag=rag, x=x, y=y))
        x += item_width
    height = (y + LEGEND_ROW) if legend else legend_top

    return StackedBarChart(
        title=title,
        summary=_bar_summary(rows),
        rows=bar_rows,
        legend=legend,
        width=width,
        height=math.ceil(height),
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        ticks=ticks,
        chart_id=chart_id or slugify(title) or "chart",
        axis_y=axis_y,
        axis_label=axis_label,
        labels_above=labels_above,
    )


def narrow_bar_chart(chart: StackedBarChart, rows) -> StackedBarChart:
    """`chart` laid out again for a phone: as wide as the screen, so its text is drawn at
    the size it is written, with each row's label above its bar. Same title and summary;
    its own ids."""
    narrow = stacked_bar_chart(
        chart.title,
        rows,
        width=NARROW_WIDTH,
        bar_height=chart.bar_height,
        chart_id=f"{chart.chart_id}-narrow",
        axis_label=chart.axis_label,
        labels_above=True,
    )
    return dataclasses.replace(narrow, summary=chart.summary)


# --- Line chart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    label: str  # "30 Sep 2013: 44"

    @property
    def x_attr(self) -> str:
        return svg_number(self.x)

    @property
    def y_attr(self) -> str:
        return svg_number(self.y)


@dataclass(frozen=True)
class LineChart(_SvgChart):
    title: str
    summary: str
    points: list[LinePoint]
    polyline: str  # "x1,y1 x2,y2 ...", empty with fewer than two points
    target_y: float | None
    target_label: str  # "Target 50"
    baseline_y: float | None
    baseline_label: str  # "Baseline 38"
    # Baselines of the two labels, printed in the right margin beside their lines; moved apart
    # when the lines are too close for both.
    target_label_y: float | None
    baseline_label_y: float | None
    x_ticks: list[tuple[float, str]]  # x, "Mar 2013"
    y_ticks: list[tuple[float, str]]  # y, "1,240"
    width: int
    height: int
    # The plot area's edges in SVG user units (not margins): x of its left and right sides,
    # y of its top and bottom (the x axis).
    left: int
    right: int
    top: int
    bottom: int
    chart_id: str
    unit_label: str  # the unit, printed above the y axis; empty when there is none
    # The y axis starts above zero: a break mark (two slashes) across it, near the bottom.
    axis_break: bool = False

    @property
    def break_marks(self) -> list[tuple[str, ...]]:
        """Two short parallel slashes across the y axis just above the x axis, each as the
        (x1, y1, x2, y2) of a line: the usual sign that the scale does not start at zero."""
        x, y = self.left, self.bottom - 10
        return [
            tuple(svg_number(n) for n in (x - 6, y + offset + 3, x + 6, y + offset - 3))
            for offset in (-3, 3)
        ]

    @property
    def break_gap_y_attr(self) -> str:
        return svg_number(self.bottom - 16)

    @property
    def break_gap_x_attr(self) -> str:
        return svg_number(self.left - 7)

    @property
    def left_attr(self) -> str:
        return svg_number(self.left)

    @property
    def right_attr(self) -> str:
        return svg_number(self.right)

    @property
    def top_attr(self) -> str:
        return svg_number(self.top)

    @property
    def bottom_attr(self) -> str:
        return svg_number(self.bottom)

    @property
    def y_label_x_attr(self) -> str:
        return svg_number(self.left - 8)

    @property
    def tick_end_attr(self) -> str:
        return svg_number(self.bottom + 5)

    @property
    def x_label_y_attr(self) -> str:
        return svg_number(self.bottom + 5 + SMALL_FONT_SIZE + 2)

    @property
    def unit_y_attr(self) -> str:
        return svg_number(self.top - 10)

    @property
    def message_y_attr(self) -> str:
        return svg_number(self.height / 2 + FONT_SIZE * 0.35)

    @property
    def target_y_attr(self) -> str:
        return svg_number(self.target_y) if self.target_y is not None else ""

    @property
    def target_label_y_attr(self) -> str:
        return svg_number(self.target_label_y) if self.target_label_y is not None else ""

    @property
    def baseline_y_attr(self) -> str:
        return svg_number(self.baseline_y) if self.baseline_y is not None else ""

    @property
    def baseline_label_y_attr(self) -> str:
        return svg_number(self.baseline_label_y) if self.baseline_label_y is not None else ""

    @property
    def line_label_x_attr(self) -> str:
        return svg_number(self.right + 6)

    @property
    def x_tick_marks(self) -> list[tuple[str, str]]:
        return [(svg_number(x), label) for x, label in self.x_ticks]

    @property
    def y_tick_marks(self) -> list[tuple[str, str, str]]:
        """(y of the gridline, y of the label's baseline, label)."""
        return [
            (svg_number(y), svg_number(y + SMALL_FONT_SIZE * 0.35), label)
            for y, label in self.y_ticks
        ]


def nice_scale(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(bottom, top, step) of an axis covering low..high with 4 to 6 ticks at round numbers:
    steps of 1, 2 or 5 times a power of ten."""
    if high < low:
        low, high = high, low
    if high == low:
        # A flat line still needs a scale: pad it, without dipping below zero for a measure
        # that never goes negative.
        pad = max(abs(high) / 10, Decimal(1))
        low, high = (max(low - pad, Decimal(0)) if low >= 0 else low - pad), high + pad
    span = high - low
    # Readings have two decimal places, so no step is finer than 0.01.
    exponent = max((span / 6).adjusted(), -2)
    for power in range(exponent, exponent + 3):
        for multiple in (1, 2, 5):
            step = Decimal(multiple).scaleb(power)
            bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
            top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
            if (top - bottom) / step + 1 <= 6:
                # Rounding out can leave only 3 ticks when the step had to jump; add one more
                # step on top rather than switch to an awkward step such as 2.5.
                while (top - bottom) / step + 1 < 4:
                    top += step
                return bottom, top, step
    raise AssertionError("unreachable: a step of 100 times span/6 always fits")


def line_chart(
    title: str,
    readings: list[tuple[datetime.date, Decimal]],
    *,
    unit: str = "",
    target: Decimal | None = None,
    baseline: Decimal | None = None,
    direction: str = "none",
    width: int = 640,
    height: int = 240,
    chart_id: str | None = None,
) -> LineChart:
    """Lay out a measure's readings over time, with its target and baseline as horizontal lines.

    x is proportional to time between the first and last reading; y covers every reading, the
    target and the baseline. `direction` is Measure.Direction: "up", "down" or "none".
    """
    readings = sorted(readings, key=lambda reading: reading[0])
    chart_id = chart_id or slugify(title) or "chart"
    direction_words = {"up": "Higher is better.", "down": "Lower is better."}.get(direction, "")
    target_sentence = f"Target {format_quantity(target, unit)}." if target is not None else ""
    baseline_sentence = (
        f"Baseline {format_quantity(baseline, unit)}." if baseline is not None else ""
    )

    if not readings:
        return LineChart(
            title=title,
            summary="No readings recorded yet.",
            points=[],
            polyline="",
            target_y=None,
            target_label="",
            baseline_y=None,
            baseline_label="",
            target_label_y=None,
            baseline_label_y=None,
            x_ticks=[],
            y_ticks=[],
            width=width,
            height=48,
            left=0,
            right=width,
            top=0,
            bottom=48,
            chart_id=chart_id,
            unit_label="",
        )

    values = [Decimal(value) for _, value in readings]
    scale_values = values + [v for v in (target, baseline) if v is not None]
    low, high = min(scale_values), max(scale_values)
    # Start at zero when zero is near (less than the data's own height below it), so small
    # changes are not blown up; otherwise zoom in, or a change from 38 to 44 would be a flat line.
    # A single reading, or readings that never change, start at zero too: there is no
    # change to show, only the level.
    if low >= 0 and (low <= high / 2 or low == high):
        low = Decimal(0)
    bottom_value, top_value, step = nice_scale(low, high)
    # A scale that starts above zero is marked as broken, on the axis and in words.
    axis_break = bottom_value > 0
    scale_sentence = (
        f"The scale starts at {format_quantity(bottom_value, unit)}, not zero."
        if axis_break
        else ""
    )
    tick_count = int((top_value - bottom_value) / step) + 1
    y_tick_values = [bottom_value + step * n for n in range(tick_count)]
    y_labels = [format_number(value) for value in y_tick_values]

    target_label = target_sentence.rstrip(".")
    baseline_label = baseline_sentence.rstrip(".")

    # Margins: the widest y label decides the left one. The right one holds half of the last
    # date label, and the target and baseline labels: outside the plot, they cannot cover a
    # point or the line.
    left = math.ceil(max(text_width(label, SMALL_FONT_SIZE) for label in y_labels) + 16)
    left = max(left, 40)
    line_label_width = max(
        text_width(target_label, SMALL_FONT_SIZE), text_width(baseline_label, SMALL_FONT_SIZE)
    )
    right = width - max(32, math.ceil(line_label_width) + 10)
    top = 28 if unit else 20
    bottom = height - 32
    inset = 12  # keeps the first and last points off the axes

    def y_of(value: Decimal) -> float:
        fraction = float((value - bottom_value) / (top_value - bottom_value))
        return bottom - fraction * (bottom - top)

    first_day, last_day = readings[0][0], readings[-1][0]
    days = (last_day - first_day).days

    def x_of(day: datetime.date) -> float:
        if days == 0:
            return (left + right) / 2
        return left + inset + (day - first_day).days / days * (right - left - 2 * inset)

    points = [
        LinePoint(
            x=x_of(day), y=y_of(value), label=f"{format_date(day)}: {format_quantity(value, unit)}"
        )
        for (day, _), value in zip(readings, values, strict=True)
    ]
    polyline = (
        " ".join(f"{svg_number(p.x)},{svg_number(p.y)}" for p in points) if len(points) > 1 else ""
    )

    # Date labels at readings (quarter ends, usually) rather than at month starts, so a label
    # sits under its point. Thin them out so that neighbours never overlap; keep the latest.
    min_gap = text_width("Sep 2013", SMALL_FONT_SIZE) + 12
    x_ticks: list[tuple[float, str]] = []
    for point, (day, _) in zip(points, readings, strict=True):
        label = format_month(day)
        if x_ticks and (point.x - x_ticks[-1][0] < min_gap or label == x_ticks[-1][1]):
            # Too close to the previous label, or the same month. The latest reading matters
            # most, so it takes the previous label's place; that one was clear of its own
            # neighbour, so the latest is too.
            if point is points[-1]:
                x_ticks[-1] = (point.x, label)
            continue
        x_ticks.append((point.x, label))

    target_y = y_of(target) if target is not None else None
    baseline_y = y_of(baseline) if baseline is not None else None
    # A label is centred on its line; if the two lines are closer than a line of text, push the
    # labels apart equally, the upper line's label upwards.
    centre_offset = SMALL_FONT_SIZE * 0.35
    target_label_y = target_y + centre_offset if target_y is not None else None
    baseline_label_y = baseline_y + centre_offset if baseline_y is not None else None
    if target_label_y is not None and baseline_label_y is not None:
        shortfall = SMALL_FONT_SIZE + 2 - abs(target_label_y - baseline_label_y)
        if shortfall > 0:
            upwards = -1 if target_label_y <= baseline_label_y else 1
            target_label_y += upwards * shortfall / 2
            baseline_label_y -= upwards * shortfall / 2

    first_value, last_value = values[0], values[-1]
    if len(readings) == 1:
        opening = f"{format_quantity(first_value, unit)} on {format_date(first_day)}."
    else:
        change = last_value - first_value
        if change == 0:
            movement = "no change"
        else:
            amount = (
                f"{format_number(abs(change))} percentage points"
                if unit == "%"
                else format_quantity(abs(change), unit)
            )
            movement = f"{'up' if change > 0 else 'down'} {amount}"
        opening = (
            f"From {format_quantity(first_value, unit)} on {format_date(first_day)} "
            f"to {format_quantity(last_value, unit)} on {format_date(last_day)} ({movement})."
        )
    summary = " ".join(
        part
        for part in (opening, baseline_sentence, target_sentence, direction_words, scale_sentence)
        if part
    )

    return LineChart(
        title=title,
        summary=summary,
        points=points,
        polyline=polyline,
        target_y=target_y,
        target_label=target_label,
        baseline_y=baseline_y,
        baseline_label=baseline_label,
        target_label_y=target_label_y,
        baseline_label_y=baseline_label_y,
        x_ticks=x_ticks,
        y_ticks=[
            (y_of(value), label) for value, label in zip(y_tick_values, y_labels, strict=True)
        ],
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        chart_id=chart_id,
        unit_label=unit,
        axis_break=axis_break,
    )


def chart_numbers(chart: StackedBarChart) -> tuple[list[str], list[tuple[str, list[int], int]]]:
    """The numbers a stacked bar chart draws, as a table: a column for each entry of its
    legend, a row for each bar, and each bar's total. Papers print it after the chart, so
    that the numbers are there as text for every reader (and in Word, where the chart is a
    picture)."""
    labels = [item.label for item in chart.legend]
    rows = []
    for row in chart.rows:
        counts = {segment.label: segment.count for segment in row.segments}
        rows.append((row.label, [counts.get(label, 0) for label in labels], row.total))
    return labels, rows
