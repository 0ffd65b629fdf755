"""Charts as SVG (vector), readable in black and white: shapes, dashes and hatches, not colours.

Each function returns the SVG text; titles, axis labels and text alternatives come from
the caller (the message catalogue), so the charts hold no words of their own. They are
drawn on a Canvas (svg.py) rather than with matplotlib: four fixed kinds of chart need
axes, ticks, lines, bars and text, drawn here in milliseconds, where importing and running
matplotlib took about a fifth of a run on the sample (benchmarks/bench.py measures it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clusterix_reports.render.svg import (
    GRID,
    SHADE,
    WIDTH,
    Canvas,
    nice_ticks,
    text_width,
    tick_label,
)

LINE_STYLES = [  # dash pattern, marker, grey: told apart without colour
    (None, "o", "#000"),
    ("4.5 2", "s", "#595959"),
    ("1.2 2", "^", "#8c8c8c"),
    ("5 2 1.2 2", "D", "#333"),
]
TEXT, SMALL = 8.0, 7.0
NO_DATA = "#efefef"  # the band over periods before the first data
Sample = Callable[[Canvas, float, float], None]  # draws a legend key at (x, middle y)


@dataclass(frozen=True)
class Scale:
    """A linear map from data values [low, high] to positions [start, end]."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        """The position of `value`."""
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def chart_title(canvas: Canvas, text: str) -> None:
    """The chart's title, as its accessible name: the report's figure caption is the one
    title a reader sees, so the chart does not draw it again."""
    canvas.title(text)


def value_axis(
    canvas: Canvas,
    y: Scale,
    ticks: Sequence[float],
    left: float,
    right: float,
    size: float,
    decimal: str = ".",
) -> None:
    """Horizontal grid lines and their labels left of the plot, and the left spine."""
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), stroke=GRID, width=0.5)
        text = tick_label(tick, decimal)
        canvas.text(left - 3, y(tick) + size * 0.35, text, size=size, anchor="end")
    canvas.line(left, y.start, left, y.end)


def vertical_label(canvas: Canvas, x: float, middle: float, label: str, size: float) -> None:
    """An axis label written upwards, centred on `middle`."""
    canvas.text(x, middle, label, size=size, anchor="middle", rotate=-90)


def legend_rows(
    left: float, entries: Sequence[tuple[Sample, str]]
) -> list[list[tuple[float, Sample, str]]]:
    """Keys placed in rows from `left` (or further left, down to 0, to fit on one row)."""
    widths = [20 + text_width(label, TEXT) + 16 for _, label in entries]
    x = max(0.0, min(left, WIDTH - sum(widths)))
    rows: list[list[tuple[float, Sample, str]]] = [[]]
    for (sample, label), width in zip(entries, widths, strict=True):
        if rows[-1] and x + width - 16 > WIDTH:
            rows.append([])
            x = 0.0
        rows[-1].append((x, sample, label))
        x += width
    return rows


def draw_legend(canvas: Canvas, rows: list[list[tuple[float, Sample, str]]], y: float) -> None:
    """The legend's rows, the first centred on y, each the next 14 points lower."""
    for n, row in enumerate(rows):
        for x, sample, label in row:
            sample(canvas, x + 8, y + 14 * n)
            canvas.text(x + 20, y + 14 * n + TEXT * 0.35, label)


def line_sample(dash: str | None, marker: str, grey: str) -> Sample:
    """A legend key for a line series."""

    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.line(x - 8, y, x + 8, y, stroke=grey, width=1.2, dash=dash)
        if marker:
            canvas.marker(marker, x, y, 4.0, fill=grey, stroke=grey)

    return draw


def marker_sample(shape: str, size: float, fill: str = "#000") -> Sample:
    """A legend key for a marker."""
    return lambda canvas, x, y: canvas.marker(shape, x, y, size, fill=fill)


def box_sample(fill: str, hatched: bool = False) -> Sample:
    """A legend key for a bar or band."""

    def draw(canvas: Canvas, x: float, y: float) -> None:
        stroke = "#000" if hatched else None
        canvas.rect(x - 7, y - 4, 14, 8, fill=fill, stroke=stroke, hatched=hatched)

    return draw


