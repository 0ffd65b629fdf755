"""Files and invocations as they really come: values no table can hold, characters no XML
holds, values too long to show, a user's own temporary files, Ctrl-C."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from clusterix_reports.ingest import ingest
from clusterix_reports.ingest.values import parse_numbers
from test_report_pdf import pdf_text

from conftest import HEADER_LOG
from sheetwriters import convert_with_libreoffice, libreoffice, write_csv, write_xlsx

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


def test_a_very_long_value_is_cut_in_the_pdf_and_kept_whole_in_the_workbook(
    workspace, run_cli
) -> None:
    long = "W" * 12_000  # one word: the worst case for line breaking
    write_xlsx(
        workspace.export("an.xlsx"),
        [
            (
                "Log",
                [
                    HEADER_LOG,
                    ["C1", "S1", D(2019, 11, 5), 4, 2, 100, long, "An"],
                    [long, "S1", D(2019, 11, 6), 4, 2, 100, "", "An"],
                ],
            )
        ],
    )
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    reports = workspace.outputs / "reports" / "2019Q4"
    text = "".join(pdf_text(next(reports.glob("*.pdf"))).split())
    runs = [len(run) for run in re.findall("W+", text)]
    assert runs and max(runs) < 300 and "W…" in text  # cut, with a mark that says so
    rejected = pd.read_parquet(workspace.outputs / "data" / "rejected_rows.parquet")
    assert rejected["value"].tolist() == [long]
    assert pd.read_parquet(workspace.outputs / "data" / "service_log.parquet")[
        "notes"
    ].tolist() == [long]
    book = load_workbook(next(reports.glob("*.xlsx")), read_only=True)
    cells = [c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]
    assert long in cells


def test_outputs_inside_the_inputs_are_never_read_back_as_inputs(workspace, run_cli) -> None:
    write_xlsx(
        workspace.export("an.xlsx"),
        [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"]])],
    )
    outputs = workspace.inputs / "exports" / "reports-out"
    command = ["run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4"]
    assert run_cli(*command, "--outputs", outputs) == 0
    first = (outputs / "data" / "ingest.json").read_bytes()
    assert run_cli(*command, "--outputs", outputs, "--force") == 0
    assert (outputs / "data" / "ingest.json").read_bytes() == first  # the workbook is not an input
    record = json.loads(first)
    listed = {f["path"]: f for f in record["files"]}
    assert listed["exports/reports-out/"]["status"] == "skipped"
    assert "outputs folder" in listed["exports/reports-out/"]["reason"]
    assert not [
        p for p in listed if p.startswith("exports/reports-out/") and p != "exports/reports-out/"
    ]
    assert pd.read_parquet(outputs / "data" / "service_log.parquet")["source_file"].tolist() == [
        "exports/an.xlsx"
    ]
    run = json.loads((outputs / "reports" / "2019Q4" / "run.json").read_text())
    assert [i["path"] for i in run["inputs"] if i["path"].startswith("exports/")] == [
        "exports/an.xlsx"
    ]


def test_excel_unicode_text_utf16_with_tabs_is_read_as_csv(workspace) -> None:
    rows = [
        HEADER_LOG,
        ["C1", "S1", "05/11/2019", "4", "2", "100,50", "één; twee", "An"],
        ["C2", "S4", "06/11/2019", "2", "1", "50", "", "Bram"],
    ]
    text = "\r\n".join("\t".join(row) for row in rows)
    workspace.export("unicode.csv").write_bytes(text.encode("utf-16"))  # BOM, as Excel writes
    result = ingest(workspace.pipeline())
    log = result.tables["service_log"]
    assert log["cluster_id"].tolist() == ["C1", "C2"]
    assert log["cost_eur"].tolist() == [100.5, 50.0]
    assert log["notes"].tolist()[0] == "één; twee"
    assert result.rejected.empty


def test_a_csv_field_longer_than_any_table_holds_rejects_only_its_row(workspace) -> None:
    long_note = "x" * 200_000  # longer than the csv reader allows by default (131,072)
    lines = [
        ";".join(HEADER_LOG),
        "C1;S1;05/11/2019;1;1;1;short;An",
        f"C2;S4;06/11/2019;2;1;5;{long_note};Bram",
        "C2;S2;07/11/2019;3;1;7;;Bram",
    ]
    workspace.export("long.csv").write_text("\n".join(lines) + "\n")
    result = ingest(workspace.pipeline())
    record = next(f for f in result.files if f.path == "exports/long.csv")
    assert (record.status, record.sheets[0].rows_read, record.sheets[0].rows_rejected) == (
        "read",
        3,
        1,
    )
    assert result.tables["service_log"]["cluster_id"].tolist() == ["C1", "C2"]
    rejected = result.rejected.iloc[0]
    assert (rejected.source_row, rejected.field, rejected.reason) == (3, "notes", "bad_value")
    assert rejected.value == long_note  # whole in the table; cut where it is quoted
    assert rejected.message == (
        f"'{'x' * 99}…' is not a value notes can hold; it is too large or too long."
    )


def merged_workbook(path: Path) -> Path:
    """A cluster's name merged down over its three rows, under a header of two rows: a group
    title merged across three columns, the first column's name merged down over both."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append([HEADER_LOG[0], "", "", "Omvang", "", "", "", ""])
    sheet.merge_cells("D1:F1")  # a group title over participants, hours and cost
    sheet.merge_cells("A1:A2")
    sheet.append([None, *HEADER_LOG[1:]])
    sheet.append(["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"])
    sheet.append([None, "S4", D(2019, 11, 6), 3, 1, 50, "", "An"])
    sheet.append([None, "S2", D(2019, 11, 7), 2, 1, 25, "", "An"])
    sheet.append(["C2", "S1", D(2019, 11, 8), 1, 1, 10, "", "Bram"])
    sheet.merge_cells("A3:A5")
    book.save(path)
    return path


