"""The compute step: the ingested tables and a period in, the period's report tables out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.compare import benchmark_comparison, peer_comparison, uptake_matrix
from clusterix_reports.compute.definitions import BY_ID
from clusterix_reports.compute.table import PeriodMap, Tables, indicator_table
from clusterix_reports.errors import PipelineError
from clusterix_reports.periods import Period, parse_period
from clusterix_reports.pipeline import Pipeline

DATE_COLUMNS = {
    "service_log": ("date",),
    "clusters": ("recognised_from", "funding_end"),
    "services": ("launched",),
    "intercluster_projects": ("submitted_on", "approved_on"),
    "action_plan": ("planned_start", "planned_end", "actual_end"),
    "benchmark_scores": (),
}
# only what the indicators read of the service log: every period selects its rows again
SERVICE_LOG_COLUMNS = ["cluster_id", "service_id", "date", "participants", "cost_eur"]


def compute_tables(datasets: dict[str, pd.DataFrame]) -> Tables:
    """The ingested tables as compute reads them: text as Python objects, dates as datetime64.

    Text as objects: the indicators filter small frames hundreds of times, where numpy
    object arrays are several times faster than Arrow-backed strings.
    """
    frames = {}
    for name, columns in DATE_COLUMNS.items():
        frame = datasets[name]
        frame = frame[SERVICE_LOG_COLUMNS] if name == "service_log" else frame.copy(deep=False)
        for column in frame.columns:
            if pd.api.types.is_string_dtype(frame[column].dtype) and frame[column].dtype != object:
                frame[column] = frame[column].astype(object)
        for column in columns:
            frame[column] = frame[column].astype("datetime64[ns]")
        frames[name] = frame
    return Tables(
        service_log=frames["service_log"],
        clusters=frames["clusters"],
        services=frames["services"],
        projects=frames["intercluster_projects"],
        action_plan=frames["action_plan"],
        benchmark=frames["benchmark_scores"],
    )


def check_targets(pipeline: Pipeline) -> None:
    """Every target names a known indicator and a period or an ISO date."""
    for indicator, per_period in pipeline.targets.items():
        if indicator not in BY_ID:
            raise PipelineError(
                f"{pipeline.path.name}: [targets] {indicator} is not an indicator; "
                f"known ids: {', '.join(BY_ID)}."
            )
        for when in per_period:
            if parse_period(when, pipeline.named_periods) is None:
                try:
                    dt.date.fromisoformat(when)
                except ValueError:
                    raise PipelineError(
                        f"{pipeline.path.name}: [targets] {indicator}: {when!r} is neither a "
                        "period (2019Q4, 2019H2, 2019, a named period) nor a date (2021-03-31)."
                    ) from None


def step_table(tables: Tables, period: Period) -> pd.DataFrame:
    """The action-plan steps with their status at the period end (the delayed rule applied)."""
    plan = tables.action_plan.drop(columns=["source_file", "source_sheet", "source_row"]).copy()
    plan["reported_status"] = plan["status"]
    plan["status"] = ind.effective_step_status(tables.action_plan, period)
    plan["delayed_by_rule"] = (plan["status"] == "delayed") & (plan["reported_status"] != "delayed")
    return plan


def project_table(tables: Tables, period: Period, programme_start: dt.date) -> pd.DataFrame:
    """Intercluster projects, flagged as counted in the period and cumulatively."""
    projects = tables.projects.copy()
    in_period = ind.approved_projects(projects, period.start, period.end).index
    cumulative = ind.approved_projects(projects, programme_start, period.end).index
    projects["approved_in_period"] = projects.index.isin(in_period)
    projects["counted_cumulative"] = projects.index.isin(cumulative)
    return projects


def compute_period(
    tables: Tables, period: Period, pipeline: Pipeline, map_periods: PeriodMap | None = None
) -> dict[str, pd.DataFrame]:
    """The period's report tables, by dataset name: indicators, benchmark, peers, uptake,
    steps and projects. `map_periods`: how the trend's periods are computed (in order)."""
    check_targets(pipeline)
    trend = indicator_table(tables, period, pipeline, *([map_periods] if map_periods else []))
    return {
        "indicators": trend,
        "benchmark": benchmark_comparison(
            tables.benchmark, pipeline.programme.region, period, pipeline.benchmark_tolerance
        ),
        "peers": peer_comparison(tables.service_log, tables.clusters, period),
        "uptake": uptake_matrix(tables.service_log, period),
        "steps": step_table(tables, period),
        "projects": project_table(tables, period, pipeline.programme.start),
    }


def headline_summary(indicators: pd.DataFrame, period: Period) -> str:
    """The period's headline figures, for the terminal."""
    rows = indicators[(indicators["period"] == period.id) & (indicators["breakdown"] == "total")]
    values = dict(zip(rows["indicator_id"], rows["value"], strict=True))

    def show(key: str, digits: int = 0) -> str:
        value = values.get(key)
        return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"

    return (
        f"period {period.id} ({period.start} to {period.end}): "
        f"clusters served {show('clusters_served')} of {show('active_clusters')} active "
        f"(coverage {show('coverage_pct', 1)} %), cumulative {show('clusters_served_cumulative')}; "
        f"service uses {show('service_uses')}, participants {show('participants')}, "
        f"spend EUR {show('spend_eur')} ({show('budget_use_pct', 1)} % of budget)"
    )
