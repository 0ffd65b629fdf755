"""The report's sections about time, scope and change: how far the data reaches, every
target with its progress, the budget's scope, the benchmark since its baseline.

Formatting only: every figure comes computed in the report model.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render import format as fmt
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel

BUDGET_SCOPES = ("period", "year_to_date", "since_action_plan")


def time_notes(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    """How far the data reaches, and what that means for this period's figures."""
    covered = model.coverage
    through = fmt.long_date(model.data_through, lang)
    partial = covered.status == "partial"
    return {
        "data_through": through,
        "partial": partial,
        "no_data": covered.status == "no data yet",
        "partial_note": t("time.partial", date=through, pct=fmt.percent(covered.pct, lang, 0))
        if partial
        else "",
        "changes_note": t("time.changes_marked") if partial else "",
        "mark": t("time.mark") if partial else "",
    }


def _measured(row: Any, lang: str, t: Messages) -> str:
    """'26 of 24, reached' (or 'not yet reached'); the value missing: the target alone."""
    unit_digits = 1 if row.unit == "%" else 0
    target = fmt.number(row.target, lang, unit_digits)
    if fmt.is_empty(row.value):
        return t("targets.no_value", target=target)
    state = t("targets.reached") if row.reached else t("targets.not_reached")
    return t(
        "targets.progress",
        value=fmt.number(row.value, lang, unit_digits),
        target=target,
        state=state,
        pct=fmt.percent(row.pct_of_target, lang, 0),
    )


def targets_section(model: ReportModel, lang: str, t: Messages) -> list[dict[str, str]]:
    """Every target the pipeline sets: its indicator, when it is due, how it stands."""
    units = model.indicators.drop_duplicates("indicator_id").set_index("indicator_id")["unit"]
    targets = model.targets.assign(unit=model.targets["indicator_id"].map(units))
    return [
        {
            "indicator": t.indicator_label(row.indicator_id),
            "due": t(
                f"targets.{row.relation.replace(' ', '_')}",
                date=fmt.long_date(row.target_end, lang),
                period=row.target_for,
                measured=row.value_period or "",
            ),
            "progress": _measured(row, lang, t),
            "reached": bool(row.reached),
            "relation": row.relation,
        }
        for row in targets.itertuples(index=False)
    ]


def budget_section(model: ReportModel, pipeline: Pipeline, lang: str, t: Messages) -> dict:
    """Spend counted against the budget for the period, the year to date and since the
    action plan's start; the excluded services' spend apart; the lower-bound warning."""
    low, high = pipeline.budget_yearly_eur
    budget = model.budget.set_index("scope")
    rows = []
    for scope in BUDGET_SCOPES:
        if scope not in budget.index:
            continue
        b = budget.loc[scope]
        rows.append(
            {
                "scope": t(
                    f"budget.{scope}",
                    start=fmt.long_date(b["start"], lang),
                    end=fmt.long_date(b["end"], lang),
                ),
                "spend": fmt.number(b["budget_spend_eur"], lang),
                "excluded": fmt.number(b["excluded_spend_eur"], lang),
                "range": t(
                    "budget.range",
                    low=fmt.number(b["budget_low_eur"], lang),
                    high=fmt.number(b["budget_high_eur"], lang),
                ),
                "use": fmt.percent(b["budget_use_pct"], lang),
                "without_cost": fmt.number(b["uses_without_cost"], lang),
            }
        )
    period = budget.loc["period"]
    excluded = [s for s in str(period["excluded_services"] or "").split("; ") if s]
    names = ", ".join(f"{model.service_names.get(s, s)} ({s})" for s in excluded)
    without = int(period["uses_without_cost"])
    return {
        "note": t(
            "budget.note",
            low=fmt.number(low, lang),
            high=fmt.number(high, lang),
            days=model.period.days,
        ),
        "rows": rows,
        "excluded_note": t("budget.excluded", services=names) if excluded else "",
        "lower_bound": t("budget.lower_bound", uses=fmt.number(without, lang)) if without else "",
    }


def benchmark_section(model: ReportModel, pipeline: Pipeline, lang: str, t: Messages) -> dict:
    """Per criterion the region against the portfolio, and the change since the baseline."""
    bench = model.benchmark
    years = bench["year"].dropna()
    baseline = bench["baseline_year"].dropna()
    scores = bench[["score", "portfolio_mean"]].stack()
    scale = pipeline.benchmark_scale
    scale_note = (
        t("benchmark.scale", low=fmt.number(scale[0], lang), high=fmt.number(scale[1], lang))
        if scale
        else t(
            "benchmark.range",
            low=fmt.number(scores.min(), lang, 1),
            high=fmt.number(scores.max(), lang, 1),
        )
        if len(scores)
        else ""
    )
    return {
        "rows": [
            {
                "criterion": b.criterion,
                "score": fmt.number(b.score, lang, 2),
                "mean": fmt.number(b.portfolio_mean, lang, 2),
                "median": fmt.number(b.portfolio_median, lang, 2),
                "difference": fmt.signed(b.difference, lang, 2),
                "position": t.status(b.position),
                "baseline_score": fmt.number(b.baseline_score, lang, 2),
                "baseline_position": t.status(b.baseline_position)
                if not pd.isna(b.baseline_position)
                else fmt.EMPTY,
                "score_change": fmt.signed(b.score_change, lang, 2),
                "difference_change": fmt.signed(b.difference_change, lang, 2),
            }
            for b in bench.itertuples(index=False)
        ],
        "baseline": int(baseline.iloc[0]) if len(baseline) else None,
        "note": t(
            "text.benchmark_note",
            year=int(years.max()) if len(years) else t("text.none"),
            tolerance=fmt.number(pipeline.benchmark_tolerance, lang, 2),
        ),
        "regions_note": t(
            "benchmark.regions",
            regions=fmt.number(bench["regions"].max(), lang) if len(bench) else "0",
            scale=scale_note,
        ),
    }
