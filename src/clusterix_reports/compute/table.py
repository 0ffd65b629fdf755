"""The long indicator table: every indicator, its breakdowns, trend, comparisons and targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.definitions import BY_ID, DEFINITIONS
from clusterix_reports.periods import (
    Period,
    coverage,
    previous_period,
    trend_periods,
    year_ago_period,
)
from clusterix_reports.pipeline import Pipeline

INDICATOR_COLUMNS = (
    "indicator_id",
    "period",
    "period_start",
    "period_end",
    "breakdown",
    "breakdown_value",
    "value",
    "unit",
    "previous_value",
    "year_ago_value",
    "change_abs",
    "change_pct",
    "target",
    "pct_of_target",
    "cumulative_value",
    "data_status",
    "data_coverage_pct",
)


@dataclass
class Tables:
    """The ingested tables compute reads, dates as datetime64, and what follows from them
    for every period: how far the data reaches, the services outside the budget."""

    service_log: pd.DataFrame
    clusters: pd.DataFrame
    services: pd.DataFrame
    projects: pd.DataFrame
    action_plan: pd.DataFrame
    benchmark: pd.DataFrame
    data_from: dt.date | None = None  # the service log's first and last dates, from it
    data_through: dt.date | None = None
    excluded_services: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.data_through is None and "date" in self.service_log:
            self.data_from = ind.data_from(self.service_log)
            self.data_through = ind.data_through(self.service_log)


def totals(tables: Tables, period: Period, pipeline: Pipeline) -> dict[str, float | None]:
    """The headline value of every core indicator for one period."""
    start = pipeline.programme.start
    # the period's rows, selected once: each indicator selects them again, at no cost
    log = ind.uses_in(tables.service_log, period.start, period.end)
    values: dict[str, float | None] = {
        "clusters_served": ind.clusters_served(log, period),
        "clusters_served_cumulative": ind.clusters_served_cumulative(
            tables.service_log, period, start
        ),
        "active_clusters": ind.active_clusters(tables.clusters, period),
        "coverage_pct": ind.coverage_pct(log, tables.clusters, period),
        "service_uses": ind.service_uses(log, period),
        "participants": ind.participants(log, period),
        "services_in_use": ind.services_in_use(log, period),
        "services_launched_cumulative": ind.services_launched_cumulative(
            tables.services, period, pipeline.programme.action_plan_start
        ),
        "intercluster_projects_approved": ind.intercluster_projects_approved(
            tables.projects, period
        ),
        "intercluster_projects_cumulative": ind.intercluster_projects_cumulative(
            tables.projects, period, start
        ),
        "intercluster_budget_eur": ind.intercluster_budget_eur(tables.projects, period),
        "intercluster_budget_since_plan_eur": ind.intercluster_budget_since_plan_eur(
            tables.projects, period, pipeline.programme.action_plan_start
        ),
        "spend_eur": ind.spend_eur(log, period),
        "budget_spend_eur": ind.budget_spend_eur(log, period, tables.excluded_services),
        "uses_without_cost": ind.uses_without_cost(log, period),
        "budget_use_pct": ind.budget_use_pct(
            log, period, pipeline.budget_yearly_eur[1], tables.excluded_services
        ),
    }
    steps = ind.steps_by_status(tables.action_plan, period, tables.data_through)
    for status in ("completed", "ongoing", "delayed", "not started"):
        values["steps_" + status.replace(" ", "_")] = steps.get(status, 0)
    return values


# the indicators also given per cluster type and per service: the same functions, each
# applied to the rows of one breakdown value
BROKEN_DOWN = {
    "clusters_served": ind.clusters_served,
    "service_uses": ind.service_uses,
    "participants": ind.participants,
}


def breakdown_labels(tables: Tables) -> dict[str, list[str]]:
    """The values each breakdown is given for, whether or not a period has rows for them."""
    return {
        "cluster_type": sorted(tables.clusters["cluster_type"].dropna().unique()),
        "service": sorted(tables.services["service_id"].dropna().unique()),
    }


def with_cluster_type(tables: Tables) -> Tables:
    """The tables with each service-log row's cluster type beside it (for the breakdowns)."""
    types = tables.clusters.set_index("cluster_id")["cluster_type"]
    log = tables.service_log.assign(cluster_type=tables.service_log["cluster_id"].map(types))
    return replace(tables, service_log=log)


def breakdowns(
    tables: Tables, period: Period, labels: dict[str, list[str]] | None = None
) -> list[tuple[str, str, str, float]]:
    """(indicator, breakdown, breakdown value, value) by cluster type and by service.

    Each value is its indicator's own function over the period's rows of that breakdown
    value. `tables`: as `with_cluster_type` gives them.
    """
    log = ind.uses_in(tables.service_log, period.start, period.end)
    empty = log.iloc[0:0]
    rows = []
    for breakdown, values in (labels or breakdown_labels(tables)).items():
        column = "service_id" if breakdown == "service" else breakdown
        groups = dict(tuple(log.groupby(column, sort=False))) if len(log) else {}
        for label in values:
            group = groups.get(label, empty)
            rows += [(i, breakdown, label, float(f(group, period))) for i, f in BROKEN_DOWN.items()]
    return rows


ValueRow = tuple[str, str, str | None, float | None]  # indicator, breakdown, its value, value


def period_rows(
    tables: Tables, period: Period, pipeline: Pipeline, labels: dict[str, list[str]] | None = None
) -> list[ValueRow]:
    """Every indicator value of one period, totals then breakdowns.

    The rows and their order depend on the tables only, never on the period, so the rows of
    two periods line up one by one.
    """
    rows: list[ValueRow] = [
        (k, "total", None, v) for k, v in totals(tables, period, pipeline).items()
    ]
    return rows + breakdowns(tables, period, labels)


