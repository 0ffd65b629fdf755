"""Figures that never mislead through time: as-of statuses, partial periods, refused periods,
end targets, the budget's scope and the benchmark's baseline; each against values computed
by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from clusterix_reports.compute import indicators as ind
from clusterix_reports.compute.budget import budget_table
from clusterix_reports.compute.compare import benchmark_comparison
from clusterix_reports.compute.table import Tables
from clusterix_reports.compute.targets import target_table
from clusterix_reports.periods import Period, coverage, parse_period
from clusterix_reports.pipeline import load_pipeline

from conftest import HEADER_LOG, PIPELINE
from sheetwriters import write_xlsx

D, T = dt.date, pd.Timestamp
NAMED = {"P10": (D(2020, 10, 1), D(2021, 3, 31))}


def period(text: str) -> Period:
    found = parse_period(text, NAMED)
    assert found is not None
    return found


PLAN = pd.DataFrame(
    {
        "step": ["1", "2", "3", "4"],
        "planned_start": [T("2019-01-01"), T("2019-01-01"), T("2020-01-01"), T("2019-01-01")],
        "planned_end": [T("2019-12-31"), T("2021-06-30"), T("2021-06-30"), T("2021-06-30")],
        # reported as of the last day of data, 2020-12-28:
        "status": ["completed", "ongoing", "not started", "ongoing"],
        "actual_end": [T("2019-06-15"), pd.NaT, pd.NaT, pd.NaT],
        "actual_start": [pd.NaT, pd.NaT, pd.NaT, T("2019-09-01")],
    }
)
THROUGH = D(2020, 12, 28)


def test_a_step_completed_after_a_period_s_end_is_not_completed_in_that_period() -> None:
    # 2019Q1: step 1 ends 2019-06-15, after 31 March: under way; step 4 started 1 September
    # (its actual start beats its planned one), so not yet started
    assert ind.effective_step_status(PLAN, period("2019Q1"), THROUGH).tolist() == [
        "ongoing",
        "ongoing",
        "not started",
        "not started",
    ]
    # 2019Q2: step 1 completed on 15 June, inside the quarter
    assert ind.effective_step_status(PLAN, period("2019Q2"), THROUGH).tolist()[0] == "completed"


def test_a_step_reported_not_started_stays_not_started_in_the_past_and_the_delay_rule_applies() -> (
    None
):
    # 2020Q1: step 3 planned to start 2020-01-01 but reported not started: not started
    assert ind.effective_step_status(PLAN, period("2020Q1"), THROUGH).tolist()[2] == "not started"
    # a past period after a step's planned end: delayed, whatever the dates say
    late = PLAN.assign(
        planned_end=[T("2019-12-31"), T("2019-03-31"), T("2021-06-30"), T("2021-06-30")]
    )
    assert ind.effective_step_status(late, period("2019Q2"), THROUGH).tolist()[1] == "delayed"


def test_the_reported_status_counts_from_the_last_day_of_data_on() -> None:
    q4 = period("2020Q4")  # ends 31 December, after 28 December
    assert ind.steps_by_status(PLAN, q4, THROUGH) == {
        "completed": 1,
        "ongoing": 2,
        "not started": 1,
    }
    # before the data ends, 2016Q2 shows no step under way or completed
    assert ind.steps_by_status(PLAN, period("2016Q2"), THROUGH) == {"not started": 4}


def test_a_named_period_half_covered_by_data_is_partial_with_its_share_of_days() -> None:
    p10 = period("P10")  # 182 days; 1 October to 28 December is 89 of them
    found = coverage(p10, D(2017, 1, 3), THROUGH)
    assert found.status == "partial" and found.pct == pytest.approx(100 * 89 / 182)
    # 2020Q4 ends 3 days after the data: complete (14 days are allowed), 89 of 92 days
    q4 = coverage(period("2020Q4"), D(2017, 1, 3), THROUGH)
    assert q4.status == "complete" and q4.pct == pytest.approx(100 * 89 / 92)
    # a period before the first export has no data yet
    assert coverage(period("2016Q4"), D(2017, 1, 3), THROUGH).status == "no data yet"


def test_budget_spend_leaves_out_excluded_services_and_counts_uses_without_cost() -> None:
    log = pd.DataFrame(
        {
            "cluster_id": ["C1", "C1", "C2", "C2"],
            "service_id": ["ACM", "ICM", "ACM", "ICM"],
            "date": pd.to_datetime(["2020-10-05", "2020-11-05", "2020-12-05", "2020-12-06"]),
            "participants": [1.0, 1.0, 1.0, 1.0],
            "cost_eur": [1000.0, 5000.0, None, 250.0],
        }
    )
    q4 = period("2020Q4")
    assert ind.spend_eur(log, q4) == 6250.0
    assert ind.budget_spend_eur(log, q4, frozenset({"ICM"})) == 1000.0
    assert ind.uses_without_cost(log, q4) == 1
    budget = 200_000 * 92 / 366  # 2020 is a leap year
    assert ind.budget_use_pct(log, q4, 200_000, frozenset({"ICM"})) == pytest.approx(
        100 * 1000 / budget
    )


def _tables(log: pd.DataFrame) -> Tables:
    empty = pd.DataFrame()
    return Tables(log, empty, empty, empty, empty, empty, excluded_services=frozenset({"ICM"}))


def test_the_budget_table_shows_the_period_the_year_to_date_and_since_the_plan(tmp_path) -> None:
    pipeline = load_pipeline(_pipeline_file(tmp_path, ""))  # action plan from 2019-04-01
    log = pd.DataFrame(
        {
            "cluster_id": ["C1"] * 3,
            "service_id": ["ACM", "ICM", "ACM"],
            "date": pd.to_datetime(["2019-05-01", "2019-11-05", "2019-11-20"]),
            "participants": [1.0] * 3,
            "cost_eur": [300.0, 5000.0, None],
        }
    )
    table = budget_table(_tables(log), period("2019Q4"), pipeline).set_index("scope")
    assert list(table.index) == ["period", "year_to_date", "since_action_plan"]
    assert table.loc["period", ["budget_spend_eur", "excluded_spend_eur"]].tolist() == [0.0, 5000.0]
    assert table.loc["period", "uses_without_cost"] == 1
    assert table.loc["year_to_date", "budget_spend_eur"] == 300.0
    assert table.loc["year_to_date", "budget_high_eur"] == pytest.approx(200_000.0)
    assert table.loc["since_action_plan", "start"] == D(2019, 4, 1)
    assert table.loc["since_action_plan", "budget_high_eur"] == pytest.approx(200_000 * 275 / 365)
    assert table.loc["period", "excluded_services"] == "ICM"


def test_a_two_year_benchmark_shows_the_change_since_the_baseline_per_region_scored() -> None:
    bench = pd.DataFrame(
        {
            "criterion": ["A", "A", "A", "A", "B", "B", "B"],
            "region": ["Flanders", "X", "Flanders", "X", "X", "Flanders", "X"],
            "score": [2.0, 4.0, 3.0, 3.0, 1.0, 4.0, 2.0],
            "year": [2017, 2017, 2020, 2020, 2017, 2020, 2020],
        }
    )
    table = benchmark_comparison(bench, "Flanders", period("2020Q4"), 0.25).set_index("criterion")
    a, b = table.loc["A"], table.loc["B"]
    # A: 2017 Flanders 2 against a mean of 3 (-1, below); 2020: 3 against 3 (0, around)
    assert (a["year"], a["baseline_year"]) == (2020, 2017)
    assert (a["baseline_score"], a["baseline_portfolio_mean"], a["baseline_position"]) == (
        2.0,
        3.0,
        "below",
    )
    assert (a["score_change"], a["difference_change"]) == (1.0, 1.0)
    assert a["position"] == "around"
    # B: Flanders scored in 2020 only: no baseline score, no change
    assert pd.isna(b["baseline_score"]) and pd.isna(b["score_change"])
    assert b["baseline_portfolio_mean"] == 1.0 and b["regions"] == 2
    # a 2017 report: the baseline is its own year, the columns stay empty
    early = benchmark_comparison(bench, "Flanders", period("2017Q4"), 0.25)
    assert early["baseline_score"].isna().all() and early["score_change"].isna().all()


def test_every_target_is_in_every_report_with_its_progress(tmp_path) -> None:
    text = '[targets]\nclusters_served = { "2019Q4" = 4, "2020Q4" = 6, "2021-03-31" = 8 }\n'
    pipeline = load_pipeline(_pipeline_file(tmp_path, text))
    served = {"2019Q4": 5.0, "2020Q4": 7.0}

    def values_of(p: Period) -> dict[str, float]:
        return {"clusters_served": served.get(p.id, 0.0)}

    table = target_table(period("2020Q4"), pipeline, values_of)
    rows = table[["target_for", "relation", "value_period", "value", "reached"]].values.tolist()
    assert rows == [
        ["2019Q4", "earlier", "2019Q4", 5.0, True],
        ["2020Q4", "this period", "2020Q4", 7.0, True],
        ["2021-03-31", "end target", "2020Q4", 7.0, False],  # 7 of 8: not yet
    ]
    assert table["pct_of_target"].tolist() == pytest.approx([125.0, 700 / 6, 87.5])


def _pipeline_file(tmp_path, extra: str):
    text = PIPELINE.replace('[targets]\nclusters_served = { "2019Q4" = 4 }\n', "") + extra
    path = tmp_path / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "asked, words",
    [
        ("2016Q1", "ends before the programme starts on 2016-04-01"),
        ("2031Q1", "after the data, which runs through 2019-11-05"),
        ("9999Q4", "after the data, which runs through 2019-11-05"),
        ("2262Q2", "after the data, which runs through 2019-11-05"),
        ("0000Q1", "is not a period"),
    ],
)
def test_a_period_before_the_programme_or_after_the_data_is_refused_and_nothing_written(
    workspace, run_cli, capsys, asked, words
) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4]])]
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", asked) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not workspace.outputs.exists()  # nothing written


def test_run_json_records_how_far_the_data_reaches(workspace, run_cli) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 8, 14), 4]])]
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019H2") == 0
    record = json.loads((workspace.outputs / "reports" / "2019H2" / "run.json").read_text())
    # 1 July to 14 August: 45 of the half-year's 184 days
    assert (record["data_through"], record["partial"]) == ("2019-08-14", True)
    assert record["coverage_pct"] == round(100 * 45 / 184, 1)
    indicators = pd.read_parquet(
        workspace.outputs / "reports" / "2019H2" / "indicators-2019H2.parquet"
    )
    statuses = indicators.drop_duplicates("period").set_index("period")["data_status"]
    assert statuses["2019H2"] == "partial" and statuses["2019H1"] == "no data yet"
    totals = indicators[indicators["breakdown"] == "total"].set_index(["period", "indicator_id"])
    # before the first export the service log's figures are empty, never 0; the registry's stand
    assert pd.isna(totals.loc[("2019H1", "clusters_served"), "value"])
    assert totals.loc[("2019H1", "active_clusters"), "value"] > 0
    assert totals.loc[("2019H2", "clusters_served"), "value"] == 1


@pytest.mark.parametrize(
    "change, words",
    [
        (
            lambda t: t.replace("[budget]", "[benchmark]\ntolerance = 0\n[budget]"),
            "tolerance must be a number above 0",
        ),
        (
            lambda t: t.replace("[budget]", "[benchmark]\ntolerance = nan\n[budget]"),
            "tolerance is nan",
        ),
        (lambda t: t.replace("[150000, 200000]", "[200000, 150000]"), "0 <= low <= high"),
        (lambda t: t.replace("[150000, 200000]", "[-1, 2]"), "0 <= low <= high"),
        (lambda t: t.replace("P7 = [", "2019Q3 = ["), "would hide the calendar period"),
        (lambda t: t.replace("P7 = [", '"P 7" = ['), "letters, digits, _ and - only"),
        (lambda t: t.replace("P7 = [2019-04-01", "P7 = [2015-04-01"), "lies outside the programme"),
        (lambda t: t.replace("end = 2021-03-31", "end = 9999-12-31"), "more than 50 years after"),
        (
            lambda t: t + "\n[limits]\nrender_seconds = 99999999\n",
            "render_seconds must be a whole number from 1",
        ),
        (lambda t: t.replace('"2019Q4" = 4', '"2019Q4" = inf'), "is inf; write a finite number"),
    ],
)
def test_pipeline_values_are_checked(workspace, run_cli, capsys, change, words) -> None:
    workspace.pipeline_file.write_text(change(PIPELINE))
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_every_pipeline_mistake_is_reported_at_once_with_did_you_mean(
    workspace, run_cli, capsys
) -> None:
    text = (
        PIPELINE.replace('default = "quarter"', 'default = "quartr"').replace(
            "clusters_served = {", "clusters_servd = {"
        )
        + "\n[benchmark]\ntolerans = 0.3\n"
    )
    workspace.pipeline_file.write_text(text)
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 2
    err = capsys.readouterr().err
    assert "3 mistakes" in err
    for hint in (
        "did you mean 'quarter'?",
        "did you mean 'clusters_served'?",
        "did you mean 'tolerance'?",
    ):
        assert hint in err


def test_an_excluded_service_the_catalogue_does_not_know_is_refused(
    workspace, run_cli, capsys
) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4]])]
    )
    text = PIPELINE.replace("[budget]\n", '[budget]\nexcluded_services = ["Nothing such"]\n')
    workspace.pipeline_file.write_text(text)
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 2
    assert "excluded_services names 'Nothing such'" in capsys.readouterr().err
