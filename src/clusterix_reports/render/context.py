"""The computed tables of a period into one plain context for the report templates.

Every number is formatted here; the templates only place text.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import pandas as pd

from clusterix_reports import __version__
from clusterix_reports.compute.definitions import DEFINITIONS
from clusterix_reports.compute.indicators import pro_rata_budget_eur
from clusterix_reports.periods import Period, parse_period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render import charts
from clusterix_reports.render import format as fmt
from clusterix_reports.render.messages import Messages
from clusterix_reports.render.sources import ReportData, inputs_fingerprint

KEY_FIGURES = (
    "coverage_pct",
    "service_uses",
    "participants",
    "services_in_use",
    "intercluster_projects_approved",
    "budget_use_pct",
)
FIRST_REJECTED = 40  # the PDF lists this many rejected rows; the workbook lists them all
MAX_LISTED = 150  # files and projects listed in the PDF before it refers to the workbook
STEP_STATUSES = ("completed", "ongoing", "delayed", "not started")


def _totals(indicators: pd.DataFrame, period_id: str) -> pd.DataFrame:
    rows = indicators[(indicators["period"] == period_id) & (indicators["breakdown"] == "total")]
    return rows.set_index("indicator_id")


def _date(value: Any) -> dt.date | None:
    return None if fmt.is_empty(value) else pd.Timestamp(value).date()


def build_context(data: ReportData, pipeline: Pipeline, t: Messages) -> dict[str, Any]:
    """Everything the templates show, formatted, plus the charts as SVG text."""
    period = parse_period(data.period_id, pipeline.named_periods)
    assert period is not None
    lang = t.language
    totals = _totals(data.indicators, period.id)
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "meta": _meta(pipeline, period, t, data),
        "summary": _summary(totals, lang, t),
        "steps": _steps(data.steps, t),
        "indicators": _indicator_rows(totals, lang, t),
        "glossary": [
            {
                "id": d.id,
                "label": t.indicator_label(d.id),
                "definition": t.indicator_definition(d.id),
                "unit": d.unit,
                "rule": d.counting_rule,
            }
            for d in DEFINITIONS
        ],
        "uptake": _uptake(data, lang, t),
        "projects": _projects(data, lang),
        "benchmark": _benchmark(data.benchmark, pipeline, lang, t),
        "budget": _budget(totals, pipeline, period, lang, t),
        "quality": _quality(data, lang, t),
        "sources": _sources(data, pipeline),
    }
    context["charts"] = _charts(data, period, pipeline, t)
    return context


def _meta(pipeline: Pipeline, period: Period, t: Messages, data: ReportData) -> dict[str, Any]:
    named = [
        name
        for name, (s, e) in pipeline.named_periods.items()
        if s <= period.start and period.end <= e
    ]
    programme = pipeline.programme
    return {
        "title": f"{t('doc.title')} {period.id} – {programme.name}",
        "author": programme.partner,
        "subject": t("doc.subject"),
        "keywords": t("doc.keywords"),
        "created": f"{period.end.isoformat()}T00:00:00Z",
        "programme": programme.name,
        "partner": programme.partner,
        "region": programme.region,
        "policy_instrument": programme.policy_instrument,
        "period_id": period.id,
        "period_dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
        "reporting_periods": ", ".join(named),
        "fingerprint": inputs_fingerprint(data.ingest),
        "synthetic": bool(data.ingest.get("synthetic_sample")),
        "version": __version__,
        "running_head": f"{programme.name} · {period.id}",
    }


def _summary(totals: pd.DataFrame, lang: str, t: Messages) -> dict[str, Any]:
    head = totals.loc["clusters_served"]
    return {
        "value": fmt.number(head["value"], lang),
        "previous": fmt.number(head["previous_value"], lang),
        "year_ago": fmt.number(head["year_ago_value"], lang),
        "cumulative": fmt.number(totals.loc["clusters_served_cumulative", "value"], lang),
        "target": fmt.number(head["target"], lang)
        if not fmt.is_empty(head["target"])
        else t("summary.no_target"),
        "pct_of_target": fmt.percent(head["pct_of_target"], lang),
        "key_figures": [
            {
                "label": t.indicator_label(key),
                "value": fmt.by_unit(totals.loc[key, "value"], totals.loc[key, "unit"], lang),
                "change": fmt.signed(
                    totals.loc[key, "change_abs"], lang, 1 if totals.loc[key, "unit"] == "%" else 0
                ),
            }
            for key in KEY_FIGURES
        ],
    }


def _key_figure(row: pd.Series, key: str, lang: str, t: Messages) -> dict[str, str]:
    digits = 1 if row["unit"] == "%" else 0
    return {
        "label": t.indicator_label(key),
        "value": fmt.by_unit(row["value"], row["unit"], lang),
        "change": fmt.signed(row["change_abs"], lang, digits),
    }


def _indicator_rows(totals: pd.DataFrame, lang: str, t: Messages) -> list[dict[str, str]]:
    rows = []
    for d in DEFINITIONS:
        row = totals.loc[d.id]
        unit = row["unit"]
        digits = 1 if unit == "%" else 0
        rows.append(
            {
                "id": d.id,
                "label": t.indicator_label(d.id),
                "value": fmt.number(row["value"], lang, digits),
                "previous": fmt.number(row["previous_value"], lang, digits),
                "year_ago": fmt.number(row["year_ago_value"], lang, digits),
                "change": fmt.signed(row["change_abs"], lang, digits),
                "target": fmt.number(row["target"], lang, digits),
                "pct_of_target": fmt.percent(row["pct_of_target"], lang),
                "unit": unit,
            }
        )
    return rows


def _steps(steps: pd.DataFrame, t: Messages) -> list[dict[str, str]]:
    return [
        {
            "step": str(s.step),
            "title": s.title,
            "planned_start": fmt.date(s.planned_start),
            "planned_end": fmt.date(s.planned_end),
            "status": t("text.delayed_by_rule") if s.delayed_by_rule else t.status(s.status),
            "reported": t.status(s.reported_status),
            "delayed_by_rule": bool(s.delayed_by_rule),
            "actual_end": fmt.date(s.actual_end),
            "evidence": s.evidence if isinstance(s.evidence, str) else "",
        }
        for s in steps.itertuples(index=False)
    ]


def _uptake(data: ReportData, lang: str, t: Messages) -> dict[str, Any]:
    services = data.services.sort_values("service_id")
    ids = services["service_id"].tolist()
    names = dict(zip(data.clusters["cluster_id"], data.clusters["name"], strict=True))
    counts = data.uptake.pivot_table(
        index="cluster_id", columns="service_id", values="service_uses", aggfunc="sum", fill_value=0
    )
    counts = counts.reindex(columns=ids, fill_value=0)
    rows = []
    for cluster_id in sorted(counts.index, key=lambda c: names.get(c, c)):
        values = counts.loc[cluster_id]
        rows.append(
            {
                "name": names.get(cluster_id, cluster_id),
                "cells": [fmt.number(v, lang) if v else "" for v in values],
                "total": fmt.number(values.sum(), lang),
            }
        )
    column_totals = [fmt.number(counts[s].sum(), lang) for s in ids]
    peers = [
        {
            "name": p.name,
            "type": t.status(p.cluster_type),
            "active": t("text.yes") if p.active else t("text.no"),
            "uses": fmt.number(p.service_uses, lang),
            "participants": fmt.number(p.participants, lang),
            "median": fmt.number(p.peer_median, lang, 1),
            "ratio": fmt.number(p.peer_ratio, lang, 2),
        }
        for p in data.peers.itertuples(index=False)
    ]
    return {
        "service_ids": ids,
        "service_legend": [
            {"id": s.service_id, "name": s.name} for s in services.itertuples(index=False)
        ],
        "rows": rows,
        "column_totals": column_totals,
        "total": fmt.number(counts.to_numpy().sum(), lang),
        "peers": peers,
    }


def _projects(data: ReportData, lang: str) -> dict[str, Any]:
    names = dict(zip(data.clusters["cluster_id"], data.clusters["name"], strict=True))

    def rows(frame: pd.DataFrame) -> list[dict[str, str]]:
        frame = frame.sort_values(["approved_on", "project_id"])
        return [
            {
                "id": p.project_id,
                "title": p.title if isinstance(p.title, str) else "",
                "call": p.call if isinstance(p.call, str) else "",
                "clusters": ", ".join(names.get(c, c) for c in p.cluster_ids),
                "approved_on": fmt.date(p.approved_on),
                "budget": fmt.number(p.budget_eur, lang),
            }
            for p in frame.itertuples(index=False)
        ]

    in_period = data.projects[data.projects["approved_in_period"]]
    cumulative = data.projects[data.projects["counted_cumulative"]]
    return {
        "in_period": rows(in_period.head(MAX_LISTED)),
        "in_period_count": len(in_period),
        "in_period_budget": fmt.number(in_period["budget_eur"].sum(), lang),
        "cumulative": rows(cumulative.head(MAX_LISTED)),
        "cumulative_count": len(cumulative),
        "cumulative_budget": fmt.number(cumulative["budget_eur"].sum(), lang),
    }


def _benchmark(bench: pd.DataFrame, pipeline: Pipeline, lang: str, t: Messages) -> dict[str, Any]:
    years = bench["year"].dropna()
    return {
        "rows": [
            {
                "criterion": b.criterion,
                "score": fmt.number(b.score, lang, 2),
                "mean": fmt.number(b.portfolio_mean, lang, 2),
                "median": fmt.number(b.portfolio_median, lang, 2),
                "difference": fmt.signed(b.difference, lang, 2),
                "position": t.status(b.position),
            }
            for b in bench.itertuples(index=False)
        ],
        "note": t(
            "text.benchmark_note",
            year=int(years.max()) if len(years) else t("text.none"),
            tolerance=fmt.number(pipeline.benchmark_tolerance, lang, 2),
        ),
    }


def _budget(
    totals: pd.DataFrame, pipeline: Pipeline, period: Period, lang: str, t: Messages
) -> dict[str, Any]:
    low, high = pipeline.budget_yearly_eur
    return {
        "note": t(
            "text.budget_note",
            low=fmt.number(low, lang),
            high=fmt.number(high, lang),
            days=period.days,
            period_low=fmt.number(pro_rata_budget_eur(low, period), lang),
            period_high=fmt.number(pro_rata_budget_eur(high, period), lang),
        ),
        "spend": fmt.euro(totals.loc["spend_eur", "value"], lang),
        "use": fmt.percent(totals.loc["budget_use_pct", "value"], lang),
    }


def _quality(data: ReportData, lang: str, t: Messages) -> dict[str, Any]:
    record = data.ingest
    files = []
    for f in record["files"]:
        sheets = [s for s in f["sheets"] if s["status"] == "read"]
        files.append(
            {
                "path": f["path"],
                "format": f.get("format") or "",
                "status": t.status(f["status"]),
                "reason": f["reason"]
                or "; ".join(
                    f"{s['name']}: {s['reason']}" for s in f["sheets"] if s["status"] != "read"
                ),
                "sheets": str(len(sheets)),
                "loaded": fmt.number(sum(s["rows_loaded"] for s in f["sheets"]), lang),
                "duplicate": fmt.number(sum(s["rows_duplicate"] for s in f["sheets"]), lang),
                "rejected": fmt.number(sum(s["rows_rejected"] for s in f["sheets"]), lang),
            }
        )
    rejected = data.rejected
    managers = sorted(
        set(data.service_log_managers.index)
        | set(rejected["account_manager"].fillna(""))
        | set(data.duplicates["account_manager"].fillna(""))
    )
    by_manager = [
        {
            "name": m or t("text.no_manager"),
            "loaded": fmt.number(data.service_log_managers.get(m, 0), lang),
            "duplicate": fmt.number(
                (data.duplicates["account_manager"].fillna("") == m).sum(), lang
            ),
            "rejected": fmt.number((rejected["account_manager"].fillna("") == m).sum(), lang),
        }
        for m in managers
    ]
    totals = record["totals"]
    return {
        "files": files[:MAX_LISTED],
        "more_files": t("text.more_listed", shown=MAX_LISTED, total=len(files))
        if len(files) > MAX_LISTED
        else "",
        "rows": t(
            "text.rows_summary",
            loaded=fmt.number(totals["rows_loaded"], lang),
            duplicate=fmt.number(totals["rows_duplicate"], lang),
            rejected=fmt.number(totals["rows_rejected"], lang),
            read=fmt.number(totals["rows_read"], lang),
        ),
        "by_reason": [
            {"reason": k, "rows": fmt.number(n, lang)}
            for k, n in record["rejected_by_reason"].items()
        ],
        "by_manager": by_manager,
        "first_rejected": [
            {
                "file": r.source_file,
                "sheet": r.source_sheet,
                "row": str(r.source_row),
                "field": r.field,
                "value": r.value,
                "reason": r.reason,
            }
            for r in rejected.head(FIRST_REJECTED).itertuples(index=False)
        ],
        "more_rejected": t(
            "text.more_rejected", shown=min(FIRST_REJECTED, len(rejected)), total=len(rejected)
        )
        if len(rejected) > FIRST_REJECTED
        else "",
    }


def _sources(data: ReportData, pipeline: Pipeline) -> dict[str, Any]:
    return {
        "files": [
            {
                "path": f["path"],
                "sha256": f["sha256"],
                "status": f["status"],
                "rows": str(sum(s["rows_read"] for s in f["sheets"])),
            }
            for f in data.ingest["files"]
        ],
        "pipeline": pipeline.path.name,
        "pipeline_sha256": pipeline.sha256,
        "version": __version__,
    }


def _wrap(label: str, width: int = 34) -> str:
    """A long axis label on at most two lines."""
    lines = textwrap.wrap(label, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _charts(
    data: ReportData, period: Period, pipeline: Pipeline, t: Messages
) -> dict[str, dict[str, str]]:
    ind = data.indicators
    periods = list(dict.fromkeys(ind["period"]))
    kind = t(f"chart.kind_{period.kind}")

    by_key = {  # (indicator, breakdown, breakdown value or None for totals, period) -> value
        (i, b, None if b == "total" else v, p): x
        for i, b, v, p, x in zip(
            ind["indicator_id"],
            ind["breakdown"],
            ind["breakdown_value"],
            ind["period"],
            ind["value"],
            strict=True,
        )
        if x == x  # an empty value (NaN) is drawn as 0
    }

    def series(indicator: str, breakdown: str, value: str | None) -> list[float]:
        return [float(by_key.get((indicator, breakdown, value, p), 0.0)) for p in periods]

    trend = {
        t("chart.total"): series("clusters_served", "total", None),
        t.status("spearhead"): series("clusters_served", "cluster_type", "spearhead"),
        t.status("ibn"): series("clusters_served", "cluster_type", "ibn"),
    }
    last = {
        k: int(v[-1]) for k, v in zip(("total", "spearhead", "ibn"), trend.values(), strict=True)
    }
    service_ids = sorted(data.services["service_id"])
    service_names = dict(zip(data.services["service_id"], data.services["name"], strict=True))
    uses = {
        _wrap(f"{s}: {service_names.get(s, s)}", 24): series("service_uses", "service", s)
        for s in service_ids
    }
    steps = [
        (
            _wrap(f"{s.step}. {s.title}"),
            _date(s.planned_start),
            _date(s.planned_end),
            _date(s.actual_end),
        )
        for s in data.steps.itertuples(index=False)
    ]
    bench = data.benchmark.dropna(subset=["score"])
    counts = bench["position"].value_counts()
    drawn = _draw_charts(periods, trend, uses, steps, bench, period, pipeline, t)
    return {
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
) -> dict[str, str]:
    """The four charts as SVG ("" where there is nothing to draw)."""
    drawn = {
        "trend": charts.trend_lines(
            periods,
            trend,
            t("chart.trend_title"),
            t("chart.axis_period"),
            t("chart.axis_clusters"),
        ),
        "uses": charts.small_multiples(
            periods, uses, t("chart.uses_title"), t("chart.axis_period"), t("chart.axis_uses")
        ),
        "timeline": "",
        "benchmark": "",
    }
    if steps:
        drawn["timeline"] = charts.timeline(
            steps,
            (period.start, period.end),
            t("chart.timeline_title"),
            t("chart.axis_date"),
            (t("chart.planned"), t("chart.completed"), period.id),
        )
    if len(bench):
        drawn["benchmark"] = charts.benchmark_dots(
            bench["criterion"].tolist(),
            bench["score"].tolist(),
            bench["portfolio_mean"].tolist(),
            bench["portfolio_median"].tolist(),
            pipeline.benchmark_tolerance,
            t("chart.benchmark_title"),
            t("chart.axis_score"),
            (t("chart.region_score"), t("chart.mean"), t("chart.median"), t("chart.band")),
        )
    return drawn
