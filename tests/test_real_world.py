"""Files and invocations as they really come: values no table can hold, characters no XML
holds, a user's own temporary files, Ctrl-C."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from clusterix_reports.ingest.values import parse_numbers

from conftest import HEADER_LOG
from sheetwriters import write_csv, write_xlsx

D = dt.date


def test_a_number_no_table_can_hold_is_rejected_as_bad_value() -> None:
    cells = ["1" * 400, "9223372036854775808", "12", "1.234,5"]  # inf, 2**63, fine, Belgian
    costs = parse_numbers(cells, whole=False)
    counts = parse_numbers(cells, whole=True)
    assert list(costs.problems) == ["bad_value", None, None, None]
    assert list(counts.problems) == ["bad_value", "bad_value", None, "not_whole_number"]
    assert costs.values[2] == 12 and costs.values[3] == 1234.5


def test_a_huge_cost_is_rejected_with_a_message_not_loaded_as_infinity(workspace, run_cli) -> None:
    write_csv(
        workspace.export("log.csv"),
        [
            HEADER_LOG,
            ["C1", "S1", "05/11/2019", 1, 1, "9" * 400, "", "An"],
            ["C1", "S1", "06/11/2019", 1, 1, "10", "", "An"],
        ],
        delimiter=";",
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    rejected = pd.read_parquet(workspace.outputs / "data" / "rejected_rows.parquet")
    assert rejected[["field", "reason"]].values.tolist() == [["cost_eur", "bad_value"]]
    assert "is not a value cost_eur can hold; it is too large or too long" in rejected["message"][0]


def test_control_characters_and_noncharacters_in_inputs_neither_break_the_charts_nor_the_workbook(
    workspace, run_cli
) -> None:
    strange = "Learn\x07ing \ufffeplatform\uffff"
    write_csv(
        workspace.inputs / "reference" / "services.csv",
        [["Service ID", "Name", "Aliases", "Launched"], ["S1", strange, "", D(2016, 4, 1)]],
        delimiter=";",
    )
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 1]])]
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    from openpyxl import load_workbook

    folder = workspace.outputs / "reports" / "2019Q4"
    names = [c.value for c in load_workbook(folder / "indicators-2019Q4.xlsx")["Service log"]["D"]]
    assert names[1] == "Learning platform"
    html = (folder / "progress-report-2019Q4.html").read_text(encoding="utf-8")
    assert "S1: Learning platform" in html  # the chart drawn, its label without them


def test_the_stale_staging_cleanup_leaves_a_user_s_own_tmp_files(workspace, run_cli) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 1]])]
    )
    mine = workspace.outputs / "notes" / ".draft.tmp"
    mine.parent.mkdir(parents=True)
    mine.write_text("my notes")
    dead = workspace.outputs / "data" / ".clusters.parquet.ab12cd34.tmp"  # a killed run's
    dead.parent.mkdir(parents=True)
    dead.write_bytes(b"half")
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    assert mine.read_text() == "my notes" and not dead.exists()


def test_ctrl_c_exits_130_and_says_the_outputs_are_unchanged(
    workspace, run_cli, monkeypatch, capsys
) -> None:
    from clusterix_reports import commands

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "run", interrupted)
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 130
    assert "interrupted; the previous outputs are unchanged" in capsys.readouterr().err


@pytest.mark.parametrize("cells", [["approved; new projects"], ["nieuwe projecten; beheer"]])
def test_improvement_kinds_are_a_closed_list(cells) -> None:
    from clusterix_reports.ingest.values import parse_choice_list
    from clusterix_reports.ingest.vocabulary import vocabulary

    parsed = parse_choice_list(cells, vocabulary().choices["improvement"], "bad_value")
    if cells[0].startswith("approved"):
        assert list(parsed.problems) == ["bad_value"]
    else:
        assert list(parsed.values) == ["new projects; management"]
