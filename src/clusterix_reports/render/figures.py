"""The report's figures: the model's chart series drawn as SVG, with titles and text alternatives."""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from clusterix_reports.periods import Period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render import category_charts, charts
from clusterix_reports.render import format as fmt
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel


def _wrap(label: str, width: int = 34, most: int = 2) -> str:
    """A long label on at most `most` lines (cut with "…" only beyond them)."""
    lines = textwrap.wrap(label, width)
    return "\n".join(lines[:most]) + ("…" if len(lines) > most else "")


def time_marks(model: ReportModel, t: Messages, indicator: str | None = None) -> charts.TimeMarks:
    """What a chart over the trend's periods draws apart: no data yet, a partial period, and
    the targets of `indicator` (at their own period, or as a line when due later)."""
    periods, status = list(model.trend_periods), model.trend_status
    partial = [i for i, s in enumerate(status) if s == "partial"]
    targets = []
    own = model.targets[model.targets["indicator_id"] == indicator]
    for row in own.itertuples(index=False):
        value = fmt.number(row.target, t.language, 0 if row.target == int(row.target) else 1)
        label = t("chart.target_label", when=row.target_for, value=value)
        if row.relation == "end target":
            targets.append((label, float(row.target), None))
        elif row.value_period in periods:
            targets.append((label, float(row.target), periods.index(row.value_period)))
    return charts.TimeMarks(
        no_data=frozenset(i for i, s in enumerate(status) if s == "no data yet"),
        partial=partial[-1] if partial else None,
        targets=tuple(targets),
        labels=(t("chart.no_data"), t("chart.partial"), t("chart.target")),
    )


def chart_context(model: ReportModel, pipeline: Pipeline, t: Messages) -> dict[str, Any]:
    """Each chart's SVG, title and text alternative (None where there is nothing to draw)."""
    period, periods = model.period, list(model.trend_periods)
    kind = t(f"chart.kind_{period.kind}")
    trend = {
        t("chart.total"): model.trend["total"],
        t.status("spearhead"): model.trend["spearhead"],
        t.status("ibn"): model.trend["ibn"],
    }
    last = {key: int(values[-1]) for key, values in model.trend.items()}
    uses = {
        _wrap(f"{s}: {model.service_names.get(s, s)}", 26, 3): model.uses_by_service[s]
        for s in model.service_ids
    }
    steps = [
        category_charts.TimelineRow(
            _wrap(s.label), s.planned_start, s.planned_end, s.actual_start, s.actual_end, s.delayed
        )
        for s in model.timeline
    ]
    bench = model.benchmark.dropna(subset=["score"])
    counts = bench["position"].value_counts()
    marks = (time_marks(model, t, "clusters_served"), time_marks(model, t))
    drawn = _draw_charts(periods, trend, uses, steps, bench, period, pipeline, t, marks)
    reach_marks = time_marks(model, t, "clusters_served_cumulative")
    reach = charts.trend_lines(
        periods,
        {t("chart.total"): model.reach},
        t("chart.reach_title"),
        t("chart.axis_period"),
        t("chart.axis_clusters"),
        reach_marks,
        decimal="," if t.language == "nl" else ".",
    )
    return {
        "reach": {
            "svg": reach,
            "alt": t(
                "chart.reach_alt",
                kind=kind,
                first=periods[0],
                last=periods[-1],
                total=int(model.reach[-1]),
            ),
            "title": t("chart.reach_title"),
        },
        "trend": {
            "svg": drawn["trend"],
            "alt": t("chart.trend_alt", kind=kind, first=periods[0], last=periods[-1], **last),
            "title": t("chart.trend_title"),
        },
        "uses": {
            "svg": drawn["uses"],
            "alt": t(
                "chart.uses_alt",
                kind=kind,
                first=periods[0],
                last=periods[-1],
                total=int(sum(v[-1] for v in uses.values())),
            ),
            "title": t("chart.uses_title"),
        },
        "timeline": {
            "svg": drawn["timeline"],
            "alt": t("chart.timeline_alt", steps=len(steps), period=period.id),
            "title": t("chart.timeline_title"),
        }
        if steps
        else None,
        "benchmark": {
            "svg": drawn["benchmark"],
            "alt": t(
                "chart.benchmark_alt",
                region=pipeline.programme.region,
                above=int(counts.get("above", 0)),
                around=int(counts.get("around", 0)),
                below=int(counts.get("below", 0)),
            ),
            "title": t("chart.benchmark_title"),
        }
        if len(bench)
        else None,
    }


def _draw_charts(
    periods: list[str],
    trend: dict[str, list[float]],
    uses: dict[str, list[float]],
    steps: list[tuple],
    bench: pd.DataFrame,
    period: Period,
    pipeline: Pipeline,
    t: Messages,
    marks: tuple[charts.TimeMarks, charts.TimeMarks],
) -> dict[str, str]:
    """The four charts as SVG ("" where there is nothing to draw)."""
    decimal = "," if t.language == "nl" else "."
    drawn = {
        "trend": charts.trend_lines(
            periods,
            trend,
            t("chart.trend_title"),
            t("chart.axis_period"),
            t("chart.axis_clusters"),
            marks[0],
            decimal=decimal,
        ),
        "uses": charts.small_multiples(
            periods,
            uses,
            t("chart.uses_title"),
            t("chart.axis_period"),
            t("chart.axis_uses"),
            marks[1],
            decimal=decimal,
        ),
        "timeline": "",
        "benchmark": "",
    }
    if steps:
        drawn["timeline"] = category_charts.timeline(
            steps,
            (period.start, period.end),
            t("chart.timeline_title"),
            t("chart.axis_date"),
            (
                t("chart.planned"),
                t("chart.completed"),
                period.id,
                t("chart.actual"),
                t("chart.delayed"),
            ),
        )
    if len(bench):
        drawn["benchmark"] = category_charts.benchmark_dots(
            bench["criterion"].tolist(),
            bench["score"].tolist(),
            bench["portfolio_mean"].tolist(),
            bench["portfolio_median"].tolist(),
            pipeline.benchmark_tolerance,
            t("chart.benchmark_title"),
            t("chart.axis_score"),
            (t("chart.region_score"), t("chart.mean"), t("chart.median"), t("chart.band")),
            decimal=decimal,
        )
    return drawn
