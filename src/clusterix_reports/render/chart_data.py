"""Each chart's numbers as a table: the HTML edition puts it one click under the chart."""

from __future__ import annotations

from typing import Any

from clusterix_reports.render import format as fmt
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel

Table = dict[str, list[Any]]  # columns: header texts; rows: lists of cell texts


def _over_periods(
    model: ReportModel, series: dict[str, list[float]], lang: str, t: Messages
) -> Table:
    """Periods down, series across; a period with no data yet says so, not 0."""
    rows = []
    for i, period in enumerate(model.trend_periods):
        if model.trend_status[i] == "no data yet":
            rows.append([period, *(t("chart.no_data") for _ in series)])
        else:
            rows.append([period, *(fmt.number(values[i], lang) for values in series.values())])
    return {"columns": [t("chart.axis_period"), *series], "rows": rows}


def chart_tables(model: ReportModel, lang: str, t: Messages) -> dict[str, Table]:
    """The numbers behind every chart, by chart name."""
    trend = {
        t("chart.total"): model.trend["total"],
        t.status("spearhead"): model.trend["spearhead"],
        t.status("ibn"): model.trend["ibn"],
    }
    bench = model.benchmark.dropna(subset=["score"])
    return {
        "reach": _over_periods(model, {t("chart.total"): model.reach}, lang, t),
        "trend": _over_periods(model, trend, lang, t),
        "uses": _over_periods(model, dict(model.uses_by_service), lang, t),
        "timeline": {
            "columns": [
                t("column.step"),
                t("column.planned_start"),
                t("column.planned_end"),
                t("column.actual_start"),
                t("column.actual_end"),
            ],
            "rows": [
                [
                    s.label,
                    fmt.date(s.planned_start),
                    fmt.date(s.planned_end),
                    fmt.date(s.actual_start),
                    fmt.date(s.actual_end),
                ]
                for s in model.timeline
            ],
        },
        "benchmark": {
            "columns": [
                t("column.criterion"),
                t("column.score"),
                t("column.portfolio_mean"),
                t("column.portfolio_median"),
            ],
            "rows": [
                [
                    b.criterion,
                    fmt.number(b.score, lang, 2),
                    fmt.number(b.portfolio_mean, lang, 2),
                    fmt.number(b.portfolio_median, lang, 2),
                ]
                for b in bench.itertuples(index=False)
            ],
        },
    }
