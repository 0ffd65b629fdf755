"""One report model: every figure a period's reports show, computed once from the tables.

The PDF's context, the workbook (and any later edition) read this model and only format
it; none of them computes a figure of its own. It is built from the datasets compute and
ingest wrote, never from ingest's insides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clusterix_reports.compute.indicators import pro_rata_budget_eur
from clusterix_reports.narrative import Narrative
from clusterix_reports.periods import Coverage, Period, coverage
from clusterix_reports.pipeline import Pipeline

TREND_BREAKDOWNS = (("total", "total", None), ("spearhead", "cluster_type", "spearhead"))
TREND_BREAKDOWNS += (("ibn", "cluster_type", "ibn"),)


@dataclass(frozen=True)
class ManagerCounts:
    """An account manager's rows: loaded, set aside as duplicates, rejected ("" for none),
    and the latest date of the rows loaded (how far that manager's data reaches)."""

    name: str
    loaded: int
    duplicate: int
    rejected: int
    latest: dt.date | None = None


@dataclass(frozen=True)
class CallOutcome:
    """Intercluster projects over a span: submitted (by submission date), approved (counted
    as intercluster_projects_approved counts them), rejected (by submission date)."""

    span: str  # period | cumulative
    submitted: int
    approved: int
    rejected: int

    @property
    def success_pct(self) -> float | None:
        """Approved as a share of the decisions: approved and rejected (None without any)."""
        decided = self.approved + self.rejected
        return 100.0 * self.approved / decided if decided else None


@dataclass(frozen=True)
class TimelineStep:
    """An action-plan step as the timeline draws it."""

    label: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_end: dt.date | None
    actual_start: dt.date | None = None
    delayed: bool = False  # at the period end


@dataclass(frozen=True)
class ReportModel:
    """Everything one period's reports show, as values, before any formatting."""

    period: Period
    reporting_periods: tuple[str, ...]  # the pipeline's named periods holding this period
    data_through: dt.date | None  # the last date in the loaded service log
    coverage: Coverage  # how much of the period that data covers
    trend_status: tuple[str, ...]  # per trend period: complete, partial or no data yet
    indicators: pd.DataFrame  # the long indicator table (this period and the trend)
    totals: pd.DataFrame  # this period's headline rows, by indicator id
    trend_periods: tuple[str, ...]
    trend: dict[str, list[float]]  # clusters served per trend period: total, spearhead, ibn
    reach: list[float]  # clusters served since the programme start, per trend period
    service_ids: tuple[str, ...]  # the catalogue's services, by id
    uses_by_service: dict[str, list[float]]  # service uses per trend period, by service id
    uptake: pd.DataFrame  # service uses: clusters (rows, by name) x services (by id)
    cluster_names: dict[str, str]
    service_names: dict[str, str]
    peers: pd.DataFrame
    projects: pd.DataFrame
    calls: tuple[CallOutcome, ...]  # the period, and since the programme start
    steps: pd.DataFrame
    timeline: tuple[TimelineStep, ...]
    benchmark: pd.DataFrame
    budget_pro_rata_eur: tuple[float, float]  # the yearly range for the period's days
    budget: pd.DataFrame  # spend against the budget: the period, year to date, since the plan
    targets: pd.DataFrame  # every target of the pipeline, with what it is measured against
    managers: tuple[ManagerCounts, ...]
    clusters: pd.DataFrame
    services: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: pd.DataFrame  # rows set aside, with where the row kept came from
    service_log: pd.DataFrame  # every loaded row up to the period end, with its source
    ingest: dict[str, Any]
    inputs_fingerprint: str
    narrative: Narrative | None = None  # the analyst's words for the period, where written


def inputs_fingerprint(ingest: dict[str, Any]) -> str:
    """A short hash of every input file's path and content: equal inputs, equal fingerprint."""
    digest = hashlib.sha256()
    for f in sorted(ingest["files"], key=lambda f: f["path"]):
        digest.update(f"{f['path']}\0{f['sha256']}\n".encode())
    return digest.hexdigest()[:12]


def reporting_periods(pipeline: Pipeline, period: Period) -> tuple[str, ...]:
    """The pipeline's named reporting periods that hold the whole of `period`."""
    return tuple(
        name
        for name, (start, end) in pipeline.named_periods.items()
        if start <= period.start and period.end <= end
    )


def in_language(frame: pd.DataFrame, field: str, language: str) -> pd.Series:
    """A name column in the report's language (`name_nl`, `title_nl`, ...), the plain one
    where the reference data gives none in that language."""
    plain = frame[field]
    local = frame.get(f"{field}_{language}")
    if local is None:
        return plain
    return local.where(local.notna() & (local.astype(str).str.strip() != ""), plain)


def _day(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _series(indicators: pd.DataFrame, periods: list[str]) -> Any:
    """A function giving one indicator row's values over `periods` (an empty value is 0)."""
    by_key = {  # (indicator, breakdown, breakdown value or None for totals, period) -> value
        (i, b, None if b == "total" else v, p): x
        for i, b, v, p, x in zip(
            indicators["indicator_id"],
            indicators["breakdown"],
            indicators["breakdown_value"],
            indicators["period"],
            indicators["value"],
            strict=True,
        )
        if x == x
    }

    def series(indicator: str, breakdown: str, value: str | None) -> list[float]:
        return [float(by_key.get((indicator, breakdown, value, p), 0.0)) for p in periods]

    return series


def uptake_by_cluster(uptake: pd.DataFrame, service_ids: list[str], names: dict) -> pd.DataFrame:
    """Service uses per cluster (rows, sorted by name) and service (columns, by id)."""
    counts = uptake.pivot_table(
        index="cluster_id", columns="service_id", values="service_uses", aggfunc="sum", fill_value=0
    ).reindex(columns=service_ids, fill_value=0)
    return counts.loc[sorted(counts.index, key=lambda c: names.get(c, c))]


def _up_to(service_log: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The service-log rows dated up to the period end, by date then source."""
    days = service_log["date"].astype("datetime64[ns]")
    rows = service_log[days <= pd.Timestamp(period.end)]
    return rows.sort_values(["date", "source_file", "source_sheet", "source_row"], kind="stable")


def call_outcomes(projects: pd.DataFrame, period: Period) -> tuple[CallOutcome, ...]:
    """Submitted, approved and rejected intercluster projects in the period and since the
    programme start (the projects table flags what counts as approved in each)."""
    submitted = projects["submitted_on"].astype("datetime64[ns]")  # empty: in no span
    rejected = projects["status"] == "rejected"
    in_period = submitted.between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    by_end = submitted <= pd.Timestamp(period.end)
    return (
        CallOutcome(
            "period",
            int(in_period.sum()),
            int(projects["approved_in_period"].sum()),
            int((rejected & in_period).sum()),
        ),
        CallOutcome(
            "cumulative",
            int(by_end.sum()),
            int(projects["counted_cumulative"].sum()),
            int((rejected & by_end).sum()),
        ),
    )


def manager_counts(
    service_log: pd.DataFrame, duplicates: pd.DataFrame, rejected: pd.DataFrame
) -> tuple[ManagerCounts, ...]:
    """Rows loaded, duplicate and rejected per account manager, every manager named once."""
    columns = [f["account_manager"].fillna("") for f in (service_log, duplicates, rejected)]
    loaded, duplicate, refused = (c.value_counts() for c in columns)
    latest = service_log.groupby(columns[0])["date"].max()
    names = sorted(set(loaded.index) | set(columns[2]) | set(columns[1]))
    return tuple(
        ManagerCounts(
            m,
            int(loaded.get(m, 0)),
            int(duplicate.get(m, 0)),
            int(refused.get(m, 0)),
            _day(latest.get(m)),
        )
        for m in names
    )


def report_model(
    datasets: dict[str, Any],
    period: Period,
    pipeline: Pipeline,
    narrative: Narrative | None = None,
) -> ReportModel:
    """The model of one period's reports, from the datasets the render step reads
    (runner/steps.py, RENDER_INPUTS)."""
    indicators, language = datasets["indicators"], pipeline.language
    services, clusters = datasets["services"], datasets["clusters"]
    service_ids = sorted(services["service_id"])
    cluster_names = dict(
        zip(clusters["cluster_id"], in_language(clusters, "name", language), strict=True)
    )
    steps = datasets["steps"].assign(title=in_language(datasets["steps"], "title", language))
    scores = datasets["benchmark_scores"]
    criteria = dict(
        zip(scores["criterion"], in_language(scores, "criterion", language), strict=True)
    )
    benchmark = datasets["benchmark"].assign(
        criterion=datasets["benchmark"]["criterion"].map(lambda c: criteria.get(c, c))
    )
    periods = list(dict.fromkeys(indicators["period"]))
    series = _series(indicators, periods)
    totals = indicators[(indicators["period"] == period.id) & (indicators["breakdown"] == "total")]
    status = indicators.drop_duplicates("period").set_index("period")["data_status"]
    log_days = datasets["service_log"]["date"].dropna()
    first, last = (_day(log_days.min()), _day(log_days.max())) if len(log_days) else (None, None)
    low, high = pipeline.budget_yearly_eur
    return ReportModel(
        period=period,
        reporting_periods=reporting_periods(pipeline, period),
        data_through=last,
        coverage=coverage(period, first, last),
        trend_status=tuple(status.reindex(periods)),
        indicators=indicators,
        totals=totals.set_index("indicator_id"),
        trend_periods=tuple(periods),
        trend={key: series("clusters_served", b, v) for key, b, v in TREND_BREAKDOWNS},
        reach=series("clusters_served_cumulative", "total", None),
        service_ids=tuple(service_ids),
        uses_by_service={s: series("service_uses", "service", s) for s in service_ids},
        uptake=uptake_by_cluster(datasets["uptake"], service_ids, cluster_names),
        cluster_names=cluster_names,
        service_names=dict(
            zip(services["service_id"], in_language(services, "name", language), strict=True)
        ),
        peers=datasets["peers"],
        projects=datasets["projects"],
        calls=call_outcomes(datasets["projects"], period),
        steps=steps,
        timeline=tuple(
            TimelineStep(
                f"{s.step}. {s.title}",
                _day(s.planned_start),
                _day(s.planned_end),
                _day(s.actual_end),
                _day(getattr(s, "actual_start", None)),
                s.status == "delayed",
            )
            for s in steps.itertuples(index=False)
        ),
        benchmark=benchmark,
        budget_pro_rata_eur=(pro_rata_budget_eur(low, period), pro_rata_budget_eur(high, period)),
        budget=datasets["budget"],
        targets=datasets["targets"],
        managers=manager_counts(
            datasets["service_log"], datasets["duplicate_rows"], datasets["rejected_rows"]
        ),
        clusters=clusters,
        services=services,
        rejected=datasets["rejected_rows"],
        duplicates=datasets["duplicate_rows"],
        service_log=_up_to(datasets["service_log"], period),
        ingest=datasets["ingest_record"],
        inputs_fingerprint=inputs_fingerprint(datasets["ingest_record"]),
        narrative=narrative,
    )
