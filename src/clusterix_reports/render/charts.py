"""Charts as SVG (vector), readable in black and white: shapes, dashes and hatches, not colours.

Each function returns the SVG text; titles, axis labels and text alternatives come from
the caller (the message catalogue), so the charts hold no words of their own. They are
drawn on a Canvas (svg.py) rather than with matplotlib: four fixed kinds of chart need
axes, ticks, lines, bars and text, drawn here in milliseconds, where importing and running
matplotlib took about a fifth of a run on the sample (benchmarks/bench.py measures it).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clusterix_reports.render.svg import (
    GRID,
    SHADE,
    WIDTH,
    Canvas,
    nice_range,
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
TITLE_BASELINE = 11.0
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


def _title(canvas: Canvas, title: str) -> None:
    canvas.text(0, TITLE_BASELINE, title, size=9, bold=True)


def _value_axis(
    canvas: Canvas, y: Scale, ticks: Sequence[float], left: float, right: float, size: float
) -> None:
    """Horizontal grid lines and their labels left of the plot, and the left spine."""
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), stroke=GRID, width=0.5)
        canvas.text(left - 3, y(tick) + size * 0.35, tick_label(tick), size=size, anchor="end")
    canvas.line(left, y.start, left, y.end)


def _vertical_label(canvas: Canvas, x: float, middle: float, label: str, size: float) -> None:
    canvas.text(x, middle, label, size=size, anchor="middle", rotate=-90)


def _legend_rows(
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


def _legend(canvas: Canvas, rows: list[list[tuple[float, Sample, str]]], y: float) -> None:
    """The legend's rows, the first centred on y, each the next 14 points lower."""
    for n, row in enumerate(rows):
        for x, sample, label in row:
            sample(canvas, x + 8, y + 14 * n)
            canvas.text(x + 20, y + 14 * n + TEXT * 0.35, label)


def _line_sample(dash: str | None, marker: str, grey: str) -> Sample:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.line(x - 8, y, x + 8, y, stroke=grey, width=1.2, dash=dash)
        canvas.marker(marker, x, y, 4.0, fill=grey, stroke=grey)

    return draw


def _marker_sample(shape: str, size: float, fill: str = "#000") -> Sample:
    return lambda canvas, x, y: canvas.marker(shape, x, y, size, fill=fill)


def _box_sample(fill: str, hatched: bool = False) -> Sample:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        stroke = "#000" if hatched else None
        canvas.rect(x - 7, y - 4, 14, 8, fill=fill, stroke=stroke, hatched=hatched)

    return draw


