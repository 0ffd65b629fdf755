"""The command line: commands, outputs, exit codes and one-sentence errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from conftest import PIPELINE, Workspace
from sheetwriters import write_xlsx

HEADER = ["Cluster", "Service", "Date", "Participants"]


def add_log(ws: Workspace, *rows) -> None:
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER, *rows])])


def test_run_writes_the_data_tables_and_the_period_tables(workspace, run_cli, capsys) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4], ["C2", "S1", dt.date(2019, 11, 3), 2])
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 0
    data = workspace.outputs / "data"
    for name in (
        "clusters",
        "services",
        "service_log",
        "intercluster_projects",
        "action_plan",
        "benchmark_scores",
        "rejected_rows",
    ):
        assert (data / f"{name}.parquet").is_file()
    record = json.loads((data / "ingest.json").read_text())
    assert record["totals"]["rows_loaded"] >= 2
    assert str(workspace.root) not in (data / "ingest.json").read_text()
    report = workspace.outputs / "reports" / "2019Q4"  # the latest quarter with service-log data
    indicators = pq.read_table(report / "indicators-2019Q4.parquet").to_pandas()
    served = indicators.query(
        "indicator_id == 'clusters_served' and breakdown == 'total' and period == '2019Q4'"
    )
    assert served["value"].tolist() == [1.0]
    assert pq.read_table(report / "benchmark-2019Q4.parquet").column_names[:7] == [
        "criterion",
        "year",
        "score",
        "portfolio_mean",
        "portfolio_median",
        "difference",
        "position",
    ]
    assert "clusters served 1" in capsys.readouterr().out


@pytest.mark.parametrize("asked", ["2019Q2", "2019H1", "2019", "P7"])
def test_run_for_every_kind_of_period(workspace, run_cli, asked) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4])
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", asked) == 0
    table = pq.read_table(
        workspace.outputs / "reports" / asked / f"indicators-{asked}.parquet"
    ).to_pandas()
    assert table["period"].iloc[-1] == asked
    assert table.query(
        f"period == '{asked}' and indicator_id == 'clusters_served' and breakdown == 'total'"
    )["value"].tolist() == [1.0]


def test_inputs_and_outputs_options_override_the_pipeline(workspace, run_cli, tmp_path) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4])
    elsewhere = tmp_path / "elsewhere"
    assert (
        run_cli(
            "ingest",
            "--pipeline",
            workspace.pipeline_file,
            "--inputs",
            workspace.inputs,
            "--outputs",
            elsewhere,
        )
        == 0
    )
    assert (elsewhere / "data" / "service_log.parquet").is_file()
    assert not (workspace.outputs / "data").exists()


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda t: t + "\n[extra]\nx = 1\n", "unknown section [extra]"),
        (
            lambda t: t.replace('region = "Flanders"', 'region = "Flanders"\ncolour = "red"'),
            "unknown key 'colour'",
        ),
        (lambda t: t.replace("start = 2016-04-01\n", ""), "missing the key 'start'"),
        (lambda t: t.replace("end = 2021-03-31", 'end = "soon"'), "end must be a date"),
        (lambda t: t.replace("yearly_eur = [150000, 200000]", 'yearly_eur = "lots"'), "yearly_eur"),
        (
            lambda t: t.replace(
                'clusters_served = { "2019Q4" = 4 }', 'clusters_servd = { "2019Q4" = 4 }'
            ),
            "clusters_servd is not an indicator",
        ),
        (lambda t: t + "[report]\nlanguage = 'fr'\n", "language must be one of en, nl"),
        (lambda t: t.replace("[programme", "programme"), "not valid TOML"),
    ],
)
def test_a_bad_pipeline_file_exits_2_with_one_sentence(
    workspace, run_cli, capsys, change, words
) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4])
    workspace.pipeline_file.write_text(change(PIPELINE))
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 2
    err = capsys.readouterr().err
    assert words in err and "pipeline.toml" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_reference_data_exits_2(workspace, run_cli, capsys) -> None:
    (workspace.inputs / "reference" / "clusters.xlsx").unlink()
    assert run_cli("ingest", "--pipeline", workspace.pipeline_file) == 2
    assert "reference/clusters.*: the cluster registry is missing" in capsys.readouterr().err


def test_unusable_reference_data_exits_2(workspace, run_cli, capsys) -> None:
    (workspace.inputs / "reference" / "services.csv").write_text("nothing;useful\n1;2\n")
    assert run_cli("ingest", "--pipeline", workspace.pipeline_file) == 2
    assert "reference/services.csv: the service catalogue is unusable" in capsys.readouterr().err


def test_a_bad_period_exits_2(workspace, run_cli, capsys) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4])
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q5") == 2
    assert "--period '2019Q5' is not a period" in capsys.readouterr().err


def test_strict_refuses_to_publish_when_rows_are_rejected(workspace, run_cli, capsys) -> None:
    add_log(
        workspace, ["C1", "S1", dt.date(2019, 5, 3), 4], ["Nobody", "S1", dt.date(2019, 5, 3), 4]
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--strict") == 3
    assert "--strict" in capsys.readouterr().err
    assert not (workspace.outputs / "data" / "service_log.parquet").exists()
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 0


def test_validate_lists_every_problem_and_exits_non_zero(workspace, run_cli, capsys) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4], ["Nobody", "S1", "31/02/2019", -1])
    assert (
        run_cli("validate", workspace.export("log.xlsx"), "--pipeline", workspace.pipeline_file)
        == 3
    )
    out = capsys.readouterr().out
    assert "sheet Log, row 3, cluster 'Nobody': unknown_cluster" in out
    assert "sheet Log, row 3, date '31/02/2019': bad_date" in out
    assert "sheet Log, row 3, participants '-1': negative_number" in out


def test_validate_a_clean_file_exits_0(workspace, run_cli, capsys) -> None:
    add_log(workspace, ["C1", "S1", dt.date(2019, 5, 3), 4])
    assert (
        run_cli("validate", workspace.export("log.xlsx"), "--pipeline", workspace.pipeline_file)
        == 0
    )
    assert not (workspace.outputs).exists()


def test_the_module_runs_like_the_console_script(workspace) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clusterix_reports", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    for command in ("run", "ingest", "validate", "template"):
        assert command in done.stdout


def test_the_module_exits_with_the_documented_code_and_its_words_flushed(tmp_path) -> None:
    missing = tmp_path / "no-such-pipeline.toml"
    done = subprocess.run(
        [sys.executable, "-m", "clusterix_reports", "run", "--pipeline", str(missing)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2  # a pipeline error: see the exit codes in the README
    assert done.stderr.startswith("clusterix-reports: ") and str(missing) in done.stderr
    assert done.stderr.count("\n") == 1


def test_bad_usage_exits_2(run_cli) -> None:
    assert run_cli("run", "--no-such-option") == 2
