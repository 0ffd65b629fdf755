"""The budget's scope: spend counted against the yearly budget for the period, the year to
date and since the action plan's start, the excluded services' spend apart."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.table import Tables
from clusterix_reports.periods import Period
from clusterix_reports.pipeline import Pipeline

BUDGET_COLUMNS = (
    "scope",
    "start",
    "end",
    "spend_eur",
    "budget_spend_eur",
    "excluded_spend_eur",
    "service_uses",
    "uses_without_cost",
    "budget_low_eur",
    "budget_high_eur",
    "budget_use_pct",
    "excluded_services",
)


def budget_scopes(period: Period, pipeline: Pipeline) -> dict[str, Period]:
    """The spans the budget is shown for: the period, the year to date, since the action plan."""
    year_start = max(dt.date(period.end.year, 1, 1), pipeline.programme.start)
    scopes = {
        "period": period,
        "year_to_date": Period(year_start, period.end, f"{period.end.year}-to-date", "named"),
    }
    plan_start = pipeline.programme.action_plan_start
    if plan_start <= period.end:
        scopes["since_action_plan"] = Period(plan_start, period.end, "since-plan", "named")
    return scopes


def budget_table(tables: Tables, period: Period, pipeline: Pipeline) -> pd.DataFrame:
    """Spend against the pro-rata budget range for each scope of `budget_scopes`."""
    low, high = pipeline.budget_yearly_eur
    excluded = tables.excluded_services
    rows = []
    for scope, span in budget_scopes(period, pipeline).items():
        log = ind.uses_in(tables.service_log, span.start, span.end)
        spend = ind.spend_eur(log, span)
        counted = ind.budget_spend_eur(log, span, excluded)
        rows.append(
            {
                "scope": scope,
                "start": span.start,
                "end": span.end,
                "spend_eur": spend,
                "budget_spend_eur": counted,
                "excluded_spend_eur": spend - counted,
                "service_uses": ind.service_uses(log, span),
                "uses_without_cost": ind.uses_without_cost(log, span),
                "budget_low_eur": ind.pro_rata_budget_eur(low, span),
                "budget_high_eur": ind.pro_rata_budget_eur(high, span),
                "budget_use_pct": ind.budget_use_pct(log, span, high, excluded),
                "excluded_services": "; ".join(sorted(excluded)),
            }
        )
    frame = pd.DataFrame(rows, columns=list(BUDGET_COLUMNS))
    frame["budget_use_pct"] = frame["budget_use_pct"].astype("float64")
    return frame
