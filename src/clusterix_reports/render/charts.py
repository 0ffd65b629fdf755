"""Charts as SVG (vector), readable in black and white: shapes and hatches, not colours.

Each function returns the SVG text; titles, axis labels and text alternatives come from
the caller (the message catalogue), so the charts hold no words of their own.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("svg")
from matplotlib.dates import date2num
from matplotlib.figure import Figure

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: the PDF embeds the report's own font
        "svg.hashsalt": "clusterix-reports",  # stable ids: the same chart gives the same bytes
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 9,
        "axes.titleweight": "bold",
        "path.simplify": True,
    }
)

LINE_STYLES = [("-", "o", "black"), ("--", "s", "0.35"), (":", "^", "0.55"), ("-.", "D", "0.2")]
WIDTH_IN = 6.3


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
    )
    return buffer.getvalue()


def _period_axis(ax, labels: Sequence[str], xlabel: str) -> None:
    step = max(1, len(labels) // 12)
    ax.set_xticks(
        range(0, len(labels), step),
        [labels[i] for i in range(0, len(labels), step)],
        rotation=45,
        ha="right",
    )
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", color="0.85", linewidth=0.5)


def _category_axis(ax, labels: Sequence[str], xlabel: str, title: str) -> None:
    """One category per row down the y axis, the first at the top; values along x."""
    ax.set_yticks(range(len(labels)), list(labels))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.grid(axis="x", color="0.85", linewidth=0.5)


def trend_lines(
    periods: Sequence[str], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
) -> str:
    """One line per series over the periods, each with its own dash pattern and marker."""
    figure = Figure(figsize=(WIDTH_IN, 2.8))
    ax = figure.subplots()
    for (label, values), (dash, marker, grey) in zip(series.items(), LINE_STYLES, strict=False):
        ax.plot(
            range(len(periods)),
            values,
            linestyle=dash,
            marker=marker,
            color=grey,
            markersize=3.5,
            linewidth=1.2,
            label=label,
        )
    _period_axis(ax, periods, xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.32))
    return _svg(figure)


def small_multiples(
    periods: Sequence[str], series: dict[str, Sequence[float]], title: str, xlabel: str, ylabel: str
) -> str:
    """One small line chart per series on a shared scale: light to print, easy to compare in grey."""
    columns = 4
    rows = max(1, -(-len(series) // columns))
    figure = Figure(figsize=(WIDTH_IN, 0.9 + 1.6 * rows))
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    top = max((max(values) for values in series.values() if len(values)), default=1) or 1
    ticks = [0, len(periods) - 1] if len(periods) > 1 else [0]
    for ax, (label, values) in zip(axes.flat, series.items(), strict=False):
        ax.fill_between(range(len(periods)), values, color="0.88", linewidth=0)
        ax.plot(range(len(periods)), values, color="black", linewidth=1.0)
        ax.set_title(label, fontsize=7, loc="left", fontweight="normal")
        ax.set_ylim(0, top * 1.1)
        ax.grid(axis="y", color="0.85", linewidth=0.4)
        ax.set_xticks(ticks, [periods[i] for i in ticks], fontsize=6.5)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel, fontsize=7)
    for ax in axes[-1, :]:
        ax.set_xlabel(xlabel, fontsize=7)
    figure.suptitle(title, x=0.01, ha="left", fontsize=9, fontweight="bold")
    figure.subplots_adjust(hspace=0.55, wspace=0.12, top=0.86)
    return _svg(figure)


def timeline(
    steps: Sequence[tuple[str, dt.date, dt.date, dt.date | None]],
    period: tuple[dt.date, dt.date],
    title: str,
    xlabel: str,
    labels: tuple[str, str, str],
) -> str:
    """Planned spans as bars, completions as diamonds, the period shaded."""
    figure = Figure(figsize=(WIDTH_IN, 0.6 + 0.42 * max(len(steps), 1)))
    ax = figure.subplots()
    planned_label, completed_label, period_label = labels
    ax.axvspan(
        date2num(period[0]),
        date2num(period[1] + dt.timedelta(days=1)),
        color="0.88",
        label=period_label,
        zorder=0,
    )
    for row, (_, start, end, actual) in enumerate(steps):
        left, right = date2num(start), date2num(end + dt.timedelta(days=1))
        ax.barh(
            row,
            right - left,
            left=left,
            height=0.45,
            color="white",
            edgecolor="black",
            hatch="///",
            linewidth=0.6,
            label=planned_label if row == 0 else None,
            zorder=2,
        )
        if actual is not None:
            ax.plot(
                date2num(actual),
                row,
                marker="D",
                color="black",
                markersize=4,
                zorder=3,
                label=completed_label if not any(s[3] for s in steps[:row]) else None,
                linestyle="",
            )
    ax.xaxis_date()
    _category_axis(ax, [s[0] for s in steps], xlabel, title)
    ax.legend(
        frameon=False,
        ncols=3,
        loc="upper left",
        bbox_to_anchor=(0, -0.18 - 0.6 / max(len(steps), 1)),
    )
    return _svg(figure)


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
    figure = Figure(figsize=(WIDTH_IN, 0.7 + 0.3 * max(len(criteria), 1)))
    ax = figure.subplots()
    score_label, mean_label, median_label, band_label = labels
    rows = range(len(criteria))
    for row, mean in zip(rows, means, strict=True):
        ax.barh(
            row,
            2 * tolerance,
            left=mean - tolerance,
            height=0.6,
            color="0.88",
            label=band_label if row == 0 else None,
            zorder=1,
        )
    ax.scatter(means, rows, marker="|", s=120, color="black", label=mean_label, zorder=2)
    ax.scatter(
        medians,
        rows,
        marker="o",
        s=22,
        facecolors="white",
        edgecolors="black",
        label=median_label,
        zorder=3,
    )
    ax.scatter(scores, rows, marker="D", s=22, color="black", label=score_label, zorder=4)
    _category_axis(ax, list(criteria), xlabel, title)
    ax.legend(
        frameon=False,
        ncols=4,
        loc="upper left",
        bbox_to_anchor=(0, -0.8 / max(len(criteria), 1) - 0.12),
    )
    return _svg(figure)
