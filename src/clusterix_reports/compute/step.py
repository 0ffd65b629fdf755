"""The compute step: the ingested tables and a period in, the period's report tables out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.budget import budget_table
from clusterix_reports.compute.compare import benchmark_comparison, peer_comparison, uptake_matrix
from clusterix_reports.compute.table import PeriodMap, Tables, indicator_table, totals
from clusterix_reports.compute.targets import target_table
from clusterix_reports.errors import PipelineError
from clusterix_reports.ingest.vocabulary import fold
from clusterix_reports.periods import Period
from clusterix_reports.pipeline import Pipeline

DATE_COLUMNS = {
    "service_log": ("date",),
    "clusters": ("recognised_from", "funding_end"),
    "services": ("launched",),
    "intercluster_projects": ("submitted_on", "approved_on"),
    "action_plan": ("planned_start", "planned_end", "actual_end", "actual_start"),
    "benchmark_scores": (),
}
# only what the indicators read of the service log: every period selects its rows again
SERVICE_LOG_COLUMNS = ["cluster_id", "service_id", "date", "participants", "cost_eur"]


def excluded_service_ids(services: pd.DataFrame, pipeline: Pipeline) -> frozenset[str]:
    """The catalogue ids of the services [budget] excluded_services names (by id, name or
    alias, matched as the exports are); a name the catalogue does not know is refused."""
    index: dict[str, str] = {}
    for row in services.itertuples(index=False):
        aliases = row.aliases.split(";") if isinstance(row.aliases, str) else []
        for spelling in (row.service_id, row.name, *aliases):
            if isinstance(spelling, str) and spelling.strip():
                index.setdefault(fold(spelling), row.service_id)
    for name in pipeline.excluded_services:
        if fold(name) not in index:
            raise PipelineError(
                f"{pipeline.path.name}: [budget] excluded_services names {name!r}, which is not a "
                "service of the catalogue (reference/services); use its id, name or an alias "
                f"({', '.join(sorted(services['service_id']))})."
            )
    return frozenset(index[fold(name)] for name in pipeline.excluded_services)


def compute_tables(datasets: dict[str, pd.DataFrame], pipeline: Pipeline) -> Tables:
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
        excluded_services=excluded_service_ids(frames["services"], pipeline),
    )


def step_table(tables: Tables, period: Period) -> pd.DataFrame:
    """The action-plan steps with their status at the period end (the delayed rule applied)."""
    plan = tables.action_plan.drop(columns=["source_file", "source_sheet", "source_row"]).copy()
    plan["reported_status"] = plan["status"]
    plan["status"] = ind.effective_step_status(tables.action_plan, period, tables.data_through)
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
    steps, projects, targets and budget. `map_periods`: how the trend's periods are computed (in order)."""
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
        "targets": target_table(period, pipeline, lambda p: totals(tables, p, pipeline)),
        "budget": budget_table(tables, period, pipeline),
    }


def headline_summary(indicators: pd.DataFrame, period: Period) -> str:
    """The period's headline figures, for the terminal."""
    rows = indicators[(indicators["period"] == period.id) & (indicators["breakdown"] == "total")]
    values = dict(zip(rows["indicator_id"], rows["value"], strict=True))

    def show(key: str, digits: int = 0) -> str:
        value = values.get(key)
        return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"

    partial = rows["data_status"].eq("partial").any()
    covered = (
        f", partial: {rows['data_coverage_pct'].iloc[0]:.0f} % of it covered by data"
        if partial
        else ""
    )
    return (
        f"period {period.id} ({period.start} to {period.end}{covered}): "
        f"clusters served {show('clusters_served')} (coverage {show('coverage_pct', 1)} % of "
        f"{show('active_clusters')} active), cumulative {show('clusters_served_cumulative')}; "
        f"service uses {show('service_uses')}, participants {show('participants')}, "
        f"spend EUR {show('spend_eur')} ({show('budget_use_pct', 1)} % of budget)"
    )
