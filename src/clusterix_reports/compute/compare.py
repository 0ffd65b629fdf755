"""Comparisons: against the cluster policy benchmark, and each cluster against its peers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterix_reports.compute import indicators as ind
from clusterix_reports.ingest.vocabulary import fold
from clusterix_reports.periods import Period

BENCHMARK_COLUMNS = (
    "criterion",
    "year",
    "score",
    "portfolio_mean",
    "portfolio_median",
    "difference",
    "position",
    "regions",
    "baseline_year",
    "baseline_score",
    "baseline_portfolio_mean",
    "baseline_position",
    "score_change",
    "difference_change",
)
PEER_COLUMNS = (
    "cluster_id",
    "name",
    "cluster_type",
    "active",
    "service_uses",
    "participants",
    "peer_median",
    "peer_ratio",
)


def benchmark_year_rows(benchmark: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rows of the latest benchmark year not after the period's end (all rows without years)."""
    if benchmark["year"].isna().all():
        return benchmark
    years = benchmark["year"].dropna()
    eligible = years[years <= period.end.year]
    if eligible.empty:
        return benchmark.iloc[0:0]
    return benchmark[benchmark["year"] == eligible.max()]


def position_label(difference: float, tolerance: float) -> str:
    """`above` beyond +tolerance, `below` beyond -tolerance, `around` otherwise (bounds included)."""
    rounded = round(difference, 9)
    if rounded > tolerance:
        return "above"
    if rounded < -tolerance:
        return "below"
    return "around"


def _year_comparison(rows: pd.DataFrame, region: str, tolerance: float) -> pd.DataFrame:
    """Per criterion of one year's rows: the region's score against the portfolio of the
    regions scored that year (the region itself included)."""
    out = []
    is_region = rows["region"].map(fold) == fold(region)
    for criterion, group in rows.groupby("criterion", sort=False):
        own = group.loc[is_region[group.index], "score"]
        score = float(own.mean()) if len(own) else np.nan
        mean, median = float(group["score"].mean()), float(group["score"].median())
        difference = score - mean if len(own) else np.nan
        year = group["year"].dropna()
        out.append(
            {
                "criterion": criterion,
                "year": int(year.max()) if len(year) else None,
                "score": score,
                "portfolio_mean": mean,
                "portfolio_median": median,
                "difference": difference,
                "position": position_label(difference, tolerance) if len(own) else None,
                "regions": int(group["region"].map(fold).nunique()),
            }
        )
    return pd.DataFrame(out, columns=list(BENCHMARK_COLUMNS[:8]))


def benchmark_comparison(
    benchmark: pd.DataFrame, region: str, period: Period, tolerance: float
) -> pd.DataFrame:
    """Per criterion: the region's score against the portfolio mean and median; no ranking.

    With an earlier year in the file (the baseline: its earliest year), the baseline's score,
    mean and position beside the current year's, and the changes since."""
    current = _year_comparison(benchmark_year_rows(benchmark, period), region, tolerance)
    years = benchmark["year"].dropna()
    current_year = current["year"].dropna()
    baseline_year = int(years.min()) if len(years) else None
    frame = current.assign(
        baseline_year=None,
        baseline_score=np.nan,
        baseline_portfolio_mean=np.nan,
        baseline_position=None,
    )
    if baseline_year is not None and len(current_year) and baseline_year < current_year.max():
        base = _year_comparison(benchmark[benchmark["year"] == baseline_year], region, tolerance)
        base = base.set_index("criterion").reindex(current["criterion"])
        frame["baseline_year"] = baseline_year
        frame["baseline_score"] = base["score"].to_numpy(dtype="float64")
        frame["baseline_portfolio_mean"] = base["portfolio_mean"].to_numpy(dtype="float64")
        frame["baseline_position"] = base["position"].to_numpy(dtype=object)
        baseline_difference = base["difference"].to_numpy(dtype="float64")
    else:
        baseline_difference = np.full(len(frame), np.nan)
    frame["score_change"] = frame["score"] - frame["baseline_score"]
    frame["difference_change"] = frame["difference"] - baseline_difference
    for column in ("year", "baseline_year"):
        frame[column] = frame[column].astype("Int64")
    return frame[list(BENCHMARK_COLUMNS)]


def peer_comparison(
    service_log: pd.DataFrame, clusters: pd.DataFrame, period: Period
) -> pd.DataFrame:
    """Each cluster's service uses against the median of the active clusters of its type."""
    uses = ind.uses_in(service_log, period.start, period.end)
    counts = uses.groupby("cluster_id").size()
    people = uses.groupby("cluster_id")["participants"].sum(min_count=0)
    active = ind.active_cluster_ids(clusters, period)
    frame = clusters[["cluster_id", "name", "cluster_type"]].copy()
    frame["active"] = frame["cluster_id"].isin(active)
    frame["service_uses"] = frame["cluster_id"].map(counts).fillna(0).astype("int64")
    frame["participants"] = frame["cluster_id"].map(people).fillna(0).astype("int64")
    medians = frame[frame["active"]].groupby("cluster_type")["service_uses"].median()
    frame["peer_median"] = frame["cluster_type"].map(medians).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame["service_uses"] / frame["peer_median"]
    frame["peer_ratio"] = ratio.where(np.isfinite(ratio))
    return frame.sort_values(["cluster_type", "name"], kind="stable")[
        list(PEER_COLUMNS)
    ].reset_index(drop=True)


def uptake_matrix(service_log: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Service uses per cluster and service in the period, in long form."""
    uses = ind.uses_in(service_log, period.start, period.end)
    counts = uses.groupby(["cluster_id", "service_id"]).size().rename("service_uses")
    return counts.reset_index().sort_values(["cluster_id", "service_id"]).reset_index(drop=True)
