"""The report model into one plain context for the report templates, section by section.

Every number arrives computed in the model and is only formatted here; the templates
only place text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterix_reports import __version__
from clusterix_reports.compute.definitions import DEFINITIONS
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render import format as fmt
from clusterix_reports.render.action_plan import action_plan_section
from clusterix_reports.render.chart_data import chart_tables
from clusterix_reports.render.figures import chart_context
from clusterix_reports.render.messages import Messages
from clusterix_reports.render.narrative_context import narrative_context
from clusterix_reports.render.time_sections import (
    benchmark_section,
    budget_section,
    targets_section,
    time_notes,
)
from clusterix_reports.report.model import ReportModel

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


def build_context(model: ReportModel, pipeline: Pipeline, t: Messages) -> dict[str, Any]:
    """Everything the templates show, formatted, plus the charts as SVG text."""
    lang = t.language
    totals = model.totals
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "meta": _meta(pipeline, model, t),
        "summary": _summary(totals, lang, t),
        "action_plan": action_plan_section(model, lang, t),
        "indicators": _indicator_rows(totals, lang, t),
        "glossary": [
            {
                "id": d.id,
                "label": t.indicator_label(d.id),
                "definition": t.indicator_definition(d.id),
                "unit": t.unit(d.unit),
                "rule": t.indicator_rule(d.id),
            }
            for d in DEFINITIONS
        ],
        "uptake": _uptake(model, lang, t),
        "projects": _projects(model, lang),
        "benchmark": benchmark_section(model, pipeline, lang, t),
        "budget": budget_section(model, pipeline, lang, t),
        "time": time_notes(model, lang, t),
        "narrative": narrative_context(model, lang, t),
        "targets": targets_section(model, lang, t),
        "quality": _quality(model, lang, t),
        "sources": _sources(model, pipeline),
    }
    context["charts"] = chart_context(model, pipeline, t)
    for name, table in chart_tables(model, lang, t).items():
        if context["charts"].get(name):
            context["charts"][name]["data"] = table
    return context


def _meta(pipeline: Pipeline, model: ReportModel, t: Messages) -> dict[str, Any]:
    period, programme, lang = model.period, pipeline.programme, t.language
    return {
        "title": f"{t('doc.title')} {period.id} – {programme.named('name', lang)}",
        "author": programme.named("partner", lang),
        "subject": t("doc.subject"),
        "keywords": t("doc.keywords"),
        "created": f"{period.end.isoformat()}T00:00:00Z",
        "programme": programme.named("name", lang),
        "partner": programme.named("partner", lang),
        "region": programme.region,
        "policy_instrument": programme.named("policy_instrument", lang),
        "project": programme.project or "",
        "partner_number": programme.partner_number or "",
        "phase": t(
            "cover.phase_value" if programme.phase == 2 else "cover.phase_value_1",
            phase=programme.phase,
        ),
        "contact": programme.contact or "",
        "period_id": period.id,
        "period_dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
        "reporting_periods": ", ".join(model.reporting_periods),
        "fingerprint": model.inputs_fingerprint,
        "synthetic": bool(model.ingest.get("synthetic_sample")),
        "version": __version__,
        "running_head": f"{programme.named('name', lang)} · {period.id}",
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
                "change": fmt.change(totals.loc[key, "change_abs"], totals.loc[key, "unit"], lang),
            }
            for key in KEY_FIGURES
        ],
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
                "change": fmt.change(row["change_abs"], unit, lang),
                "target": fmt.number(row["target"], lang, digits),
                "pct_of_target": fmt.percent(row["pct_of_target"], lang),
                "unit": t.unit(unit),
            }
        )
    return rows


def _uptake(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    step = dict(zip(model.services["service_id"], model.services["action_step"], strict=True))
    existing = [s for s in model.service_ids if pd.isna(step.get(s))]
    planned = [s for s in model.service_ids if not pd.isna(step.get(s))]
    counts = model.uptake[existing + planned]
    rows = [
        {
            "name": model.cluster_names.get(cluster_id, cluster_id),
            "cells": [fmt.number(v, lang) if v else "" for v in values],
            "total": fmt.number(values.sum(), lang),
        }
        for cluster_id, values in counts.iterrows()
    ]
    peers = [
        {
            "name": model.cluster_names.get(p.cluster_id, p.name),
            "type": t.status(p.cluster_type),
            "active": t("text.yes") if p.active else t("text.no"),
            "uses": fmt.number(p.service_uses, lang),
            "participants": fmt.number(p.participants, lang),
            "median": fmt.number(p.peer_median, lang, 1),
            "ratio": fmt.number(p.peer_ratio, lang, 2) if p.active else t("text.not_active"),
        }
        for p in model.peers.itertuples(index=False)
    ]
    return {
        "service_ids": existing + planned,
        "groups": [
            {"label": t("text.existing_services"), "span": len(existing)},
            {"label": t("text.plan_services"), "span": len(planned)},
        ],
        "service_legend": [{"id": s, "name": model.service_names[s]} for s in existing + planned],
        "rows": rows,
        "column_totals": [fmt.number(counts[s].sum(), lang) for s in existing + planned],
        "total": fmt.number(counts.to_numpy().sum(), lang),
        "peers": peers,
    }


def _projects(model: ReportModel, lang: str) -> dict[str, Any]:
    names = model.cluster_names

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

    calls = [
        {
            "span": c.span,
            "submitted": fmt.number(c.submitted, lang),
            "approved": fmt.number(c.approved, lang),
            "rejected": fmt.number(c.rejected, lang),
            "success": fmt.percent(c.success_pct, lang),
        }
        for c in model.calls
    ]
    in_period = model.projects[model.projects["approved_in_period"]]
    cumulative = model.projects[model.projects["counted_cumulative"]]
    return {
        "calls": calls,
        "in_period": rows(in_period.head(MAX_LISTED)),
        "in_period_count": len(in_period),
        "in_period_budget": fmt.number(in_period["budget_eur"].sum(), lang),
        "cumulative": rows(cumulative.head(MAX_LISTED)),
        "cumulative_count": len(cumulative),
        "cumulative_budget": fmt.number(cumulative["budget_eur"].sum(), lang),
    }


def _quality(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    record = model.ingest
    files = []
    for f in record["files"]:
        sheets = [s for s in f["sheets"] if s["status"] == "read"]
        files.append(
            {
                "path": f["path"],
                "format": f.get("format") or "",
                "status": t.status(f["status"]),
                "reason": t.file_reason(f["reason"])
                or "; ".join(
                    f"{s['name']}: {t.file_reason(s['reason'])}"
                    for s in f["sheets"]
                    if s["status"] != "read"
                ),
                "sheets": str(len(sheets)),
                "loaded": fmt.number(sum(s["rows_loaded"] for s in f["sheets"]), lang),
                "duplicate": fmt.number(sum(s["rows_duplicate"] for s in f["sheets"]), lang),
                "rejected": fmt.number(sum(s["rows_rejected"] for s in f["sheets"]), lang),
            }
        )
    rejected = model.rejected
    by_manager = [
        {
            "name": m.name or t("text.no_manager"),
            "loaded": fmt.number(m.loaded, lang),
            "duplicate": fmt.number(m.duplicate, lang),
            "rejected": fmt.number(m.rejected, lang),
            "latest": fmt.date(m.latest),
        }
        for m in model.managers
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
            {"reason": t.reason(k), "code": k, "rows": fmt.number(n, lang)}
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
                "reason": t.reason(r.reason),
            }
            for r in rejected.head(FIRST_REJECTED).itertuples(index=False)
        ],
        "more_rejected": t(
            "text.more_rejected", shown=min(FIRST_REJECTED, len(rejected)), total=len(rejected)
        )
        if len(rejected) > FIRST_REJECTED
        else "",
    }


def _sources(model: ReportModel, pipeline: Pipeline) -> dict[str, Any]:
    return {
        "files": [
            {
                "path": f["path"],
                "sha256": f["sha256"],
                "status": f["status"],
                "rows": str(sum(s["rows_read"] for s in f["sheets"])),
            }
            for f in model.ingest["files"]
        ]
        + [
            {"path": n.path, "sha256": n.sha256, "status": "read", "rows": fmt.EMPTY}
            for n in (model.narrative,)
            if n is not None
        ],
        "pipeline": pipeline.path.name,
        "pipeline_sha256": pipeline.sha256,
        "version": __version__,
    }
