"""Charts over categories: the action plan's timeline and the benchmark's dot chart.

Drawn like the charts over periods (charts.py): SVG on a Canvas, readable in black and
white, every word handed in by the caller.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clusterix_reports.render.charts import (
    SMALL,
    Scale,
    box_sample,
    chart_title,
    draw_legend,
    legend_rows,
    marker_sample,
)
from clusterix_reports.render.svg import (
    GRID,
    SHADE,
    WIDTH,
    Canvas,
    nice_range,
    text_width,
    tick_label,
)


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


@dataclass(frozen=True)
class TimelineRow:
    """One step on the timeline: its label, planned span, actual span, and whether it is
    delayed at the period end."""

    label: str
    planned_start: dt.date
    planned_end: dt.date
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    delayed: bool = False


def timeline(
    steps: Sequence[TimelineRow],
    period: tuple[dt.date, dt.date],
    title: str,
    xlabel: str,
    labels: tuple[str, str, str, str, str],
) -> str:
    """Planned spans as hatched bars, actual spans as solid bars under them (to the period
    end while under way), completions as diamonds, delayed steps with a triangle at their
    planned end, the period shaded."""
    planned_label, completed_label, period_label, actual_label, delayed_label = labels
    left = _label_width([s.label for s in steps]) + 12
    right, top, row_height = WIDTH - 6, 22.0, 24.0
    bottom = top + row_height * max(len(steps), 1)
    days = [
        d
        for s in steps
        for d in (s.planned_start, s.planned_end, s.actual_start, s.actual_end)
        if d is not None
    ] + list(period)
    first, last = min(days), max(days) + dt.timedelta(days=1)
    pad, day = (last - first) / 40, dt.timedelta(days=1)
    x = Scale(0, (last - first + 2 * pad) / day, left, right)

    def at(when: dt.date) -> float:
        return x((when - first + pad) / day)

    keys = [
        (box_sample(SHADE), period_label),
        (box_sample("#fff", hatched=True), planned_label),
        (box_sample("#000"), actual_label),
        (marker_sample("D", 6.0), completed_label),
    ]
    if any(s.delayed for s in steps):
        keys.append((marker_sample("^", 7.0, fill="#fff"), delayed_label))
    legend = legend_rows(left, keys)
    canvas = Canvas(WIDTH, bottom + 34 + 14 * len(legend))
    chart_title(canvas, title)
    canvas.rect(
        at(period[0]),
        top,
        at(period[1] + dt.timedelta(days=1)) - at(period[0]),
        bottom - top,
        fill=SHADE,
    )
    ticks = [(at(t), f"{t:%Y-%m}") for t in _date_ticks(first - pad, last + pad)]
    row = _category_frame(canvas, [s.label for s in steps], ticks, (left, right, top), row_height)
    for i, s in enumerate(steps):
        width = at(s.planned_end + dt.timedelta(days=1)) - at(s.planned_start)
        canvas.rect(
            at(s.planned_start), row(i) - 7, width, 9, fill="#fff", stroke="#000", hatched=True
        )
        if s.actual_start is not None:
            until = s.actual_end or min(period[1], last)
            canvas.rect(
                at(s.actual_start), row(i) + 3, at(until) - at(s.actual_start), 3, fill="#000"
            )
        if s.actual_end is not None:
            canvas.marker("D", at(s.actual_end), row(i) + 4.5, 6.0)
        if s.delayed:
            canvas.marker(
                "^", at(s.planned_end + dt.timedelta(days=1)), row(i) - 2.5, 7.0, fill="#fff"
            )
    canvas.text((left + right) / 2, bottom + 24, xlabel, anchor="middle")
    draw_legend(canvas, legend, bottom + 38)
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
    decimal: str = ".",
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
    legend = legend_rows(
        left,
        [
            (marker_sample("D", 5.5), score_label),
            (marker_sample("|", 12.0), mean_label),
            (marker_sample("o", 5.0, "#fff"), median_label),
            (box_sample(SHADE), band_label),
        ],
    )
    canvas = Canvas(WIDTH, bottom + 34 + 14 * len(legend))
    chart_title(canvas, title)
    marks = [(x(t), tick_label(t, decimal)) for t in ticks]
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
    draw_legend(canvas, legend, bottom + 38)
    return canvas.to_svg()
