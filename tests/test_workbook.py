"""The Excel workbook and the account managers' template, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import openpyxl
import pytest

from clusterix_reports.cli import main
from clusterix_reports.ingest import ingest

from conftest import HEADER_LOG, PIPELINE, build_workspace
from sheetwriters import convert_with_libreoffice, libreoffice, write_csv, write_xlsx

D = dt.date
SHEETS = [
    "About",
    "Indicators",
    "Trend",
    "Uptake",
    "Clusters",
    "Projects",
    "Action plan",
    "Benchmark",
    "Data quality",
    "Service log",
    "Duplicates",
    "Sources",
]
DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    ws = build_workspace(tmp_path_factory.mktemp("wb"))
    rows = [
        ["C1", "S1", D(2019, 11, 5), 4, 2, 1234.5, "Kick-off", "An"],
        ["C2", "S4", D(2019, 5, 5), 2, 1, None, "", "Bram"],
        ["Nobody", "S1", D(2019, 12, 20), 6, 3, 75, "", "Bram"],
        ["C1", "S1", "31/02/2019", 6, 3, 75, "", "An"],
    ]
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *rows])])
    # the same prefixes in every reference table and in project titles, so every sheet shows some
    reference = ws.inputs / "reference"
    (reference / "action-plan.xlsx").unlink()
    write_csv(
        reference / "action-plan.csv",
        [["Step", "Title", "Planned start", "Planned end", "Status", "Evidence"]]
        + [[i + 1, d, "2019-01", "2019-12", "ongoing", d] for i, d in enumerate(DANGEROUS)],
        delimiter=";",
    )
    (reference / "benchmark.csv").unlink()
    write_csv(
        reference / "benchmark.csv",
        [["Criterion", "Region", "Score"]]
        + [[d, region, 3.0] for d in DANGEROUS for region in ("Flanders", "Skane")],
        delimiter=";",
    )
    (reference / "clusters.xlsx").unlink()
    write_csv(
        reference / "clusters.csv",
        [["ID", "Naam", "Type", "Erkend sinds", "Accountmanager"]]
        + [["C1", "One", "ibn", "01/01/2016", "An"], ["C2", "Two", "ibn", "01/01/2016", "Bram"]]
        + [[f"D{i}", d, "ibn", "01/01/2016", d] for i, d in enumerate(DANGEROUS)],
        delimiter=";",
    )
    write_csv(
        ws.export("projects.csv"),
        [["Project", "Title", "Call", "Clusters", "Status", "Approved on"]]
        + [[f"P{i}", d, d, "C1; C2", "approved", "05/11/2019"] for i, d in enumerate(DANGEROUS)],
        delimiter=";",
    )
    # typed as text in a csv (a spreadsheet would store them as formulas): unknown clusters, notes, managers
    write_csv(
        ws.export("dangerous.csv"),
        [HEADER_LOG, *([f"{d} Food", "S1", "01/12/2019", 1, 1, 1, d, d] for d in DANGEROUS)],
        delimiter=";",
    )
    assert main(["run", "--pipeline", str(ws.pipeline_file), "--period", "2019Q4"]) == 0
    path = ws.outputs / "reports" / "2019Q4" / "indicators-2019Q4.xlsx"
    return ws, path, openpyxl.load_workbook(path)


def test_sheets_in_the_order_of_the_spec(workbook) -> None:
    assert workbook[2].sheetnames == SHEETS


def test_indicator_sheet_is_a_filtered_table_with_typed_cells(workbook) -> None:
    sheet = workbook[2]["Indicators"]
    headers = [c.value for c in sheet[1]]
    for column in (
        "indicator_id",
        "period",
        "period_start",
        "period_end",
        "breakdown",
        "breakdown_value",
        "value",
        "unit",
        "previous_value",
        "year_ago_value",
        "change_abs",
        "change_pct",
        "target",
        "pct_of_target",
    ):
        assert column in headers
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert list(sheet.tables) == ["Indicators"]
    rows = {(r[0].value, r[2].value, r[5].value): r for r in sheet.iter_rows(min_row=2)}
    served = rows[("clusters_served", "2019Q4", "total")]
    col = {h: i for i, h in enumerate(headers)}
    assert served[col["value"]].value == 1 and served[col["target"]].value == 4
    assert served[col["pct_of_target"]].value == pytest.approx(0.25)
    assert served[col["pct_of_target"]].number_format == "0.0%"
    assert served[col["period_start"]].value == dt.datetime(2019, 10, 1)
    assert served[col["period_start"]].number_format == "yyyy-mm-dd"
    coverage = rows[("coverage_pct", "2019Q4", "total")]  # C1 of 8 active clusters (C1, C2, D0-D5)
    assert (
        coverage[col["value"]].value == pytest.approx(1 / 8)
        and coverage[col["value"]].number_format == "0.0%"
    )
    # a change of a percentage is in percentage points, written as such: 12.5 % - 0 % = +12.5 pp
    previous = coverage[col["previous_value"]].value or 0
    assert coverage[col["change_abs"]].value == pytest.approx(100 * (1 / 8 - previous))
    assert coverage[col["change_abs"]].number_format.startswith('+0.0" pp"')
    spend = rows[("spend_eur", "2019Q4", "total")]
    assert spend[col["value"]].value == 1234.5 and "€" in spend[col["value"]].number_format
    first = rows[("clusters_served", "2016Q2", "total")]
    assert first[col["previous_value"]].value is None  # empty, never 0
    assert isinstance(served[col["value"]].value, int | float)


def test_trend_sheet_has_a_native_line_chart_of_clusters_served(workbook) -> None:
    sheet = workbook[2]["Trend"]
    assert sheet.cell(row=2, column=1).value == "clusters_served"
    assert sheet.cell(row=1, column=3).value == "2016Q2"
    chart = sheet._charts[0]
    assert type(chart).__name__ == "LineChart"
    assert "Trend" in chart.series[0].val.numRef.f and "$2" in chart.series[0].val.numRef.f
    # total, spearhead, ibn and the target; lines drawn straight between the points
    labels = [s.tx.v for s in chart.series]
    assert labels == ["Total", "spearhead cluster", "innovative business network", "target"]
    assert all(s.smooth is False for s in chart.series)
    target_row = next(
        r for r in sheet.iter_rows(min_row=2) if r[0].value == "clusters_served: target"
    )
    by_period = {sheet.cell(row=1, column=c.column).value: c.value for c in target_row[2:]}
    assert by_period["2019Q4"] == 4 and by_period["2019Q3"] is None  # the pipeline's one target


def test_every_sheet_prints_on_a4_fitted_to_its_width_with_the_header_repeated(workbook) -> None:
    book = workbook[2]
    for sheet in book.worksheets:
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        if sheet.title != "About":
            assert sheet.print_title_rows == "$1:$1", sheet.title
    assert book["Indicators"].page_setup.orientation == "landscape"


def test_totals_stand_below_the_uptake_table_outside_its_filter(workbook) -> None:
    sheet = workbook[2]["Uptake"]
    last = int(sheet.tables["Uptake"].ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    rows = list(sheet.iter_rows(min_row=last + 1, values_only=True))
    total = next(r for r in rows if r[1] == "Total")
    # C1 used S1 once in 2019Q4 (C2's use was in 2019Q2; "Nobody" and 31/02 were rejected)
    assert total[-1] == 1
    assert all(r[1] != "Total" for r in sheet.iter_rows(min_row=2, max_row=last, values_only=True))


def test_the_service_log_and_duplicates_sheets_trace_every_row_to_its_source(workbook) -> None:
    book = workbook[2]
    log = list(book["Service log"].iter_rows(values_only=True))
    header = log[0]
    rows = [dict(zip(header, r, strict=True)) for r in log[1:]]
    # up to 2019-12-31: C2 on 5 May and C1 on 5 November, by date
    assert [(r["cluster_id"], r["source_row"]) for r in rows] == [("C2", 3), ("C1", 2)]
    assert {r["source_file"] for r in rows} == {"exports/log.xlsx"}
    duplicates = list(book["Duplicates"].iter_rows(values_only=True))
    assert duplicates[0][:5] == (
        "table",
        "account_manager",
        "source_file",
        "source_sheet",
        "source_row",
    )


def test_every_rejected_row_is_on_the_data_quality_sheet_sorted_by_account_manager(
    workbook,
) -> None:
    ws, _, book = workbook
    sheet = book["Data quality"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "account_manager",
        "file",
        "sheet",
        "row",
        "field",
        "value",
        "reason",
        "message",
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    rejected = ingest(ws.pipeline()).rejected
    assert len(rows) == len(rejected) == 2 + len(DANGEROUS)
    assert sorted((r[1], r[3], r[6]) for r in rows) == sorted(
        zip(rejected["source_file"], rejected["source_row"], rejected["reason"], strict=True)
    )
    managers = [r[0] or "" for r in rows]
    assert managers == sorted(managers)


def test_no_input_text_becomes_a_formula_on_any_sheet(workbook) -> None:
    book = workbook[2]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    for sheet_name in (
        "Clusters",
        "Projects",
        "Action plan",
        "Benchmark",
        "Data quality",
    ):
        texts = {
            c
            for row in book[sheet_name].iter_rows(values_only=True)
            for c in row
            if isinstance(c, str)
        }
        for text in DANGEROUS:
            assert any(text.strip() in value for value in texts), (sheet_name, text)


LXML_HIDDEN = """
import sys
sys.modules["lxml"] = None  # as on a machine without lxml
from clusterix_reports.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_the_workbook_s_bytes_do_not_depend_on_whether_lxml_is_installed(
    workbook, tmp_path
) -> None:
    ws, path, _ = workbook
    out = tmp_path / "no-lxml"
    command = [
        "run",
        "--pipeline",
        str(ws.pipeline_file),
        "--period",
        "2019Q4",
        "--outputs",
        str(out),
    ]
    subprocess.run([sys.executable, "-c", LXML_HIDDEN, *command], check=True, capture_output=True)
    assert (out / "reports" / "2019Q4" / "indicators-2019Q4.xlsx").read_bytes() == path.read_bytes()


