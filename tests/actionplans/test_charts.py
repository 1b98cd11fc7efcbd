"""The SVG chart geometry (actionplans.charts) and the two templates that draw it."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from actionplans.charts import (
    BAR_TOP,
    FONT_SIZE,
    MIN_COUNT_WIDTH,
    NARROW_WIDTH,
    RAG_COLOURS,
    TEXT_ON,
    contrast_ratio,
    format_number,
    format_quantity,
    line_chart,
    narrow_bar_chart,
    nice_scale,
    stacked_bar_chart,
    svg_number,
    text_width,
    truncate,
    wrap_text,
)
from councils.models import Rag

SVG = "{http://www.w3.org/2000/svg}"
DECIMAL_COMMA = re.compile(r"\d,\d")
POINT = re.compile(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?")

WORKSTREAMS = [
    (
        "Coordinate and maximise advice services across the city",
        [
            ("1", "On target", "green", 1),
            ("2", "Behind schedule", "amber", 2),
            ("3", "Complete", "blue", 0),
            ("4", "Yet to start", "grey", 1),
        ],
    ),
    ("Housing", [("1", "On target", "green", 6), ("3", "Complete", "blue", 2)]),
    ("Nothing yet", []),
]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def quarterly_readings() -> list[tuple[datetime.date, Decimal]]:
    # Deliberately out of order: the chart sorts by date.
    return [
        (day("2013-09-30"), Decimal("44")),
        (day("2013-03-31"), Decimal("38")),
        (day("2013-06-30"), Decimal("41.50")),
    ]


# --- Colours ------------------------------------------------------------------------------------


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # Order does not matter.
    assert contrast_ratio("#1d70b8", "#ffffff") == contrast_ratio("#ffffff", "#1d70b8")


def test_every_rag_key_has_a_colour_and_a_text_colour():
    assert set(RAG_COLOURS) == set(Rag.values) == set(TEXT_ON)


@pytest.mark.parametrize("rag", Rag.values)
def test_segment_colour_stands_out_from_a_white_page(rag):
    # WCAG 1.4.11: graphical objects need 3:1 against what is next to them.
    assert contrast_ratio(RAG_COLOURS[rag], "#ffffff") >= 3


@pytest.mark.parametrize("rag", Rag.values)
def test_count_printed_on_a_segment_is_readable(rag):
    # WCAG 1.4.3: text needs 4.5:1 against its background.
    assert contrast_ratio(TEXT_ON[rag], RAG_COLOURS[rag]) >= 4.5


# --- Numbers and text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1240"), "1,240"),
        (Decimal("41.50"), "41.5"),
        (Decimal("41.00"), "41"),
        (Decimal("1234567.891"), "1,234,567.89"),
        (Decimal("-0.001"), "0"),
        (Decimal("-2.5"), "-2.5"),
        (Decimal("1.5E+3"), "1,500"),
        (7, "7"),
        (0.1, "0.1"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_format_quantity_writes_units_the_usual_way():
    assert format_quantity(Decimal("1240"), "£") == "£1,240"
    assert format_quantity(Decimal("-5"), "£") == "-£5"
    assert format_quantity(Decimal("45.0"), "%") == "45%"
    assert format_quantity(Decimal("12"), "people") == "12 people"
    assert format_quantity(Decimal("12"), "") == "12"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12.0, "12"), (12.5, "12.5"), (1 / 3, "0.33"), (-0.001, "0"), (1234.567, "1234.57")],
)
def test_svg_number_is_plain_and_short(value, expected):
    assert svg_number(value) == expected


def test_truncate_keeps_short_text_and_cuts_long_text_at_a_word():
    assert truncate("Housing") == "Housing"
    long = "Coordinate and maximise advice services across the city to reduce welfare reform"
    short = truncate(long)
    assert len(short) <= 60
    assert short.endswith("…")
    assert long.startswith(short[:-1])
    assert short[:-1] in long and long[len(short) - 1] == " "


def test_wrap_text_fits_lines_and_cuts_only_when_told_to():
    lines = wrap_text("one two three four five six seven eight nine ten", 80, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert wrap_text("Housing", 200, 2) == ["Housing"]
    whole = wrap_text("one two three four five six seven eight nine ten", 80)
    assert " ".join(whole) == "one two three four five six seven eight nine ten"
    assert all(text_width(line) <= 80 for line in whole)


# --- Stacked bars -------------------------------------------------------------------------------


def test_segments_are_proportional_to_counts_and_to_the_largest_total():
    chart = stacked_bar_chart("Status of actions by workstream", WORKSTREAMS)
    advice, housing, _ = chart.rows
    per_action = chart.plot_width / 8  # Housing has the most actions: 8
    assert [s.width for s in advice.segments] == pytest.approx(
        [1 * per_action, 2 * per_action, 1 * per_action]
    )
    assert sum(s.width for s in housing.segments) == pytest.approx(chart.plot_width)
    assert advice.bar_end == pytest.approx(4 * per_action)


def test_segments_touch_and_start_at_the_axis():
    chart = stacked_bar_chart("Status", WORKSTREAMS)
    for row in chart.rows:
        if row.segments:
            assert row.segments[0].x == 0
        for left, right in zip(row.segments, row.segments[1:], strict=False):
            assert right.x == pytest.approx(left.x + left.width)
            # The printed edges meet exactly too, so no gap shows between segments.
            printed_end = float(left.x_attr) + float(left.width_attr)
            assert printed_end == pytest.approx(float(right.x_attr), abs=1e-9)


def test_zero_counts_are_dropped_but_an_empty_row_stays():
    chart = stacked_bar_chart("Status", WORKSTREAMS)
    advice, _, empty = chart.rows
    assert [s.key for s in advice.segments] == ["1", "2", "4"]  # "Complete: 0" is not drawn
    assert empty.label == "Nothing yet"
    assert empty.total == 0
    assert empty.segments == []
    assert empty.bar_end == 0


def test_count_is_printed_inside_only_when_the_segment_is_wide_enough():
    # 100 actions across 412 units: 6 actions make 24.7 units, 5 make 20.6.
    chart = stacked_bar_chart(
        "Status",
        [("A", [("g", "On target", "green", 89), ("a", "Late", "amber", 6)])]
        + [("B", [("g", "On target", "green", 95), ("r", "Off track", "red", 5)])],
    )
    assert chart.plot_width == 412
    wide = chart.rows[0].segments[1]
    narrow = chart.rows[1].segments[1]
    assert wide.width >= MIN_COUNT_WIDTH and wide.show_count
    assert narrow.width < MIN_COUNT_WIDTH and not narrow.show_count


def test_height_grows_with_rows_and_rows_do_not_overlap():
    one = stacked_bar_chart("Status", WORKSTREAMS[:1])
    three = stacked_bar_chart("Status", WORKSTREAMS)
    assert three.height > one.height
    ys = [row.y for row in three.rows]
    assert all(b - a >= three.bar_height for a, b in zip(ys, ys[1:], strict=False))
    assert three.axis_y > ys[-1] + three.bar_height
    assert max(item.y for item in three.legend) < three.height


def test_all_zero_chart_has_a_zero_axis_and_no_segments():
    chart = stacked_bar_chart("Status", [("A", [("g", "On target", "green", 0)])])
    assert chart.ticks == [(0.0, "0")]
    assert chart.rows[0].segments == []
    assert chart.legend == []


def test_ticks_are_round_integers_up_to_the_largest_total():
    chart = stacked_bar_chart("Status", WORKSTREAMS)
    assert [label for _, label in chart.ticks] == ["0", "2", "4", "6", "8"]
    assert chart.ticks[-1][0] == pytest.approx(chart.plot_width)
    many = stacked_bar_chart("Status", [("A", [("g", "On target", "green", 1240)])])
    labels = [label for _, label in many.ticks]
    assert labels[0] == "0" and len(labels) <= 6
    assert all(int(label.replace(",", "")) % 100 == 0 for label in labels)


def test_legend_lists_each_drawn_status_once_in_the_callers_order():
    chart = stacked_bar_chart("Status", WORKSTREAMS)
    # "Complete" is listed (with 0) in the first row and drawn in the second: its place in the
    # legend follows the order the caller gives, not the first row that happens to draw it.
    assert [(item.label, item.rag) for item in chart.legend] == [
        ("On target", "green"),
        ("Behind schedule", "amber"),
        ("Complete", "blue"),
        ("Yet to start", "grey"),
    ]
    nothing_drawn = stacked_bar_chart("Status", [("A", [("1", "Complete", "blue", 0)])])
    assert nothing_drawn.legend == []


def test_legend_wraps_onto_more_lines_when_narrow():
    rows = [("A", [(str(n), f"Status number {n}", "green", 1) for n in range(8)])]
    chart = stacked_bar_chart("Status", rows, width=400, label_width=120)
    lines = sorted({item.y for item in chart.legend})
    assert len(lines) > 1
    for line in lines:
        # Each line starts at the left edge.
        assert min(item.x for item in chart.legend if item.y == line) == 0
    assert all(item.x < chart.width for item in chart.legend)


def test_summary_reads_out_each_row():
    chart = stacked_bar_chart("Status of actions by workstream", WORKSTREAMS)
    assert chart.summary == (
        "Coordinate and maximise advice services across the city: 4 actions, "
        "1 complete or on target, 2 behind schedule, 1 yet to start. "
        "Housing: 8 actions, 8 complete or on target. "
        "Nothing yet: no actions."
    )


def test_summary_of_many_rows_gives_totals_and_the_row_most_behind():
    rows = [(f"Workstream {n}", [("g", "On target", "green", 2)]) for n in range(7)]
    rows[3] = ("Workstream 3", [("g", "On target", "green", 1), ("r", "Off track", "red", 3)])
    chart = stacked_bar_chart("Status", rows)
    assert chart.summary == (
        "16 actions in all: 13 complete or on target, 3 behind schedule. "
        "Most behind schedule: Workstream 3 (3 of 4 actions)."
    )


def test_long_row_labels_are_wrapped_whole_never_cut_short():
    label = "A very long workstream title " * 5
    chart = stacked_bar_chart("Status", [(label, [("g", "On target", "green", 1)])])
    row = chart.rows[0]
    assert row.label == label
    assert " ".join(line.text for line in row.label_lines) == " ".join(label.split())
    assert not any("…" in line.text for line in row.label_lines)
    assert len(row.label_lines) > 2
    # Each line fits the label column, and the row is tall enough for all of them.
    assert all(text_width(line.text) <= chart.label_width - 16 for line in row.label_lines)
    first, last = row.label_lines[0].y, row.label_lines[-1].y
    assert first >= BAR_TOP and last < chart.axis_y
    assert label in row.tooltip


def test_rows_with_long_labels_do_not_overlap_the_next_row():
    long = "Ensure our services, procurement and assets have maximum impact in reducing " * 2
    chart = stacked_bar_chart(
        "Status",
        [(long, [("g", "On target", "green", 2)]), ("Housing", [("g", "On target", "green", 1)])],
    )
    first, second = chart.rows
    assert first.label_lines[-1].y + 4 < second.label_lines[0].y - FONT_SIZE


def test_a_word_too_long_for_a_line_is_split_not_cut():
    word = "Antidisestablishmentarianism" * 3
    lines = wrap_text(word, 100)
    assert "".join(lines) == word
    assert all(text_width(line) <= 100 for line in lines)


def test_the_narrow_layout_puts_labels_above_bars_within_a_phones_width():
    long = "Trial locality-based solutions to improving wellbeing amongst disadvantaged groups"
    rows = [(long, [("g", "On target", "green", 3), ("r", "Overdue", "red", 1)]), *WORKSTREAMS]
    wide = stacked_bar_chart("Status of actions by workstream", rows, chart_id="plan-1")
    narrow = narrow_bar_chart(wide, rows)
    assert narrow.width == NARROW_WIDTH and narrow.labels_above
    assert narrow.chart_id == "plan-1-narrow" and narrow.summary == wide.summary
    assert narrow.label_anchor == "start"
    for row in narrow.rows:
        # Every line of the label is above its bar, and fits the width.
        assert all(line.y < row.y for line in row.label_lines)
        assert all(
            narrow.label_width + text_width(line.text) <= narrow.width for line in row.label_lines
        )
        assert narrow.label_width + row.bar_end + 6 + text_width("88", 13) <= narrow.width
        assert not any("…" in line.text for line in row.label_lines)
    ys = [row.y for row in narrow.rows]
    assert all(b > a + narrow.bar_height for a, b in zip(ys, ys[1:], strict=False))
    assert max(item.x + text_width(item.label) for item in narrow.legend) <= narrow.width
    svg = render_bars(narrow)
    assert 'text-anchor="start"' in svg and 'id="plan-1-narrow-title"' in svg


def test_chart_id_defaults_to_the_slugified_title():
    assert stacked_bar_chart("Status of actions", []).chart_id == "status-of-actions"
    assert stacked_bar_chart("Status", [], chart_id="plan-7").chart_id == "plan-7"
    assert line_chart("Households helped", []).chart_id == "households-helped"


# --- Line chart ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high"),
    [("0", "1"), ("0", "12"), ("38", "50"), ("5.5", "14.5"), ("0", "1240"), ("-3", "7"),
     ("0.5", "0.52"), ("44", "44"), ("0", "0"), ("1000", "250000")],
)  # fmt: skip
def test_nice_scale_covers_the_values_with_4_to_6_round_ticks(low, high):
    bottom, top, step = nice_scale(Decimal(low), Decimal(high))
    assert bottom <= Decimal(low) and top >= Decimal(high)
    assert 4 <= (top - bottom) / step + 1 <= 6
    # A round step: 1, 2 or 5 times a power of ten, and ticks on multiples of it.
    assert step.normalize().as_tuple().digits in ((1,), (2,), (5,))
    assert bottom % step == 0


def test_points_are_in_date_order_and_proportional_to_time():
    chart = line_chart("Households helped", quarterly_readings())
    xs = [point.x for point in chart.points]
    assert xs == sorted(xs)
    assert [point.label for point in chart.points] == [
        "31 Mar 2013: 38",
        "30 Jun 2013: 41.5",
        "30 Sep 2013: 44",
    ]
    # 91 days, then 92 days.
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(91 / 92)
    assert chart.polyline == " ".join(f"{p.x_attr},{p.y_attr}" for p in chart.points)


def test_every_point_lies_inside_the_plot_area():
    chart = line_chart(
        "Households helped", quarterly_readings(), target=Decimal("50"), baseline=Decimal("30")
    )
    for point in chart.points:
        assert chart.left < point.x < chart.right
        assert chart.top <= point.y <= chart.bottom
    highest = min(chart.points, key=lambda p: p.y)
    lowest = max(chart.points, key=lambda p: p.y)
    assert highest.label.endswith(": 44") and lowest.label.endswith(": 38")


def test_y_ticks_are_round_and_span_the_plot():
    chart = line_chart("Households helped", quarterly_readings(), target=Decimal("50"))
    labels = [label for _, label in chart.y_ticks]
    assert 4 <= len(labels) <= 6
    values = [Decimal(label.replace(",", "")) for label in labels]
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1
    assert values[0] <= 38 and values[-1] >= 50
    assert chart.y_ticks[0][0] == pytest.approx(chart.bottom)
    assert chart.y_ticks[-1][0] == pytest.approx(chart.top)


def test_x_ticks_name_months_in_order_without_overlapping():
    chart = line_chart("Households helped", quarterly_readings())
    assert [label for _, label in chart.x_ticks] == ["Mar 2013", "Jun 2013", "Sep 2013"]
    crowded = [(day("2013-03-01") + datetime.timedelta(days=7 * n), Decimal(n)) for n in range(30)]
    ticks = line_chart("Weekly", crowded).x_ticks
    xs = [x for x, _ in ticks]
    assert xs == sorted(xs)
    assert all(b - a >= 60 for a, b in zip(xs, xs[1:], strict=False))
    assert ticks[-1][1] == "Sep 2013"  # the latest reading is always labelled


def test_target_and_baseline_lines_sit_at_their_values():
    chart = line_chart(
        "Households helped",
        quarterly_readings(),
        target=Decimal("50"),
        baseline=Decimal("38"),
    )
    at_38 = chart.points[0].y
    assert chart.baseline_y == pytest.approx(at_38)
    assert chart.target_y is not None and chart.target_y < chart.points[-1].y  # 50 is above 44
    assert chart.target_label == "Target 50"
    assert chart.baseline_label == "Baseline 38"
    # The labels are in the right margin, beside the plot, so they never cover a point.
    assert float(chart.line_label_x_attr) > chart.right


def test_labels_of_close_target_and_baseline_lines_do_not_collide():
    chart = line_chart("Rate", quarterly_readings(), target=Decimal("40"), baseline=Decimal("40"))
    assert abs(chart.target_label_y - chart.baseline_label_y) >= 13


def test_summary_states_the_change_target_and_direction():
    chart = line_chart(
        "Households helped",
        quarterly_readings(),
        target=Decimal("50"),
        direction="up",
    )
    assert chart.summary == (
        "From 38 on 31 Mar 2013 to 44 on 30 Sep 2013 (up 6). Target 50. Higher is better. "
        "The scale starts at 35, not zero."
    )
    down = line_chart(
        "Waiting time",
        [(day("2013-03-31"), Decimal("12.5")), (day("2014-03-31"), Decimal("10"))],
        unit="%",
        baseline=Decimal("12.5"),
        direction="down",
    )
    assert down.summary == (
        "From 12.5% on 31 Mar 2013 to 10% on 31 Mar 2014 (down 2.5 percentage points). "
        "Baseline 12.5%. Lower is better. The scale starts at 10%, not zero."
    )
    flat = line_chart(
        "Spend",
        [(day("2013-03-31"), Decimal("1240")), (day("2014-03-31"), Decimal("1240"))],
        unit="£",
    )
    assert flat.summary == "From £1,240 on 31 Mar 2013 to £1,240 on 31 Mar 2014 (no change)."


def test_the_scale_starts_at_zero_or_the_axis_is_marked_broken():
    near_zero = line_chart(
        "Households helped",
        [(day("2013-03-31"), Decimal("10")), (day("2013-06-30"), Decimal("44"))],
    )
    assert near_zero.y_ticks[0][1] == "0" and not near_zero.axis_break
    assert "scale starts" not in near_zero.summary
    zoomed = line_chart("Households helped", quarterly_readings(), chart_id="m-1")
    assert zoomed.axis_break and zoomed.y_ticks[0][1] == "38"
    svg = render_line(zoomed)
    assert "The scale does not start at zero" in svg
    # Two slashes across the y axis, between the lowest tick and the one above it.
    root = ET.fromstring(svg)
    marks = [
        g
        for g in root.iter(f"{SVG}g")
        if g.findtext(f"{SVG}title") == "The scale does not start at zero"
    ]
    slashes = marks[0].findall(f"{SVG}line")
    assert len(slashes) == 2
    for line in slashes:
        assert float(line.get("x1")) < zoomed.left < float(line.get("x2"))
        assert zoomed.y_ticks[1][0] < float(line.get("y1")) < zoomed.bottom
    negative = line_chart(
        "Net change", [(day("2013-03-31"), Decimal("-3")), (day("2013-06-30"), Decimal("7"))]
    )
    assert not negative.axis_break
    flat = line_chart(
        "Level", [(day("2013-03-31"), Decimal("44")), (day("2013-06-30"), Decimal("44"))]
    )
    assert flat.y_ticks[0][1] == "0" and not flat.axis_break


def test_one_reading_is_a_centred_point_without_a_line():
    chart = line_chart("Households helped", [(day("2013-09-30"), Decimal("44"))])
    assert len(chart.points) == 1
    assert chart.points[0].x == pytest.approx((chart.left + chart.right) / 2)
    assert chart.top <= chart.points[0].y <= chart.bottom
    assert chart.polyline == ""
    assert chart.summary == "44 on 30 Sep 2013."
    assert [label for _, label in chart.x_ticks] == ["Sep 2013"]


def test_no_readings_gives_a_chart_that_says_so():
    chart = line_chart("Households helped", [], target=Decimal("50"))
    assert chart.points == []
    assert chart.polyline == ""
    assert chart.summary == "No readings recorded yet."
    assert chart.target_y is None


# --- Templates ----------------------------------------------------------------------------------


def render_bars(chart) -> str:
    return render_to_string("actionplans/charts/stacked_bars.svg", {"chart": chart})


def render_line(chart) -> str:
    return render_to_string("actionplans/charts/line.svg", {"chart": chart})


def assert_accessible_svg(markup: str, chart) -> ET.Element:
    assert "style=" not in markup
    assert "<style" not in markup
    assert "foreignObject" not in markup
    assert "<script" not in markup
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {chart.width} {chart.height}"
    assert root.get("aria-labelledby") == f"{chart.chart_id}-title {chart.chart_id}-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == f"{chart.chart_id}-title"
    assert title.text == chart.title
    assert desc is not None and desc.get("id") == f"{chart.chart_id}-desc"
    assert desc.text == chart.summary
    for element in root.iter():
        if element.get("font-size"):
            assert float(element.get("font-size")) >= 12
    return root


def test_stacked_bars_template_renders_well_formed_svg():
    chart = stacked_bar_chart("Status of actions by workstream", WORKSTREAMS, chart_id="plan-1")
    root = assert_accessible_svg(render_bars(chart), chart)
    segments = [segment for row in chart.rows for segment in row.segments]
    rects = root.findall(f".//{SVG}rect")
    # One rect per segment, one per legend swatch.
    assert len(rects) == len(segments) + len(chart.legend)
    fills = [rect.get("fill") for rect in rects[: len(segments)]]
    assert fills == [RAG_COLOURS[segment.rag] for segment in segments]
    tooltips = {element.text for element in root.iter(f"{SVG}title")}
    assert {"On target: 1", "Behind schedule: 2", "Complete: 2"} <= tooltips
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Housing" in texts
    assert "8" in texts  # Housing's total, printed after its bar


def test_line_template_renders_well_formed_svg():
    chart = line_chart(
        "Households helped", quarterly_readings(), target=Decimal("50"), baseline=Decimal("38")
    )
    root = assert_accessible_svg(render_line(chart), chart)
    assert len(root.findall(f".//{SVG}circle")) == 3
    assert root.find(f".//{SVG}polyline").get("points") == chart.polyline
    tooltips = {element.text for element in root.iter(f"{SVG}title")}
    assert "30 Sep 2013: 44" in tooltips
    texts = {element.text for element in root.iter(f"{SVG}text")}
    assert {"Target 50", "Baseline 38", "Mar 2013"} <= texts


@pytest.mark.parametrize("readings", [[], [(day("2013-09-30"), Decimal("44"))]])
def test_line_template_renders_with_few_readings(readings):
    chart = line_chart("Households helped", readings)
    root = assert_accessible_svg(render_line(chart), chart)
    assert root.find(f".//{SVG}polyline") is None
    if not readings:
        assert [element.text for element in root.iter(f"{SVG}text")] == [
            "No readings recorded yet."
        ]


def test_two_charts_on_a_page_have_distinct_ids():
    first = stacked_bar_chart("Status", WORKSTREAMS, chart_id="plan-1-status")
    second = stacked_bar_chart("Status", WORKSTREAMS, chart_id="plan-2-status")
    page = f"<div>{render_bars(first)}{render_bars(second)}</div>"
    ids = [element.get("id") for element in ET.fromstring(page).iter() if element.get("id")]
    assert len(ids) == len(set(ids)) == 4


def test_labels_are_escaped():
    rows = [("Homes & <families>", [("g", "On target", "green", 1)])]
    chart = stacked_bar_chart("Status of <things> & more", rows)
    root = ET.fromstring(render_bars(chart))
    assert root.find(f"{SVG}title").text == "Status of <things> & more"


@pytest.mark.parametrize("language", ["de", "fr", "en-gb"])
@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_no_coordinate_is_localised(language):
    # German and French write 12,5 for 12.5; a comma inside a coordinate breaks the SVG.
    rows = [
        (f"Row {n}", [("g", "On target", "green", n + 1), ("r", "Late", "red", 3)])
        for n in range(40)
    ]
    bars = stacked_bar_chart("Status", rows)
    line = line_chart(
        "Spend",
        [(day("2013-03-31"), Decimal("1240.5")), (day("2013-06-30"), Decimal("2333.33"))],
        unit="£",
        target=Decimal("3000"),
    )
    assert bars.height > 1000  # so a thousands separator would show up too
    with translation.override(language):
        for markup in (render_bars(bars), render_line(line)):
            root = ET.fromstring(markup)
            for element in root.iter():
                if element is root:
                    continue  # its width is "100%"
                for name, value in element.attrib.items():
                    if name == "points":
                        # "x,y x,y": the commas pair coordinates, so check each pair's shape.
                        assert all(POINT.fullmatch(pair) for pair in value.split()), value
                        continue
                    assert not DECIMAL_COMMA.search(value), (name, value)
                    if name in {"x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy"}:
                        float(value)