@pytest.mark.parametrize("target", ["xlsx", "xls", "ods"])
def test_a_value_merged_down_over_rows_belongs_to_each_row(workspace, tmp_path, target) -> None:
    source = merged_workbook(tmp_path / "merged.xlsx")
    if target != "xlsx":
        if libreoffice() is None:
            pytest.skip("LibreOffice is not installed")
        source = convert_with_libreoffice(source, target, tmp_path / "lo")
    shutil.copy(source, workspace.export(f"merged.{target}"))
    result = ingest(workspace.pipeline())
    log = result.tables["service_log"].sort_values("source_row")
    assert log["cluster_id"].tolist() == ["C1", "C1", "C1", "C2"]
    assert log["service_id"].tolist() == ["S1", "S4", "S2", "S1"]
    assert log["source_row"].tolist() == [3, 4, 5, 6]
    assert log["cost_eur"].tolist() == [100, 50, 25, 10]
    assert result.rejected.empty


def formula_workbook(path: Path) -> Path:
    """Formulas that end in errors: #VALUE! in a count, #DIV/0! in a cost, #N/A in notes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(HEADER_LOG)
    sheet.append(["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"])
    sheet.append(["C1", "S1", D(2019, 11, 6), '=VALUE("x")', 2, 100, "", "An"])
    sheet.append(["C1", "S1", D(2019, 11, 7), 4, 2, "=1/0", "", "An"])
    sheet.append(["C1", "S1", D(2019, 11, 8), 4, 2, 100, "=NA()", "An"])
    book.save(path)
    return path


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(
    ("target", "value_error"), [("xlsx", "#VALUE!"), ("xls", "#VALUE!"), ("ods", "Err:502")]
)
def test_spreadsheet_error_values_reject_their_row_and_stay_as_text_in_notes(
    workspace, tmp_path, target, value_error
) -> None:
    # LibreOffice computes the formulas and saves their error values, as Excel does
    source = formula_workbook(tmp_path / "formulas.xlsx")
    shutil.copy(
        convert_with_libreoffice(source, target, tmp_path / "lo"), workspace.export(f"f.{target}")
    )
    result = ingest(workspace.pipeline())
    rejected = result.rejected[["source_row", "field", "value", "reason"]].values.tolist()
    assert rejected == [
        [3, "participants", value_error, "formula_error"],
        [4, "cost_eur", "#DIV/0!", "formula_error"],
    ]
    assert "correct the formula" in result.rejected["message"].iloc[0]
    log = result.tables["service_log"].sort_values("source_row")
    assert log["source_row"].tolist() == [2, 5]
    assert log["notes"].tolist()[1] == "#N/A"


def test_error_values_written_as_such_or_as_csv_text_are_formula_errors(workspace) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(HEADER_LOG)
    sheet.append(["#REF!", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"])
    sheet.append(["C1", "S1", "#N/A", 4, 2, 100, "", "An"])
    for cell in (sheet["A2"], sheet["C3"]):
        cell.data_type = "e"  # an error value without its formula, as some exporters write
    book.save(workspace.export("errors.xlsx"))
    write_csv(
        workspace.export("errors.csv"),
        [HEADER_LOG, ["C1", "S1", "05/11/2019", "#NAME?", 2, 100, "", "An"]],
        delimiter=";",
    )
    rejected = ingest(workspace.pipeline()).rejected
    assert rejected[["source_file", "field", "value", "reason"]].values.tolist() == [
        ["exports/errors.csv", "participants", "#NAME?", "formula_error"],
        ["exports/errors.xlsx", "cluster", "#REF!", "formula_error"],
        ["exports/errors.xlsx", "date", "#N/A", "formula_error"],
    ]


def test_error_values_marked_in_single_quotes_are_found_too(workspace, tmp_path) -> None:
    """An exporter that quotes its attributes with ' (t='e'): the error values still show."""
    import zipfile

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER_LOG)
    sheet.append(["C1", "S1", "#N/A", 4, 2, 100, "", "An"])
    sheet["C2"].data_type = "e"
    book.save(tmp_path / "double.xlsx")
    with zipfile.ZipFile(tmp_path / "double.xlsx") as old:
        parts = {i.filename: old.read(i.filename) for i in old.infolist()}
    sheet_part = "xl/worksheets/sheet1.xml"
    assert b't="e"' in parts[sheet_part]
    parts[sheet_part] = parts[sheet_part].replace(b't="e"', b"t='e'")
    with zipfile.ZipFile(workspace.export("single.xlsx"), "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    rejected = ingest(workspace.pipeline()).rejected
    assert rejected[["source_file", "field", "value", "reason"]].values.tolist() == [
        ["exports/single.xlsx", "date", "#N/A", "formula_error"],
    ]


def test_the_data_quality_sheet_lists_at_most_its_stated_rows_and_says_where_the_rest_are(
    workspace, run_cli, monkeypatch
) -> None:
    from clusterix_reports.render import workbook_records

    monkeypatch.setattr(workbook_records, "DATA_QUALITY_ROWS", 2)
    rows = [["Nobody", "S1", D(2019, 11, day), 1, 1, 1, "", "An"] for day in (5, 6, 7)]
    good = ["C1", "S1", D(2019, 11, 8), 1, 1, 1, "", "An"]
    write_xlsx(workspace.export("an.xlsx"), [("Log", [HEADER_LOG, *rows, good])])
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    book = load_workbook(next((workspace.outputs / "reports" / "2019Q4").glob("*.xlsx")))
    sheet = book["Data quality"]
    assert sheet["A1"].value == (
        "The first 2 of 3 rejected rows are listed here, sorted by account manager; all of "
        "them are in data/rejected_rows.parquet (and ingest.json counts them by file and sheet)."
    )
    assert [c.value for c in sheet[3]][:4] == ["account_manager", "file", "sheet", "row"]
    assert [sheet.cell(row=r, column=4).value for r in (4, 5, 6)] == [2, 3, None]
    assert sheet.tables["DataQuality"].ref == "A3:I5"
    assert len(pd.read_parquet(workspace.outputs / "data" / "rejected_rows.parquet")) == 3


def test_entries_that_are_no_readable_file_are_listed_and_the_run_goes_on(
    workspace, run_cli, monkeypatch
) -> None:
    write_xlsx(
        workspace.export("an.xlsx"),
        [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"]])],
    )
    os.mkfifo(workspace.export("pipe.csv"))  # would block a reader that opened it
    workspace.export("gone.xlsx").symlink_to(workspace.root / "nowhere.xlsx")
    locked = write_xlsx(workspace.export("locked.xlsx"), [("Log", [HEADER_LOG])])
    opened = Path.open

    def refused(self, *args, **kwargs):  # as root, chmod 000 would not stop a read
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    record = json.loads((workspace.outputs / "data" / "ingest.json").read_text())
    listed = {f["path"]: (f["status"], f["reason"]) for f in record["files"]}
    assert listed["exports/pipe.csv"] == ("skipped", "not a file (a pipe, socket or device)")
    assert listed["exports/gone.xlsx"] == ("skipped", "a link to a file that does not exist")
    assert listed["exports/locked.xlsx"] == (
        "failed",
        "the file cannot be opened (permission denied)",
    )
    assert listed["exports/an.xlsx"][0] == "read"
    log = pd.read_parquet(workspace.outputs / "data" / "service_log.parquet")
    assert log["source_file"].tolist() == ["exports/an.xlsx"]
    strict = ["run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4", "--strict"]
    assert run_cli(*strict) == 3


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs Linux")
def test_a_file_name_that_is_not_utf8_is_read_and_shown_as_windows_1252(workspace, run_cli) -> None:
    made = write_xlsx(
        workspace.export("made.xlsx"),
        [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"]])],
    )
    exports = os.fsencode(str(workspace.inputs / "exports"))
    os.rename(os.fsencode(str(made)), exports + b"/caf\xe9.xlsx")  # as a Windows zip unpacks
    assert run_cli("run", "--pipeline", workspace.pipeline_file, "--period", "2019Q4") == 0
    log = pd.read_parquet(workspace.outputs / "data" / "service_log.parquet")
    assert log["source_file"].tolist() == ["exports/café.xlsx"]
    record = json.loads((workspace.outputs / "data" / "ingest.json").read_text(encoding="utf-8"))
    assert [f["status"] for f in record["files"] if f["path"] == "exports/café.xlsx"] == ["read"]


def test_error_values_deep_in_a_long_sheet_and_above_its_header_are_found(workspace) -> None:
    """Below the rows read ahead, the column reader reports them; the cell-by-cell reader
    then finds each one. One in the title above the header changes nothing."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["#REF!"])
    sheet["A1"].data_type = "e"
    sheet.append(HEADER_LOG)
    for day in range(1, 201):
        sheet.append(["C1", "S1", D(2019, 11, 1 + day % 28), 4, 2, 100 + day, "", "An"])
    sheet["F150"], sheet["C180"] = "#DIV/0!", "#N/A"
    for cell in (sheet["F150"], sheet["C180"]):
        cell.data_type = "e"
    book.save(workspace.export("long.xlsx"))
    result = ingest(workspace.pipeline())
    rejected = result.rejected[["source_row", "field", "value", "reason"]].values.tolist()
    assert rejected == [
        [150, "cost_eur", "#DIV/0!", "formula_error"],
        [180, "date", "#N/A", "formula_error"],
    ]
    assert len(result.tables["service_log"]) == 198