def test_two_runs_give_identical_workbook_bytes(workbook, tmp_path) -> None:
    ws, path, _ = workbook
    assert ws.run("--period", "2019Q4", "--outputs", str(tmp_path / "again")) == 0
    assert (
        tmp_path / "again" / "reports" / "2019Q4" / "indicators-2019Q4.xlsx"
    ).read_bytes() == path.read_bytes()


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_and_finds_the_values(workbook, tmp_path) -> None:
    _, path, _ = workbook
    copy = tmp_path / "book.xlsx"
    shutil.copy(path, copy)
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    convert_with_libreoffice(copy, "csv", tmp_path, every_sheet)  # book-<sheet>.csv each
    indicators = (tmp_path / "book-Indicators.csv").read_text(encoding="utf-8")
    assert "clusters_served,Clusters served,2019Q4" in indicators
    quality = (tmp_path / "book-Data quality.csv").read_text(encoding="utf-8")
    for shown in (
        '"=HYPERLINK(""http://x"") Food"',
        ",+1+1 Food,",
        ",-2+3 Food,",
        ",@SUM(A1) Food,",
    ):
        assert shown in quality  # shown verbatim, never evaluated


def test_the_template_filled_in_as_a_person_would_ingests_without_rejections(
    tmp_path, run_cli
) -> None:
    ws = build_workspace(tmp_path, PIPELINE)
    template = tmp_path / "template.xlsx"
    assert run_cli("template", "--pipeline", ws.pipeline_file, "--out", template) == 0
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == "Service log"
    assert book["Lijsten"].sheet_state == "hidden"
    assert any("Instructions" in name and "Instructies" in name for name in book.sheetnames)
    log = book["Service log"]
    assert log.freeze_panes == "A2"
    assert [c.value for c in log[1]][:3] == [
        "Clusterorganisatie",
        "Type dienst",
        "Datum activiteit",
    ]
    kinds = {dv.type for dv in log.data_validations.dataValidation}
    assert {"list", "date", "whole", "decimal"} <= kinds
    lists = book["Lijsten"]
    clusters = [c.value for c in lists["A"][1:] if c.value]
    services = [c.value for c in lists["B"][1:] if c.value]
    managers = [c.value for c in lists["C"][1:] if c.value]
    assert len(clusters) == 4 and len(services) == 4
    for r, (cluster, service) in enumerate(zip(clusters, services, strict=True), start=2):
        log.cell(row=r, column=1, value=cluster)
        log.cell(row=r, column=2, value=service)
        log.cell(row=r, column=3, value=dt.datetime(2019, 6, r))
        log.cell(row=r, column=4, value=r)
        log.cell(row=r, column=5, value=1.5)
        log.cell(row=r, column=6, value=99.95)
        log.cell(row=r, column=7, value=managers[0])
        log.cell(row=r, column=8, value="ingevuld")
    book.save(ws.export("filled.xlsx"))
    result = ingest(ws.pipeline())
    assert result.totals["rows_rejected"] == 0
    assert len(result.tables["service_log"]) == 4


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_sample_s_workbook_on_a_sensible_number_of_pages(tmp_path) -> None:
    from pypdf import PdfReader

    assert main(["run", "--outputs", str(tmp_path / "out"), "--period", "2020Q4", "--quiet"]) == 0
    book = tmp_path / "out" / "reports" / "2020Q4" / "indicators-2020Q4.xlsx"
    pages = len(PdfReader(convert_with_libreoffice(book, "pdf", tmp_path)).pages)
    # 12 sheets fitted to the page's width: the long Indicators and Service log sheets take
    # several pages each (158 pages before the print setup)
    assert 12 <= pages <= 40
