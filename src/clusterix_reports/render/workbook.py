"""The Excel workbook indicators-PERIOD.xlsx: one sheet per view, in the order of the spec."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment

from clusterix_reports import __version__
from clusterix_reports.compute.definitions import BY_ID
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.excel import (
    BOLD,
    DATE,
    DECIMAL,
    EURO,
    INTEGER,
    PERCENT,
    POINTS,
    Column,
    print_on_a4,
    put,
    table_sheet,
    totals_below,
    workbook_bytes,
)
from clusterix_reports.render.messages import Messages
from clusterix_reports.render.workbook_records import (
    action_plan_sheet,
    benchmark_sheet,
    data_quality_sheet,
    duplicates_sheet,
    service_log_sheet,
    sources_sheet,
)
from clusterix_reports.report.model import ReportModel

HEADLINE = (
    "clusters_served",
    "clusters_served_cumulative",
    "active_clusters",
    "coverage_pct",
    "service_uses",
    "participants",
    "services_in_use",
    "intercluster_projects_approved",
    "spend_eur",
    "budget_use_pct",
)


def _pct(value: Any) -> float | None:
    """A percentage value (93.8) as the fraction Excel formats as a percentage (0.938)."""
    return None if value is None or pd.isna(value) else float(value) / 100


def _value_format(unit: str) -> str:
    return {"%": PERCENT, "EUR": EURO}.get(unit, INTEGER)


def build_workbook(
    model: ReportModel, pipeline: Pipeline, created: dt.datetime, t: Messages
) -> bytes:
    """The workbook's bytes (identical for identical inputs)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _about(workbook, model, pipeline, t)
    _indicators(workbook, model, t)
    _trend(workbook, model, t)
    _uptake(workbook, model, t)
    _clusters(workbook, model, t)
    _projects(workbook, model, t)
    action_plan_sheet(workbook, model, t)
    benchmark_sheet(workbook, model, t)
    data_quality_sheet(workbook, model, pipeline, t)
    service_log_sheet(workbook, model, t)
    duplicates_sheet(workbook, model, t)
    sources_sheet(workbook, model, pipeline, t)
    return workbook_bytes(workbook, created)


def _about(workbook: Workbook, model: ReportModel, pipeline: Pipeline, t: Messages) -> None:
    ws = workbook.create_sheet(t("workbook.sheet_about"))
    p, period = pipeline.programme, model.period
    named = ", ".join(model.reporting_periods)
    synthetic = model.ingest.get("synthetic_sample")
    guide = t("workbook.guide").splitlines()
    rows = [
        (t("workbook.programme"), p.named("name", t.language)),
        (t("workbook.partner"), p.named("partner", t.language)),
        (t("workbook.region"), p.region),
        (t("workbook.policy_instrument"), p.named("policy_instrument", t.language)),
        (t("workbook.period"), period.id),
        (t("workbook.period_start"), period.start),
        (t("workbook.period_end"), period.end),
        (t("workbook.reporting_period"), named or None),
        (t("workbook.fingerprint"), model.inputs_fingerprint),
        (t("workbook.synthetic"), t("workbook.synthetic_yes") if synthetic else t("text.no")),
        (t("workbook.pipeline_file"), pipeline.path.name),
        (t("workbook.pipeline_sha256"), pipeline.sha256),
        (t("workbook.version"), __version__),
        (None, None),
        (t("workbook.how_to_read"), guide[0]),
        *((None, line) for line in guide[1:]),
    ]
    for r, (key, value) in enumerate(rows, start=1):
        put(ws.cell(row=r, column=1), key)
        ws.cell(row=r, column=1).font = BOLD
        put(ws.cell(row=r, column=2), value)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="left", wrap_text=True)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"
    print_on_a4(ws, wide=False, header_row=None)


VALUE_COLUMNS = (7, 9, 10, 11, 13, 15)  # the Indicators sheet's columns in the indicator's unit


