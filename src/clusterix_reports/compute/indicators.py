"""The core indicators: one small pure function each, named after what it returns.

Every function takes the ingested tables it needs (dates as datetime64) and a period, and
returns a number, or None where the value cannot be computed. See definitions.py for the
documented meaning of each. Rows are selected with numpy masks: a report asks for dozens of
periods of small tables, where a pandas comparison costs several times the numpy one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd

from clusterix_reports.periods import Period

APPROVED_STATUSES = ("approved", "running", "completed")


def _between(column: pd.Series, start: dt.date, end: dt.date) -> np.ndarray:
    """Rows whose date falls in [start, end] (an empty date is in no period)."""
    days = column.to_numpy(dtype="datetime64[ns]")
    return (days >= np.datetime64(start, "ns")) & (days <= np.datetime64(end, "ns"))


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of `frame` where `mask` holds; the frame itself when it holds everywhere."""
    return frame if mask.all() else frame[mask]


def _total(column: pd.Series, mask: np.ndarray | None = None) -> float:
    """The sum of a column's numbers (of the rows where `mask` holds); an empty cell is 0."""
    values = column.to_numpy(dtype="float64", na_value=np.nan)
    return float(np.nansum(values if mask is None else values[mask]))


def uses_in(service_log: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The service-log rows dated in [start, end]."""
    return _rows(service_log, _between(service_log["date"], start, end))


def clusters_served(service_log: pd.DataFrame, period: Period) -> int:
    """Distinct clusters with at least one service-log row in the period."""
    return int(uses_in(service_log, period.start, period.end)["cluster_id"].nunique())


def clusters_served_cumulative(
    service_log: pd.DataFrame, period: Period, programme_start: dt.date
) -> int:
    """Distinct clusters with a service-log row from the programme start to the period end."""
    return int(uses_in(service_log, programme_start, period.end)["cluster_id"].nunique())


def active_cluster_ids(clusters: pd.DataFrame, period: Period) -> set[str]:
    """Clusters recognised by the period end whose funding had not ended before its start."""
    recognised = clusters["recognised_from"].to_numpy(dtype="datetime64[ns]")
    funding_end = clusters["funding_end"].to_numpy(dtype="datetime64[ns]")
    active = (recognised <= np.datetime64(period.end, "ns")) & (
        np.isnat(funding_end) | (funding_end >= np.datetime64(period.start, "ns"))
    )
    return set(clusters["cluster_id"].to_numpy()[active])


def active_clusters(clusters: pd.DataFrame, period: Period) -> int:
    """Number of clusters active in the period."""
    return len(active_cluster_ids(clusters, period))


def coverage_pct(service_log: pd.DataFrame, clusters: pd.DataFrame, period: Period) -> float | None:
    """Percentage of active clusters served in the period; None when none is active."""
    active = active_cluster_ids(clusters, period)
    if not active:
        return None
    served = set(uses_in(service_log, period.start, period.end)["cluster_id"])
    return 100.0 * len(served & active) / len(active)


def service_uses(service_log: pd.DataFrame, period: Period) -> int:
    """Service-log rows in the period."""
    return len(uses_in(service_log, period.start, period.end))


def participants(service_log: pd.DataFrame, period: Period) -> int:
    """Sum of participants over the period's rows; an empty cell counts as 0."""
    return int(_total(uses_in(service_log, period.start, period.end)["participants"]))


def services_in_use(service_log: pd.DataFrame, period: Period) -> int:
    """Distinct services with at least one service-log row in the period."""
    return int(uses_in(service_log, period.start, period.end)["service_id"].nunique())


def services_launched_cumulative(
    services: pd.DataFrame, period: Period, action_plan_start: dt.date
) -> int:
    """Catalogue services launched from the action plan's start up to the period end."""
    return int(_between(services["launched"], action_plan_start, period.end).sum())


def _countable(projects: pd.DataFrame) -> np.ndarray:
    """Rows of projects of >= 2 distinct clusters, approved/running/completed."""
    enough = np.fromiter(
        (len(set(ids)) >= 2 for ids in projects["cluster_ids"].tolist()),
        dtype=bool,
        count=len(projects),
    )
    return enough & np.isin(projects["status"].to_numpy(dtype=object), APPROVED_STATUSES)


def _approved(projects: pd.DataFrame, start: dt.date, end: dt.date) -> np.ndarray:
    """Rows of countable projects approved in [start, end]."""
    return _countable(projects) & _between(projects["approved_on"], start, end)


def countable_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects of >= 2 distinct clusters, approved/running/completed, whenever approved."""
    return _rows(projects, _countable(projects))


def approved_projects(projects: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Projects of >= 2 distinct clusters, approved/running/completed, approved in [start, end]."""
    return _rows(projects, _approved(projects, start, end))


def intercluster_projects_approved(projects: pd.DataFrame, period: Period) -> int:
    """Intercluster projects approved in the period."""
    return int(_approved(projects, period.start, period.end).sum())


def intercluster_projects_cumulative(
    projects: pd.DataFrame, period: Period, programme_start: dt.date
) -> int:
    """Intercluster projects approved from the programme start to the period end."""
    return int(_approved(projects, programme_start, period.end).sum())


def intercluster_budget_eur(projects: pd.DataFrame, period: Period) -> float:
    """Sum of the budgets of the intercluster projects approved in the period."""
    return _total(projects["budget_eur"], _approved(projects, period.start, period.end))


def intercluster_budget_since_plan_eur(
    projects: pd.DataFrame, period: Period, action_plan_start: dt.date
) -> float:
    """Sum of the budgets of the intercluster projects approved from the action plan's start
    to the period end: the funds the action plan influenced."""
    return _total(projects["budget_eur"], _approved(projects, action_plan_start, period.end))


def spend_eur(service_log: pd.DataFrame, period: Period) -> float:
    """Sum of cost_eur over the period's service-log rows."""
    return _total(uses_in(service_log, period.start, period.end)["cost_eur"])


def uses_without_cost(service_log: pd.DataFrame, period: Period) -> int:
    """Service-log rows in the period whose cost is empty (spend is then a lower bound)."""
    costs = uses_in(service_log, period.start, period.end)["cost_eur"]
    return int(np.isnan(costs.to_numpy(dtype="float64", na_value=np.nan)).sum())


def budget_spend_eur(
    service_log: pd.DataFrame, period: Period, excluded: frozenset[str] = frozenset()
) -> float:
    """Spend in the period less the cost of the services excluded from the yearly budget."""
    log = uses_in(service_log, period.start, period.end)
    counted = ~np.isin(log["service_id"].to_numpy(dtype=object), list(excluded))
    return _total(log["cost_eur"], counted)


def pro_rata_budget_eur(yearly_eur: float, period: Period) -> float:
    """The yearly budget for the days of the period, each year's days against that year's length."""
    total = 0.0
    for year in range(period.start.year, period.end.year + 1):
        first = max(period.start, dt.date(year, 1, 1))
        last = min(period.end, dt.date(year, 12, 31))
        days_in_year = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        total += yearly_eur * ((last - first).days + 1) / days_in_year
    return total


def budget_use_pct(
    service_log: pd.DataFrame,
    period: Period,
    yearly_budget_eur: float,
    excluded: frozenset[str] = frozenset(),
) -> float | None:
    """Spend counted against the budget as a percentage of the pro-rata yearly budget; None
    without a budget."""
    budget = pro_rata_budget_eur(yearly_budget_eur, period)
    if budget <= 0:
        return None
    return 100.0 * budget_spend_eur(service_log, period, excluded) / budget


def data_through(service_log: pd.DataFrame) -> dt.date | None:
    """The last date in the loaded service log: how far the data reaches."""
    days = service_log["date"].dropna()
    return None if days.empty else pd.Timestamp(days.max()).date()


def data_from(service_log: pd.DataFrame) -> dt.date | None:
    """The first date in the loaded service log."""
    days = service_log["date"].dropna()
    return None if days.empty else pd.Timestamp(days.min()).date()


def _statuses_at(action_plan: pd.DataFrame, period: Period, through: dt.date | None) -> np.ndarray:
    """Each step's status at the period end (indicators.md, "Time"), the delay rule applied.

    The reported status describes the plan as of `through`: it counts for a period ending on
    or after that day. For an earlier period the dates decide: completed when the actual end
    is on or before the period end; not started when reported so or before the step's start
    (its actual start where given); ongoing otherwise.
    """
    status = action_plan["status"].to_numpy(dtype=object)
    end = np.datetime64(period.end, "ns")

    def days(column: str) -> np.ndarray:
        if column not in action_plan:
            return np.full(len(action_plan), np.datetime64("NaT"), dtype="datetime64[ns]")
        return action_plan[column].to_numpy(dtype="datetime64[ns]")

    if through is not None and period.end < through:
        actual_start, planned_start = days("actual_start"), days("planned_start")
        start = np.where(np.isnat(actual_start), planned_start, actual_start)
        not_started = (status == "not started") | (end < start)
        status = np.where(
            days("actual_end") <= end, "completed", np.where(not_started, "not started", "ongoing")
        ).astype(object)
    overdue = (status != "completed") & (days("planned_end") < end)
    return np.where(overdue, "delayed", status)


def effective_step_status(
    action_plan: pd.DataFrame, period: Period, through: dt.date | None = None
) -> pd.Series:
    """Each step's status at the period end: as of `through` (the last day of data), and
    `delayed` when not completed and past its planned end."""
    status = action_plan["status"]
    return pd.Series(
        _statuses_at(action_plan, period, through),
        index=status.index,
        name="status",
        dtype=status.dtype,
    )


def steps_by_status(
    action_plan: pd.DataFrame, period: Period, through: dt.date | None = None
) -> dict[str, int]:
    """How many action-plan steps have each status at the period end."""
    counts = Counter(_statuses_at(action_plan, period, through).tolist())
    return {status: n for status, n in counts.items() if isinstance(status, str)}