def _period_labels(
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


def trend_lines(
    periods: Sequence[str], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
) -> str:
    """One line per series over the periods, each with its own dash pattern and marker."""
    left, top, height, right = 44.0, 24.0, 140.0, WIDTH - 6
    bottom = top + height
    top_value = max((max(v) for v in series.values() if len(v)), default=0.0)
    ticks = nice_ticks(top_value, 5)
    y = Scale(0, ticks[-1], bottom, top)
    x = Scale(0, max(len(periods) - 1, 1), left + 8, right - 8)
    depth = _period_labels(Canvas(0, 0), x, periods, bottom)
    keys = [
        (_line_sample(dash, marker, grey), label)
        for label, (dash, marker, grey) in zip(series, LINE_STYLES, strict=False)
    ]
    legend = _legend_rows(left, keys)
    canvas = Canvas(WIDTH, bottom + depth + 32 + 14 * len(legend))
    _title(canvas, title)
    _value_axis(canvas, y, ticks, left, right, TEXT)
    _vertical_label(canvas, 12, top + height / 2, ylabel, TEXT)
    canvas.line(left, bottom, right, bottom)
    _period_labels(canvas, x, periods, bottom)
    canvas.text((left + right) / 2, bottom + depth + 12, xlabel, anchor="middle")
    for values, (dash, marker, grey) in zip(series.values(), LINE_STYLES, strict=False):
        points = [(x(i), y(v)) for i, v in enumerate(values)]
        canvas.polyline(points, stroke=grey, width=1.2, dash=dash)
        for px, py in points:
            canvas.marker(marker, px, py, 4.0, fill=grey, stroke=grey)
    _legend(canvas, legend, bottom + depth + 28)
    return canvas.to_svg()


def small_multiples(
    periods: Sequence[str], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
) -> str:
    """One small area chart per series on a shared scale: light to print, easy to compare in grey."""
    columns, left, gap, heading, height, under = 4, 40.0, 10.0, 22.0, 64.0, 18.0
    rows = max(1, -(-len(series) // columns))
    panel = (WIDTH - left - gap * (columns - 1)) / columns
    top_value = max((max(v) for v in series.values() if len(v)), default=0.0)
    ticks = nice_ticks(top_value, 3)
    row_height = heading + height + under
    canvas = Canvas(WIDTH, 24 + rows * row_height + 16)
    _title(canvas, title)
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
                canvas.text(x0 - 3, y(tick) + 2.3, tick_label(tick), size=6.5, anchor="end")
        points = [(x(i), y(v)) for i, v in enumerate(values)]
        if points:
            base = [(points[-1][0], y(0)), (points[0][0], y(0))]
            canvas.polygon([*points, *base], fill=SHADE)
            canvas.polyline(points, width=1.0)
        canvas.line(x0, top, x0, top + height)
        canvas.line(x0, top + height, x0 + panel, top + height)
        if periods:
            canvas.text(x0, top + height + 9, periods[0], size=6.5)
            canvas.text(x0 + panel, top + height + 9, periods[-1], size=6.5, anchor="end")
        if column == 0:
            _vertical_label(canvas, 10, top + height / 2, ylabel, SMALL)
    canvas.text(left + (WIDTH - left) / 2, 24 + rows * row_height + 8, xlabel, anchor="middle")
    return canvas.to_svg()


def _date_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of months, 1 to 60 months apart, at most 9 between the two dates."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= 9)
    index = first.year * 12 + first.month - 1
    index += -index % step
    ticks = []
    while (day := dt.date(index // 12, index % 12 + 1, 1)) <= last:
        ticks.append(day)
        index += step
    return ticks


def _label_width(labels: Sequence[str]) -> float:
    """The width of the longest line of the labels."""
    return max((text_width(line, SMALL) for text in labels for line in text.split("\n")), default=0)


def _category_frame(
    canvas: Canvas,
    labels: Sequence[str],
    ticks: Sequence[tuple[float, str]],
    box: tuple[float, float, float],
    row_height: float,
) -> Callable[[int], float]:
    """One category per row down the plot, values along x: vertical grid lines with their
    labels under the plot, the left and bottom spines, and the row labels right-aligned left
    of the plot (one or two lines each). Returns where each row's middle is."""
    left, right, top = box
    bottom = top + row_height * max(len(labels), 1)
    for x, text in ticks:
        canvas.line(x, top, x, bottom, stroke=GRID, width=0.5)
        canvas.line(x, bottom, x, bottom + 3)
        canvas.text(x, bottom + 11, text, size=SMALL, anchor="middle")
    canvas.line(left, top, left, bottom)
    canvas.line(left, bottom, right, bottom)

    def row(i: int) -> float:
        return top + row_height * (i + 0.5)

    for i, label in enumerate(labels):
        lift = label.count("\n") * SMALL * 0.6
        canvas.text(left - 6, row(i) + 2.5 - lift, label, size=SMALL, anchor="end")
    return row


def timeline(
    steps: Sequence[tuple[str, dt.date, dt.date, dt.date | None]],
    period: tuple[dt.date, dt.date],
    title: str,
    xlabel: str,
    labels: tuple[str, str, str],
) -> str:
    """Planned spans as hatched bars, completions as diamonds, the period shaded."""
    planned_label, completed_label, period_label = labels
    left = _label_width([s[0] for s in steps]) + 12
    right, top, row_height = WIDTH - 6, 22.0, 24.0
    bottom = top + row_height * max(len(steps), 1)
    days = [d for s in steps for d in s[1:] if d is not None] + list(period)
    first, last = min(days), max(days) + dt.timedelta(days=1)
    pad, day = (last - first) / 40, dt.timedelta(days=1)
    x = Scale(0, (last - first + 2 * pad) / day, left, right)

    def at(when: dt.date) -> float:
        return x((when - first + pad) / day)

    legend = _legend_rows(
        left,
        [
            (_box_sample(SHADE), period_label),
            (_marker_sample("D", 6.0), completed_label),
            (_box_sample("#fff", hatched=True), planned_label),
        ],
    )
    canvas = Canvas(WIDTH, bottom + 34 + 14 * len(legend))
    _title(canvas, title)
    canvas.rect(
        at(period[0]),
        top,
        at(period[1] + dt.timedelta(days=1)) - at(period[0]),
        bottom - top,
        fill=SHADE,
    )
    ticks = [(at(t), f"{t:%Y-%m}") for t in _date_ticks(first - pad, last + pad)]
    row = _category_frame(canvas, [s[0] for s in steps], ticks, (left, right, top), row_height)
    for i, (_, start, end, actual) in enumerate(steps):
        width = at(end + dt.timedelta(days=1)) - at(start)
        canvas.rect(at(start), row(i) - 5, width, 10, fill="#fff", stroke="#000", hatched=True)
        if actual is not None:
            canvas.marker("D", at(actual), row(i), 6.0)
    canvas.text((left + right) / 2, bottom + 24, xlabel, anchor="middle")
    _legend(canvas, legend, bottom + 38)
    return canvas.to_svg()


def benchmark_dots(
    criteria: Sequence[str],
    scores: Sequence[float],
    means: Sequence[float],
    medians: Sequence[float],
    tolerance: float,
    title: str,
    xlabel: str,
    labels: tuple[str, str, str, str],
) -> str:
    """Per criterion: the tolerance band around the mean, the mean, the median, the region's score."""
    score_label, mean_label, median_label, band_label = labels
    names = ["\n".join(textwrap.wrap(c, 40)[:2]) for c in criteria]
    left = _label_width(names) + 12
    right, top = WIDTH - 6, 22.0
    row_height = 22.0 if any("\n" in n for n in names) else 16.0
    bottom = top + row_height * max(len(criteria), 1)
    values = [*scores, *medians, *(m - tolerance for m in means), *(m + tolerance for m in means)]
    ticks = nice_range(min(values), max(values), 6)
    x = Scale(ticks[0], ticks[-1], left + 4, right - 4)
    legend = _legend_rows(
        left,
        [
            (_marker_sample("D", 5.5), score_label),
            (_marker_sample("|", 12.0), mean_label),
            (_marker_sample("o", 5.0, "#fff"), median_label),
            (_box_sample(SHADE), band_label),
        ],
    )
    canvas = Canvas(WIDTH, bottom + 34 + 14 * len(legend))
    _title(canvas, title)
    marks = [(x(t), tick_label(t)) for t in ticks]
    row = _category_frame(canvas, names, marks, (left, right, top), row_height)
    for i, (score, mean, median) in enumerate(zip(scores, means, medians, strict=True)):
        canvas.rect(
            x(mean - tolerance),
            row(i) - 5,
            x(mean + tolerance) - x(mean - tolerance),
            10,
            fill=SHADE,
        )
        canvas.marker("|", x(mean), row(i), 12.0)
        canvas.marker("o", x(median), row(i), 5.0, fill="#fff")
        canvas.marker("D", x(score), row(i), 5.5)
    canvas.text((left + right) / 2, bottom + 24, xlabel, anchor="middle")
    _legend(canvas, legend, bottom + 38)
    return canvas.to_svg()
