"""The long indicator table: every indicator, its breakdowns, trend, comparisons and targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.definitions import BY_ID, DEFINITIONS
from clusterix_reports.periods import Period, previous_period, trend_periods, year_ago_period
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
)


@dataclass
class Tables:
    """The ingested tables compute reads, dates as datetime64."""

    service_log: pd.DataFrame
    clusters: pd.DataFrame
    services: pd.DataFrame
    projects: pd.DataFrame
    action_plan: pd.DataFrame
    benchmark: pd.DataFrame


def totals(tables: Tables, period: Period, pipeline: Pipeline) -> dict[str, float | None]:
    """The headline value of every core indicator for one period."""
    log, start = tables.service_log, pipeline.programme.start
    values: dict[str, float | None] = {
        "clusters_served": ind.clusters_served(log, period),
        "clusters_served_cumulative": ind.clusters_served_cumulative(log, period, start),
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
        "spend_eur": ind.spend_eur(log, period),
        "budget_use_pct": ind.budget_use_pct(log, period, pipeline.budget_yearly_eur[1]),
    }
    for status in ("completed", "ongoing", "delayed", "not started"):
        key = "steps_" + status.replace(" ", "_")
        values[key] = ind.steps_with_status(tables.action_plan, period, status)
    return values


def breakdowns(tables: Tables, period: Period) -> list[tuple[str, str, str, float]]:
    """(indicator, breakdown, breakdown value, value) by cluster type and by service."""
    uses = ind.uses_in(tables.service_log, period.start, period.end)
    types = tables.clusters.set_index("cluster_id")["cluster_type"]
    uses = uses.assign(cluster_type=uses["cluster_id"].map(types))
    rows = []
    groups = {
        "cluster_type": sorted(tables.clusters["cluster_type"].dropna().unique()),
        "service": sorted(tables.services["service_id"].dropna().unique()),
    }
    column = {"cluster_type": "cluster_type", "service": "service_id"}
    for breakdown, labels in groups.items():
        for label in labels:
            part = uses[uses[column[breakdown]] == label]
            rows += [
                ("clusters_served", breakdown, label, float(part["cluster_id"].nunique())),
                ("service_uses", breakdown, label, float(len(part))),
                ("participants", breakdown, label, float(part["participants"].fillna(0).sum())),
            ]
    return rows


def period_values(tables: Tables, period: Period, pipeline: Pipeline) -> pd.DataFrame:
    """Every indicator value of one period, totals and breakdowns, in a long frame."""
    rows = [(k, "total", None, v) for k, v in totals(tables, period, pipeline).items()]
    rows += breakdowns(tables, period)
    frame = pd.DataFrame(rows, columns=["indicator_id", "breakdown", "breakdown_value", "value"])
    frame["value"] = frame["value"].astype("float64")
    if period.end < pipeline.programme.start:
        frame["value"] = np.nan  # before the programme nothing was monitored
    return frame


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


def _key(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["indicator_id"] + "|" + frame["breakdown"] + "|" + frame["breakdown_value"].fillna("")
    )


def values_by_period(
    tables: Tables, periods: list[Period], pipeline: Pipeline
) -> dict[Period, pd.DataFrame]:
    """`period_values` of each period; half of them in a child process, on the other core."""
    from clusterix_reports.forked import ForkedCall

    unique = list(dict.fromkeys(periods))
    half = unique[1::2]
    with ForkedCall(lambda: [period_values(tables, p, pipeline) for p in half]).submit() as other:
        mine = {p: period_values(tables, p, pipeline) for p in unique[0::2]}
        return mine | dict(zip(half, other.result(), strict=True))


def indicator_table(tables: Tables, period: Period, pipeline: Pipeline) -> pd.DataFrame:
    """The indicator table for `period` and each earlier period of its kind since the programme start."""
    named, start = pipeline.named_periods, pipeline.programme.start
    trend = trend_periods(period, start, named)
    since_start = {p: Period(start, p.end, "", "named") for p in trend}
    related = {p: (previous_period(p, named), year_ago_period(p, named)) for p in trend}
    wanted = [*trend, *since_start.values()]
    wanted += [r for pair in related.values() for r in pair if r is not None and r.end >= start]
    computed = values_by_period(tables, wanted, pipeline)

    def values(p: Period | None) -> pd.Series | None:
        if p is None or p.end < start:
            return None
        frame = computed[p]
        return pd.Series(frame["value"].to_numpy(), index=_key(frame))

    parts = []
    for p in trend:
        frame = computed[p].copy()
        keys = _key(frame)
        previous, year_ago = (values(r) for r in related[p])
        frame["previous_value"] = keys.map(previous) if previous is not None else np.nan
        frame["year_ago_value"] = keys.map(year_ago) if year_ago is not None else np.nan
        frame["cumulative_value"] = keys.map(values(since_start[p]))
        frame.insert(1, "period", p.id)
        frame.insert(2, "period_start", pd.Timestamp(p.start))
        frame.insert(3, "period_end", pd.Timestamp(p.end))
        frame["target"] = [
            target_for(pipeline, i, p) if b == "total" else None
            for i, b in zip(frame["indicator_id"], frame["breakdown"], strict=True)
        ]
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
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
