"""The compute step: read the data/ tables, write the period's indicator and comparison tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.compare import benchmark_comparison, peer_comparison, uptake_matrix
from clusterix_reports.compute.definitions import BY_ID
from clusterix_reports.compute.table import Tables, indicator_table
from clusterix_reports.errors import PipelineError, UserError
from clusterix_reports.periods import Period, choose_period, parse_period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.storage import read_arrow, write_parquet

DATE_COLUMNS = {
    "service_log": ("date",),
    "clusters": ("recognised_from", "funding_end"),
    "services": ("launched",),
    "intercluster_projects": ("submitted_on", "approved_on"),
    "action_plan": ("planned_start", "planned_end", "actual_end"),
    "benchmark_scores": (),
}


SERVICE_LOG_COLUMNS = ["cluster_id", "service_id", "date", "participants", "cost_eur"]


def read_table(data_dir: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One ingested table (or some of its columns), dates as datetime64[ns]."""
    path = data_dir / f"{name}.parquet"
    if not path.is_file():
        raise UserError(f"{path}: missing; run `clusterix-reports ingest` first.")
    # text as Python objects: the indicators filter small frames hundreds of times, where
    # numpy object arrays are several times faster than Arrow-backed strings
    frame = read_arrow(path, columns).to_pandas()
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column].dtype) and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
    for column in DATE_COLUMNS[name]:
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def load_tables(data_dir: Path) -> Tables:
    """Every table compute needs."""
    return Tables(
        # only what the indicators read: every period filters these rows again
        service_log=read_table(data_dir, "service_log", SERVICE_LOG_COLUMNS),
        clusters=read_table(data_dir, "clusters"),
        services=read_table(data_dir, "services"),
        projects=read_table(data_dir, "intercluster_projects"),
        action_plan=read_table(data_dir, "action_plan"),
        benchmark=read_table(data_dir, "benchmark_scores"),
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


def compute_step(
    pipeline: Pipeline, data_dir: Path, asked: str | None
) -> tuple[Period, dict[str, Path]]:
    """Compute the period's tables and write them under reports/PERIOD/."""
    check_targets(pipeline)
    tables = load_tables(data_dir)
    period = choose_period(pipeline, asked, [d.date() for d in tables.service_log["date"].dropna()])
    folder = pipeline.outputs / "reports" / period.id
    outputs = {
        "indicators": (
            folder / f"indicators-{period.id}.parquet",
            indicator_table(tables, period, pipeline),
        ),
        "benchmark": (
            folder / f"benchmark-{period.id}.parquet",
            benchmark_comparison(
                tables.benchmark, pipeline.programme.region, period, pipeline.benchmark_tolerance
            ),
        ),
        "peers": (
            folder / "tables" / f"peers-{period.id}.parquet",
            peer_comparison(tables.service_log, tables.clusters, period),
        ),
        "uptake": (
            folder / "tables" / f"uptake-{period.id}.parquet",
            uptake_matrix(tables.service_log, period),
        ),
        "steps": (folder / "tables" / f"steps-{period.id}.parquet", step_table(tables, period)),
        "projects": (
            folder / "tables" / f"projects-{period.id}.parquet",
            project_table(tables, period, pipeline.programme.start),
        ),
    }
    for path, frame in outputs.values():
        write_parquet(frame, None, path)
    return period, {name: path for name, (path, _) in outputs.items()}


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