def row_values(
    rows: list[ValueRow], period: Period, pipeline: Pipeline, tables: Tables
) -> np.ndarray:
    """The values of a period's rows as floats (None is NaN); all NaN before the programme,
    when nothing was monitored, and the service log's indicators NaN in a period that ends
    before its first date: no data yet is not zero."""
    if period.end < pipeline.programme.start:
        return np.full(len(rows), np.nan)
    values = np.array([row[3] for row in rows], dtype="float64")
    if coverage(period, tables.data_from, tables.data_through).status == "no data yet":
        from_log = np.array(["service_log" in BY_ID[row[0]].sources for row in rows])
        values[from_log] = np.nan
    return values


def target_for(pipeline: Pipeline, indicator_id: str, period: Period) -> float | None:
    """The pipeline's target for an indicator in a period: by period id, else an end date inside it."""
    targets = pipeline.targets.get(indicator_id, {})
    if period.id in targets:
        return targets[period.id]
    for when, value in targets.items():
        try:
            day = dt.date.fromisoformat(when)
        except ValueError:
            continue
        if period.contains(day):
            return value
    return None


PeriodMap = Callable[[Callable[[Period], np.ndarray], list[Period]], list[np.ndarray]]


def _each(function: Callable[[Period], np.ndarray], periods: list[Period]) -> list[np.ndarray]:
    return [function(p) for p in periods]


def values_by_period(
    tables: Tables, periods: list[Period], pipeline: Pipeline, map_periods: PeriodMap = _each
) -> tuple[list[ValueRow], dict[Period, np.ndarray]]:
    """The rows of the first period, and the values of each period in that row order.

    `map_periods` applies a function to every period (the run spreads them over two cores).
    """
    unique = list(dict.fromkeys(periods))
    # made once for every period: the rows' cluster types, the projects that can count at all
    labels = breakdown_labels(tables)
    tables = with_cluster_type(tables)
    tables = replace(tables, projects=ind.countable_projects(tables.projects))

    def values(period: Period) -> np.ndarray:
        return row_values(period_rows(tables, period, pipeline, labels), period, pipeline, tables)

    rows = period_rows(tables, unique[0], pipeline, labels)
    return rows, dict(zip(unique, map_periods(values, unique), strict=True))


def indicator_table(
    tables: Tables, period: Period, pipeline: Pipeline, map_periods: PeriodMap = _each
) -> pd.DataFrame:
    """The indicator table for `period` and each earlier period of its kind since the programme start."""
    named, start = pipeline.named_periods, pipeline.programme.start
    trend = trend_periods(period, start, named)
    since_start = {p: Period(start, p.end, "", "named") for p in trend}
    related = {p: (previous_period(p, named), year_ago_period(p, named)) for p in trend}
    wanted = [*trend, *since_start.values()]
    wanted += [r for pair in related.values() for r in pair if r is not None and r.end >= start]
    rows, computed = values_by_period(tables, wanted, pipeline, map_periods)  # one row order
    indicator_ids, breakdown_names, breakdown_values, _ = zip(*rows, strict=True)

    def values(p: Period | None) -> np.ndarray:
        if p is None or p.end < start:
            return np.full(len(rows), np.nan)
        return computed[p]

    def each_period(column: tuple[object, ...]) -> np.ndarray:
        return np.tile(np.array(column, dtype=object), len(trend))

    def per_period(value: Callable[[Period], object]) -> list[object]:
        return [value(p) for p in trend for _ in range(len(rows))]

    table = pd.DataFrame(
        {
            "indicator_id": each_period(indicator_ids),
            "period": per_period(lambda p: p.id),
            "period_start": per_period(lambda p: pd.Timestamp(p.start)),
            "period_end": per_period(lambda p: pd.Timestamp(p.end)),
            "breakdown": each_period(breakdown_names),
            "breakdown_value": each_period(breakdown_values),
            "value": np.concatenate([values(p) for p in trend]),
            "previous_value": np.concatenate([values(related[p][0]) for p in trend]),
            "year_ago_value": np.concatenate([values(related[p][1]) for p in trend]),
            "cumulative_value": np.concatenate([values(since_start[p]) for p in trend]),
            "target": [
                target_for(pipeline, i, p) if b == "total" else None
                for p in trend
                for i, b in zip(indicator_ids, breakdown_names, strict=True)
            ],
        }
    )
    covered = {p: coverage(p, tables.data_from, tables.data_through) for p in trend}
    table["data_status"] = per_period(lambda p: covered[p].status)
    table["data_coverage_pct"] = np.array(per_period(lambda p: covered[p].pct), dtype="float64")
    table["unit"] = table["indicator_id"].map(lambda i: BY_ID[i].unit)
    table["target"] = table["target"].astype("float64")
    table["change_abs"] = table["value"] - table["previous_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["change_pct"] = 100.0 * table["change_abs"] / table["previous_value"]
        table["pct_of_target"] = 100.0 * table["value"] / table["target"]
    for column in ("change_pct", "pct_of_target"):
        table.loc[~np.isfinite(table[column]), column] = np.nan
    order = {d.id: i for i, d in enumerate(DEFINITIONS)}
    table["_order"] = table["indicator_id"].map(order)
    table["_breakdown"] = table["breakdown"].map({"total": 0, "cluster_type": 1, "service": 2})
    table = table.sort_values(
        ["period_start", "_order", "_breakdown", "breakdown_value"], kind="stable"
    )
    return table[list(INDICATOR_COLUMNS)].reset_index(drop=True)