def _indicators(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    columns = [
        Column("indicator_id"),
        Column("label"),
        Column("period"),
        Column("period_start", DATE),
        Column("period_end", DATE),
        Column("breakdown"),
        Column("breakdown_value"),
        Column("value"),
        Column("unit"),
        Column("previous_value"),
        Column("year_ago_value"),
        Column("change_abs"),
        Column("change_pct", PERCENT),
        Column("target"),
        Column("pct_of_target", PERCENT),
        Column("cumulative_value"),
        Column("data_status"),
        Column("data_coverage_pct", PERCENT),
    ]
    rows = []
    for r in model.indicators.itertuples(index=False):
        scale = _pct if r.unit == "%" else (lambda v: v)
        rows.append(
            [
                r.indicator_id,
                BY_ID[r.indicator_id].label,
                r.period,
                r.period_start,
                r.period_end,
                r.breakdown,
                r.breakdown_value,
                scale(r.value),
                r.unit,
                scale(r.previous_value),
                scale(r.year_ago_value),
                r.change_abs,  # percentage points for a percentage: not a fraction
                _pct(r.change_pct),
                scale(r.target),
                _pct(r.pct_of_target),
                scale(r.cumulative_value),
                r.data_status,
                _pct(r.data_coverage_pct),
            ]
        )
    # the value columns in the unit's format; a percentage's change in percentage points
    by_unit = {
        unit: [
            POINTS if unit == "%" and c == 11 else _value_format(unit) if c in VALUE_COLUMNS else f
            for c, f in enumerate(column.number_format for column in columns)
        ]
        for unit in model.indicators["unit"].unique()
    }
    table_sheet(
        workbook,
        t("workbook.sheet_indicators"),
        columns,
        rows,
        table_name="Indicators",
        formats=[by_unit[unit] for unit in model.indicators["unit"]],
    )


def _trend(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    totals = model.indicators[model.indicators["breakdown"] == "total"]
    periods = list(model.trend_periods)
    columns = [Column("indicator"), Column("unit"), *(Column(p, None, 9) for p in periods)]
    rows = []
    for indicator in HEADLINE:
        values = (
            totals[totals["indicator_id"] == indicator]
            .set_index("period")["value"]
            .reindex(periods)
        )
        unit = BY_ID[indicator].unit
        rows.append([indicator, unit, *((_pct(v) if unit == "%" else v) for v in values)])
    # the chart's lines: clusters served by cluster type, and its target per period
    served = totals[totals["indicator_id"] == "clusters_served"].set_index("period")
    chart_rows = [
        [f"clusters_served: {t.status(kind)}", "clusters", *values[: len(periods)]]
        for kind, values in (("spearhead", model.trend["spearhead"]), ("ibn", model.trend["ibn"]))
    ]
    target = served["target"].reindex(periods).tolist()
    chart_rows.append([f"clusters_served: {t('workbook.target')}", "clusters", *target])
    ws = table_sheet(
        workbook, t("workbook.sheet_trend"), columns, rows + chart_rows, table_name="Trend"
    )
    for r, indicator in enumerate(HEADLINE, start=2):
        for c in range(3, 3 + len(periods)):
            ws.cell(row=r, column=c).number_format = _value_format(BY_ID[indicator].unit)
    chart = LineChart()
    chart.title = t("workbook.trend_title")
    chart.y_axis.title = t("workbook.trend_axis_clusters")
    chart.x_axis.title = t("workbook.trend_axis_period")
    chart.height, chart.width = 9, 24
    first_extra = 2 + len(rows)
    for row, label in (
        (2, t("chart.total")),
        (first_extra, t.status("spearhead")),
        (first_extra + 1, t.status("ibn")),
        (first_extra + 2, t("workbook.target")),
    ):
        values = Reference(ws, min_col=3, max_col=2 + len(periods), min_row=row, max_row=row)
        chart.add_data(values, from_rows=True, titles_from_data=False)
        chart.series[-1].tx = SeriesLabel(v=label)
    for series in chart.series:
        series.smooth = False  # a smoothed line dips below zero between points
    chart.series[-1].graphicalProperties.line.dashStyle = "dash"
    chart.set_categories(Reference(ws, min_col=3, max_col=2 + len(periods), min_row=1, max_row=1))
    ws.add_chart(chart, f"A{len(rows) + len(chart_rows) + 4}")


def _uptake(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    services, names = list(model.service_ids), model.cluster_names
    columns = [
        Column("cluster_id"),
        Column("cluster"),
        *(Column(s, INTEGER) for s in services),
        Column("total", INTEGER),
    ]
    counts = model.uptake
    rows = [
        [c, names.get(c, c), *(int(v) for v in values), int(values.sum())]
        for c, values in counts.iterrows()
    ]
    total = [
        "",
        t("workbook.total"),
        *(int(counts[s].sum()) for s in services),
        int(counts.to_numpy().sum()),
    ]
    ws = table_sheet(workbook, t("workbook.sheet_uptake"), columns, rows, table_name="Uptake")
    totals_below(ws, max(len(rows), 1) + 3, total, INTEGER)


def _clusters(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    registry = model.clusters.set_index("cluster_id")
    columns = [
        Column("cluster_id"),
        Column("name"),
        Column("cluster_type"),
        Column("active"),
        Column("service_uses", INTEGER),
        Column("participants", INTEGER),
        Column("peer_median", DECIMAL),
        Column("peer_ratio", DECIMAL),
        Column("account_manager"),
        Column("recognised_from", DATE),
        Column("funding_end", DATE),
    ]
    rows = [
        [
            p.cluster_id,
            p.name,
            p.cluster_type,
            "yes" if p.active else "no",
            p.service_uses,
            p.participants,
            p.peer_median,
            p.peer_ratio,
            registry.loc[p.cluster_id, "account_manager"],
            registry.loc[p.cluster_id, "recognised_from"],
            registry.loc[p.cluster_id, "funding_end"],
        ]
        for p in model.peers.itertuples(index=False)
    ]
    table_sheet(workbook, t("workbook.sheet_clusters"), columns, rows, table_name="Clusters")


def _projects(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    names = model.cluster_names
    columns = [
        Column("project_id"),
        Column("title"),
        Column("call"),
        Column("cluster_ids"),
        Column("clusters"),
        Column("status"),
        Column("submitted_on", DATE),
        Column("approved_on", DATE),
        Column("budget_eur", EURO),
        Column("approved_in_period"),
        Column("counted_cumulative"),
        Column("source_file"),
        Column("source_sheet"),
        Column("source_row"),
    ]
    rows = [
        [
            p.project_id,
            p.title,
            p.call,
            "; ".join(p.cluster_ids),
            "; ".join(names.get(c, c) for c in p.cluster_ids),
            p.status,
            p.submitted_on,
            p.approved_on,
            p.budget_eur,
            "yes" if p.approved_in_period else "no",
            "yes" if p.counted_cumulative else "no",
            p.source_file,
            p.source_sheet,
            p.source_row,
        ]
        for p in model.projects.itertuples(index=False)
    ]
    table_sheet(workbook, t("workbook.sheet_projects"), columns, rows, table_name="Projects")