def period_labels(
    canvas: Canvas, x: Callable[[float], float], labels: Sequence[str], bottom: float
) -> float:
    """Every label (or every n-th, at least 11 points apart) slanted under the axis; their depth."""
    room = abs(x(1) - x(0)) or 11.0
    step = max(1, math.ceil(11.0 / room))
    depth = 0.0
    for i in range(0, len(labels), step):
        canvas.line(x(i), bottom, x(i), bottom + 3)
        canvas.text(x(i) + 2, bottom + 9, labels[i], size=SMALL, anchor="end", rotate=-45)
        depth = max(depth, 0.71 * text_width(labels[i], SMALL) + 9)
    return depth


@dataclass(frozen=True)
class TimeMarks:
    """What a chart over periods draws apart: the periods with no data yet (by position), a
    partial last period, and targets (label, value, position or None: due after the chart)."""

    no_data: frozenset[int] = frozenset()
    partial: int | None = None
    targets: tuple[tuple[str, float, int | None], ...] = ()
    labels: tuple[str, str, str] = ("no data yet", "partial period", "target")


def _no_data_band(canvas: Canvas, x: Scale, marks: TimeMarks, top: float, bottom: float) -> None:
    """A hatched band over the periods before the first data, labelled: never drawn as zero."""
    if not marks.no_data:
        return
    first, last = min(marks.no_data), max(marks.no_data)
    half = (x(1) - x(0)) / 2 if x.high > x.low else 6.0
    left, right = max(x(first) - half, x.start - 8), x(last) + half
    canvas.rect(left, top, right - left, bottom - top, fill=NO_DATA)
    canvas.text((left + right) / 2, top + 10, marks.labels[0], size=SMALL, anchor="middle")


def _target_marks(canvas: Canvas, x: Scale, y: Scale, marks: TimeMarks, right: float) -> None:
    """Targets: a star at a target's own period, a dashed line for one due after the chart."""
    for label, value, position in marks.targets:
        if position is None:
            canvas.line(
                x.start - 8, y(value), right, y(value), stroke="#000", width=0.8, dash="6 3"
            )
            canvas.text(right - 2, y(value) - 3, label, size=SMALL, anchor="end")
        else:  # the label on the side of the marker with room for it
            canvas.marker("D", x(position), y(value), 6.0, fill="#fff", stroke="#000")
            late = x(position) > (x.start + x.end) / 2
            at, anchor = (x(position) - 5, "end") if late else (x(position) + 5, "start")
            canvas.text(at, y(value) - 5, label, size=SMALL, anchor=anchor)


