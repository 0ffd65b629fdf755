"""Indicators and comparisons, against values computed by hand on small tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.compare import benchmark_comparison, peer_comparison, position_label
from clusterix_reports.compute.table import Tables, indicator_table
from clusterix_reports.periods import parse_period
from clusterix_reports.pipeline import load_pipeline

from conftest import PIPELINE

T = pd.Timestamp
NAMED = {"P7": (dt.date(2019, 4, 1), dt.date(2019, 9, 30))}


def period(text: str):
    return parse_period(text, NAMED)


def log(*rows) -> pd.DataFrame:
    """Service-log rows: (cluster, service, date, participants, cost)."""
    frame = pd.DataFrame(
        rows, columns=["cluster_id", "service_id", "date", "participants", "cost_eur"]
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return frame


CLUSTERS = pd.DataFrame(
    {
        "cluster_id": ["C1", "C2", "C3", "C4"],
        "name": ["One", "Two", "Three", "Four"],
        "cluster_type": ["spearhead", "ibn", "ibn", "spearhead"],
        "recognised_from": [T("2016-01-01"), T("2017-01-01"), T("2019-05-01"), T("2016-01-01")],
        "funding_end": [pd.NaT, T("2019-06-30"), pd.NaT, pd.NaT],
    }
)
SERVICES = pd.DataFrame(
    {
        "service_id": ["S1", "S2", "S3"],
        "launched": [T("2016-04-01"), T("2019-04-01"), T("2020-02-01")],
    }
)
LOG = log(
    ("C1", "S1", "2019-03-31", 5, 100.0),  # last day of 2019Q1
    ("C1", "S1", "2019-04-01", None, 50.0),  # first day of 2019Q2
    ("C2", "S2", "2019-06-30", 3, None),  # funding ends that day
    ("C2", "S1", "2019-07-15", 2, 10.0),  # served after its funding ended
    ("C3", "S2", "2019-08-01", 4, 40.0),
    ("C1", "S2", "2018-07-01", 1, 0.0),
)


def test_clusters_served_counts_distinct_clusters_with_boundary_days_inside() -> None:
    assert ind.clusters_served(LOG, period("2019Q1")) == 1
    assert ind.clusters_served(LOG, period("2019Q2")) == 2  # C1 on 1 April, C2 on 30 June
    assert ind.clusters_served(LOG, period("2019Q3")) == 2  # C2 after its funding, C3
    assert ind.clusters_served(LOG, period("2019")) == 3
    assert ind.clusters_served_cumulative(LOG, period("2019Q1"), dt.date(2016, 4, 1)) == 1


def test_a_cluster_served_after_its_funding_ended_counts_as_served_not_in_coverage() -> None:
    q3 = period("2019Q3")
    assert ind.active_cluster_ids(CLUSTERS, q3) == {"C1", "C3", "C4"}
    assert ind.active_clusters(CLUSTERS, q3) == 3
    assert ind.coverage_pct(LOG, CLUSTERS, q3) == pytest.approx(100 * 1 / 3)  # only C3 of C2, C3


def test_a_reporting_period_straddling_two_quarters() -> None:
    p7 = period("P7")
    assert ind.clusters_served(LOG, p7) == 3  # C1 (Apr), C2 (Jun, Jul), C3 (Aug)
    assert ind.service_uses(LOG, p7) == 4
    assert ind.participants(LOG, p7) == 0 + 3 + 2 + 4  # an empty cell counts as 0
    assert ind.services_in_use(LOG, p7) == 2
    assert ind.spend_eur(LOG, p7) == 100.0


def test_coverage_is_empty_when_no_cluster_is_active() -> None:
    assert ind.coverage_pct(LOG, CLUSTERS, period("2015Q1")) is None
    assert ind.clusters_served(LOG, period("2017Q1")) == 0


def test_budget_use_in_a_leap_year_quarter_and_across_years() -> None:
    spend = log(("C1", "S1", "2020-02-29", 0, 10_000.0), ("C1", "S1", "2019-12-31", 0, 1_000.0))
    q1 = period("2020Q1")
    assert ind.pro_rata_budget_eur(200_000, q1) == pytest.approx(200_000 * 91 / 366)
    assert ind.budget_use_pct(spend, q1, 200_000) == pytest.approx(
        100 * 10_000 / (200_000 * 91 / 366)
    )
    winter = parse_period("W", {"W": (dt.date(2019, 12, 1), dt.date(2020, 2, 29))})
    budget = 200_000 * 31 / 365 + 200_000 * 60 / 366
    assert ind.budget_use_pct(spend, winter, 200_000) == pytest.approx(100 * 11_000 / budget)
    assert ind.budget_use_pct(spend, q1, 0) is None


def test_services_launched_since_the_action_plan_start() -> None:
    start = dt.date(2019, 4, 1)
    assert ind.services_launched_cumulative(SERVICES, period("2019Q1"), start) == 0
    assert ind.services_launched_cumulative(SERVICES, period("2019Q2"), start) == 1
    assert ind.services_launched_cumulative(SERVICES, period("2020"), start) == 2


PROJECTS = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3", "P4", "P5"],
        "cluster_ids": [["C1", "C2"], ["C1"], ["C1", "C3"], ["C2", "C4"], ["C1", "C1"]],
        "status": ["approved", "approved", "rejected", "completed", "running"],
        "approved_on": [
            T("2019-05-01"),
            T("2019-05-02"),
            T("2019-05-03"),
            T("2018-01-10"),
            T("2019-05-04"),
        ],
        "budget_eur": [100.0, 200.0, 300.0, 400.0, 500.0],
    }
)


def test_projects_need_two_distinct_clusters_and_an_approved_status() -> None:
    q2 = period("2019Q2")
    assert (
        ind.intercluster_projects_approved(PROJECTS, q2) == 1
    )  # P1; P2 one cluster, P3 rejected, P5 one distinct
    assert ind.intercluster_budget_eur(PROJECTS, q2) == 100.0
    assert ind.intercluster_projects_cumulative(PROJECTS, q2, dt.date(2016, 4, 1)) == 2  # P1 and P4


PLAN = pd.DataFrame(
    {
        "step": ["1", "2", "3", "4", "5"],
        "status": ["completed", "ongoing", "not started", "ongoing", "delayed"],
        "planned_end": [
            T("2017-06-30"),
            T("2019-03-31"),
            T("2020-01-31"),
            T("2020-10-31"),
            T("2021-01-31"),
        ],
    }
)


def test_a_step_past_its_planned_end_counts_as_delayed_whatever_its_status() -> None:
    q2 = period("2019Q2")
    assert ind.effective_step_status(PLAN, q2).tolist() == [
        "completed",
        "delayed",
        "not started",
        "ongoing",
        "delayed",
    ]
    counts = ind.steps_by_status(PLAN, q2)
    assert (counts["delayed"], counts["ongoing"]) == (2, 1)
    assert ind.steps_by_status(PLAN, period("2020Q4"))["delayed"] == 4


def test_benchmark_position_against_the_portfolio_with_the_tolerance_inclusive() -> None:
    bench = pd.DataFrame(
        {
            "criterion": ["A"] * 3 + ["B"] * 3 + ["C"] * 2,
            "region": ["Flanders", "X", "Y", "flanders", "X", "Y", "Flanders", "X"],
            "score": [3.25, 3.0, 2.75, 4.0, 2.0, 3.0, 1.0, 1.0],
            "year": [2017] * 8,
        }
    )
    table = benchmark_comparison(bench, "Flanders", period("2019Q4"), 0.25).set_index("criterion")
    assert table.loc["A", "portfolio_mean"] == pytest.approx(3.0)
    assert table.loc["A", "difference"] == pytest.approx(0.25)
    assert table.loc["A", "position"] == "around"  # exactly at the tolerance
    assert table.loc["B", "portfolio_median"] == 3.0
    assert table.loc["B", "difference"] == pytest.approx(1.0)
    assert table.loc["B", "position"] == "above"
    assert table.loc["C", "position"] == "around"
    assert position_label(-0.2500001, 0.25) == "below"


def test_benchmark_uses_the_latest_year_not_after_the_period() -> None:
    bench = pd.DataFrame(
        {
            "criterion": ["A"] * 4,
            "region": ["Flanders", "X"] * 2,
            "score": [1.0, 2.0, 5.0, 4.0],
            "year": [2017, 2017, 2020, 2020],
        }
    )
    assert benchmark_comparison(bench, "Flanders", period("2019Q4"), 0.25)["score"].tolist() == [
        1.0
    ]
    assert benchmark_comparison(bench, "Flanders", period("2020Q1"), 0.25)["score"].tolist() == [
        5.0
    ]
    no_years = bench.assign(year=pd.NA)
    assert benchmark_comparison(no_years, "Flanders", period("2019Q4"), 0.25)["score"].tolist() == [
        3.0
    ]


def test_each_cluster_against_the_median_of_its_active_peers() -> None:
    peers = peer_comparison(LOG, CLUSTERS, period("2019Q3")).set_index("cluster_id")
    # active in Q3: C1, C4 (spearhead) and C3 (ibn); C2's funding ended in June
    assert peers.loc["C1", "service_uses"] == 0 and peers.loc["C4", "peer_median"] == 0
    assert pd.isna(peers.loc["C1", "peer_ratio"])  # a median of 0 gives no ratio
    assert peers.loc["C3", "peer_median"] == 1 and peers.loc["C3", "peer_ratio"] == 1
    assert peers.loc["C2", "peer_ratio"] == 1 and not peers.loc["C2", "active"]


def tables(service_log: pd.DataFrame = LOG) -> Tables:
    return Tables(
        service_log,
        CLUSTERS,
        SERVICES,
        PROJECTS,
        PLAN,
        pd.DataFrame(columns=["criterion", "region", "score", "year"]),
    )


@pytest.fixture
def pipeline(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        PIPELINE.replace(
            'clusters_served = { "2019Q4" = 4 }',
            'clusters_served = { "2019Q3" = 4, "2021-03-31" = 10 }',
        )
    )
    return load_pipeline(path)


def test_indicator_table_carries_trend_comparisons_and_targets(pipeline) -> None:
    table = indicator_table(tables(), period("2019Q3"), pipeline)
    total = table[
        (table["indicator_id"] == "clusters_served") & (table["breakdown"] == "total")
    ].set_index("period")
    assert total.index[0] == "2016Q2" and total.index[-1] == "2019Q3"  # since the programme start
    row = total.loc["2019Q3"]
    assert (row.value, row.previous_value, row.year_ago_value) == (2, 2, 1)  # 2018Q3: C1
    assert (row.change_abs, row.change_pct) == (0, 0)
    assert (row.target, row.pct_of_target) == (4, 50)
    assert row.cumulative_value == 3
    assert pd.isna(total.loc["2016Q2", "previous_value"])  # 2016Q1 precedes the programme
    assert pd.isna(total.loc["2019Q2", "target"])
    q2 = total.loc["2019Q2"]
    assert q2.change_pct == 100.0  # from 1 to 2
    empty_previous = total.loc["2018Q3"]
    assert pd.isna(empty_previous.change_pct)  # 2018Q2 had 0: no relative change


def test_breakdowns_add_up_for_counts_and_sums(pipeline) -> None:
    table = indicator_table(tables(), period("P7"), pipeline)
    p7 = table[table["period"] == "P7"]
    total = p7[(p7["indicator_id"] == "service_uses") & (p7["breakdown"] == "total")]["value"].iloc[
        0
    ]
    by_type = p7[(p7["indicator_id"] == "service_uses") & (p7["breakdown"] == "cluster_type")]
    assert dict(zip(by_type["breakdown_value"], by_type["value"], strict=True)) == {
        "ibn": 3,
        "spearhead": 1,
    }
    assert by_type["value"].sum() == total == 4


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2", "C3", "C4"]),
            st.sampled_from(["S1", "S2", "S3"]),
            st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2019, 12, 31)),
            st.one_of(st.none(), st.integers(0, 50)),
        ),
        max_size=30,
    )
)
def test_breakdown_rows_add_up_and_distinct_counts_never_exceed_the_total(rows) -> None:
    from clusterix_reports.compute.table import breakdowns, with_cluster_type

    service_log = log(*[(c, s, d.isoformat(), p, 1.0) for c, s, d, p in rows])
    year = period("2019")
    parts = pd.DataFrame(
        breakdowns(with_cluster_type(tables(service_log)), year),
        columns=["indicator", "breakdown", "label", "value"],
    )
    head = {
        "service_uses": ind.service_uses(service_log, year),
        "participants": ind.participants(service_log, year),
        "clusters_served": ind.clusters_served(service_log, year),
    }
    for breakdown in ("cluster_type", "service"):
        part = parts[parts["breakdown"] == breakdown].groupby("indicator")["value"]
        assert part.sum()["service_uses"] == head["service_uses"]
        assert part.sum()["participants"] == head["participants"]
        assert part.max()["clusters_served"] <= head["clusters_served"]
        assert part.sum()["clusters_served"] >= head["clusters_served"]


def test_every_indicator_is_documented_for_users() -> None:
    from pathlib import Path

    from clusterix_reports.compute.definitions import DEFINITIONS

    text = (Path(__file__).resolve().parents[1] / "docs" / "indicators.md").read_text()
    for definition in DEFINITIONS:
        assert f"| `{definition.id}` | {definition.definition} |" in text