def trend_lines(
    periods: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str,
    xlabel: str,
    ylabel: str,
    marks: TimeMarks | None = None,
    decimal: str = ".",
) -> str:
    """One line per series over the periods, each with its own dash pattern and marker.

    `marks`: periods with no data yet are left out of the lines (a hatched band), a partial
    last period is drawn with open markers and a dotted segment, targets are marked."""
    marks = marks or TimeMarks()
    left, top, height, right = 44.0, 24.0, 140.0, WIDTH - 6
    bottom = top + height
    top_value = max((max(v) for v in series.values() if len(v)), default=0.0)
    top_value = max([top_value, *(value for _, value, _ in marks.targets)])
    ticks = nice_ticks(top_value, 5)
    y = Scale(0, ticks[-1], bottom, top)
    x = Scale(0, max(len(periods) - 1, 1), left + 8, right - 8)
    depth = period_labels(Canvas(0, 0), x, periods, bottom)
    keys = [
        (line_sample(dash, marker, grey), label)
        for label, (dash, marker, grey) in zip(series, LINE_STYLES, strict=False)
    ]
    if marks.no_data:
        keys.append((box_sample(NO_DATA), marks.labels[0]))
    if marks.partial is not None:
        keys.append((marker_sample("o", 4.0, fill="#fff"), marks.labels[1]))
    if any(position is not None for _, _, position in marks.targets):
        keys.append((marker_sample("D", 6.0, fill="#fff"), marks.labels[2]))
    elif marks.targets:
        keys.append((line_sample("6 3", "", "#000"), marks.labels[2]))
    legend = legend_rows(left, keys)
    canvas = Canvas(WIDTH, bottom + depth + 32 + 14 * len(legend))
    chart_title(canvas, title)
    value_axis(canvas, y, ticks, left, right, TEXT, decimal)
    vertical_label(canvas, 12, top + height / 2, ylabel, TEXT)
    _no_data_band(canvas, x, marks, top, bottom)
    canvas.line(left, bottom, right, bottom)
    period_labels(canvas, x, periods, bottom)
    canvas.text((left + right) / 2, bottom + depth + 12, xlabel, anchor="middle")
    for values, (dash, marker, grey) in zip(series.values(), LINE_STYLES, strict=False):
        points = [(i, x(i), y(v)) for i, v in enumerate(values) if i not in marks.no_data]
        whole = [(px, py) for i, px, py in points if i != marks.partial]
        canvas.polyline(whole, stroke=grey, width=1.2, dash=dash)
        if marks.partial is not None and len(points) > 1 and points[-1][0] == marks.partial:
            canvas.polyline([points[-2][1:], points[-1][1:]], stroke=grey, width=1.0, dash="1 2")
        for i, px, py in points:
            fill = "#fff" if i == marks.partial else grey
            canvas.marker(marker, px, py, 4.0, fill=fill, stroke=grey)
    _target_marks(canvas, x, y, marks, right)
    draw_legend(canvas, legend, bottom + depth + 28)
    return canvas.to_svg()


def small_multiples(
    periods: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str,
    xlabel: str,
    ylabel: str,
    marks: TimeMarks | None = None,
    decimal: str = ".",
) -> str:
    """One small area chart per series on a shared scale: light to print, easy to compare in grey.

    `marks`: periods with no data yet are left out; a partial last period is an open circle."""
    marks = marks or TimeMarks()
    columns, left, gap, heading, height, under = 4, 40.0, 10.0, 30.0, 64.0, 18.0
    rows = max(1, -(-len(series) // columns))
    panel = (WIDTH - left - gap * (columns - 1)) / columns
    top_value = max((max(v) for v in series.values() if len(v)), default=0.0)
    ticks = nice_ticks(top_value, 3)
    row_height = heading + height + under
    canvas = Canvas(WIDTH, 24 + rows * row_height + 16)
    chart_title(canvas, title)
    for n, (label, values) in enumerate(series.items()):
        row, column = divmod(n, columns)
        x0 = left + column * (panel + gap)
        top = 24 + row * row_height + heading
        y = Scale(0, ticks[-1], top + height, top)
        x = Scale(0, max(len(periods) - 1, 1), x0, x0 + panel)
        canvas.text(x0, top - heading + 8, label, size=SMALL)
        for tick in ticks:
            canvas.line(x0, y(tick), x0 + panel, y(tick), stroke=GRID, width=0.4)
            if column == 0:
                canvas.text(
                    x0 - 3, y(tick) + 2.3, tick_label(tick, decimal), size=6.5, anchor="end"
                )
        points = [(x(i), y(v)) for i, v in enumerate(values) if i not in marks.no_data]
        if points:
            base = [(points[-1][0], y(0)), (points[0][0], y(0))]
            canvas.polygon([*points, *base], fill=SHADE)
            canvas.polyline(points, width=1.0)
            if marks.partial is not None:
                canvas.marker("o", *points[-1], 4.0, fill="#fff")
        canvas.line(x0, top, x0, top + height)
        canvas.line(x0, top + height, x0 + panel, top + height)
        if periods:
            canvas.text(x0, top + height + 9, periods[0], size=6.5)
            canvas.text(x0 + panel, top + height + 9, periods[-1], size=6.5, anchor="end")
        if column == 0:
            vertical_label(canvas, 10, top + height / 2, ylabel, SMALL)
    canvas.text(left + (WIDTH - left) / 2, 24 + rows * row_height + 8, xlabel, anchor="middle")
    return canvas.to_svg()
