"""The two ways an xlsx is read give the same outcome.

An xlsx sheet is read as a stream up to its header, then its body in Arrow columns; a column
that mixes kinds of cell (dates and text, numbers and text) is read with each cell's own kind
(`ingest/mixed_columns.py`), and what that cannot give exactly is read cell by cell. Every
way must load, reject and number the same rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from clusterix_reports.ingest import read, read_reference
from clusterix_reports.ingest.files import FileOutcome, ingest_file
from clusterix_reports.ingest.vocabulary import vocabulary
from clusterix_reports.ingest.workers import WorkerPool
from clusterix_reports.inventory import input_files

from conftest import HEADER_LOG, Workspace
from sheetwriters import convert_with_libreoffice, libreoffice, write_xlsx, write_xlsx_1904

D = dt.date
CLEAN = [
    ["Service log, exported by hand"],
    [],
    [None, *HEADER_LOG, "Remark"],
    [None, "C1", "S1", D(2019, 5, 3), 12, 2.5, 1234.56, "Kick-off", "An Peeters"],
    [None, "C2", "S4", dt.datetime(2019, 6, 1, 14, 30), 3, 1, None, "   ", None],
    [],
    [None, "C2", "nonsense service", D(2019, 7, 1), 2, 1, 10, None, None],
    [None, None, None, None, None, None, None, None, None, "only a remark"],
    [None, "C3", "S2", D(2030, 1, 1), -4, 1, 10, None, None],
    [None, "  ", None, None, None, None, None, None, None],
]
MIXED = [
    HEADER_LOG,
    ["C1", "S1", D(2019, 5, 3), 12, 2.5, 100, None, None],
    ["C2", "S2", "12/03/2019", 1, 1, 100, None, None],
    ["C3", "S3", "not a date", "n.v.t.", 1, 100, None, None],
]
SPECS = [vocabulary().tables[n] for n in ("service_log", "intercluster_projects")]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    from conftest import build_workspace

    ws: Workspace = build_workspace(tmp_path_factory.mktemp("readers"))
    pipeline = ws.pipeline()
    with WorkerPool(pipeline.limits) as pool:
        return read_reference(pipeline, input_files(pipeline.inputs), pool).ctx


def _both_ways(path: Path, ctx, monkeypatch) -> tuple[FileOutcome, FileOutcome, list[bool]]:
    """The outcome streamed (with which sheets got their body in columns), and cell by cell."""
    used: list[bool] = []
    columns = read._xlsx_columns

    def spy(*args):
        result = columns(*args)
        used.append(result is not None)
        return result

    with monkeypatch.context() as patch:
        patch.setattr(read, "_xlsx_columns", spy)
        streamed = ingest_file(path, path.name, SPECS, ctx, sha256="0")
    with monkeypatch.context() as patch:
        patch.setattr(read, "_read_xlsx_heads", lambda *args: None)
        whole = ingest_file(path, path.name, SPECS, ctx, sha256="0")
    return streamed, whole, used


def _assert_same(streamed: FileOutcome, whole: FileOutcome) -> None:
    assert streamed.record == whole.record
    assert len(streamed.tables) == len(whole.tables)
    for (_, _, a), (_, _, b) in zip(streamed.tables, whole.tables, strict=True):
        pd.testing.assert_frame_equal(a.loaded, b.loaded)
        pd.testing.assert_frame_equal(a.rejected, b.rejected)
        pd.testing.assert_frame_equal(
            a.problems.reset_index(drop=True), b.problems.reset_index(drop=True)
        )


def _writers(tmp_path: Path) -> dict[str, Path]:
    sheets = [("Notes", [["Read me first"]]), ("Log", CLEAN), ("Mixed", MIXED)]
    found = {
        "openpyxl": write_xlsx(tmp_path / "openpyxl.xlsx", sheets),
        "xlsxwriter-1904": write_xlsx_1904(tmp_path / "xlsxwriter.xlsx", sheets),
    }
    if libreoffice() is not None:
        found["libreoffice"] = convert_with_libreoffice(found["openpyxl"], "xlsx", tmp_path / "lo")
    return found


def test_streamed_and_cell_by_cell_reads_agree(tmp_path, ctx, monkeypatch) -> None:
    for name, path in _writers(tmp_path).items():
        streamed, whole, used = _both_ways(path, ctx, monkeypatch)
        _assert_same(streamed, whole)
        # both in columns: Mixed's dates and text with each cell's own kind
        assert used == [True, True], name
        log = streamed.tables[0][2]
        assert streamed.record.sheets[1].header_row == 3, name
        assert streamed.record.sheets[1].rows_read == 5, name  # rows 6 and 10 are blank
        assert list(log.loaded["source_row"]) == [4, 5], name
        assert list(log.rejected["source_row"]) == [7, 8, 9], name
        assert list(log.rejected["reason"]) == [
            "unknown_service",
            "missing_value",
            "date_out_of_range",
        ], name
        assert log.loaded["date"].iloc[1] == pd.Timestamp(2019, 6, 1), name
        assert pd.isna(log.loaded["notes"].iloc[1]), name  # only spaces: no note
        mixed = streamed.tables[1][2]
        assert list(mixed.loaded["source_row"]) == [2, 3], name
        assert list(mixed.rejected["source_row"]) == [4], name


def test_a_column_that_mixes_types_only_below_the_first_rows_reads_alike(
    tmp_path, ctx, monkeypatch
) -> None:
    typed = [
        ["C1", "S1", D(2019, 3, 1) + dt.timedelta(days=n), 2, 1, 10.5, "", "An"] for n in range(100)
    ]
    late = [list(row) for row in typed]
    late[91][2] = "31/05/2019"  # typed as text, as account managers do, below the rows read first
    late[95][5] = "1.234,50"  # a Belgian cost as text
    path = write_xlsx(tmp_path / "late.xlsx", [("Log", [HEADER_LOG, *late])])
    streamed, whole, used = _both_ways(path, ctx, monkeypatch)
    assert used == [True]  # two more passes, each for a column found to mix kinds
    _assert_same(streamed, whole)
    monkeypatch.setattr(read, "MIXED_RETRIES", 1)  # one pass too few: read cell by cell
    fewer, _, used = _both_ways(path, ctx, monkeypatch)
    assert used == [False]
    _assert_same(fewer, whole)
    monkeypatch.undo()
    loaded = streamed.tables[0][2].loaded
    assert len(loaded) == 100
    assert loaded["date"].iloc[91] == pd.Timestamp(2019, 5, 31)
    assert loaded["cost_eur"].iloc[95] == 1234.5
    early = write_xlsx(tmp_path / "early.xlsx", [("Log", [HEADER_LOG, late[91], *typed])])
    streamed, whole, used = _both_ways(early, ctx, monkeypatch)
    assert used == [True]  # the date column mixes in the first rows: one pass
    _assert_same(streamed, whole)
    assert streamed.tables[0][2].loaded["date"].iloc[0] == pd.Timestamp(2019, 5, 31)


def test_the_shipped_sample_reads_alike_both_ways(ctx, monkeypatch) -> None:
    sample = Path(__file__).resolve().parents[1] / "inputs" / "exports"
    paths = [p for p in sorted(sample.rglob("*.xlsx")) if not p.name.startswith("~$")]
    assert len(paths) >= 3
    for path in paths:
        streamed, whole, used = _both_ways(path, ctx, monkeypatch)
        assert streamed.record.status == "read" and any(used), path
        _assert_same(streamed, whole)


def test_a_header_in_inline_strings_after_blank_rows(tmp_path, ctx, monkeypatch) -> None:
    """Cells written as inline strings (as some exporters do), one with an OOXML escape, below
    rows with no value."""
    import zipfile

    escaped = [HEADER_LOG[0] + "_x000D_", *HEADER_LOG[1:3]]  # "Cluster\r", as Excel escapes it
    cells = "".join(
        f'<c r="{chr(66 + i)}3" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(escaped)
    )
    data = (
        '<row r="4"><c r="B4" t="inlineStr"><is><r><t>C</t></r><r><t>1</t></r></is></c>'
        '<c r="C4" t="inlineStr"><is><t>S1</t></is></c><c r="D4" s="1"><v>43588</v></c></row>'
    )
    base = write_xlsx(tmp_path / "base.xlsx", [("Log", [["x"], [None, None, None, D(2019, 5, 3)]])])
    target = tmp_path / "inline.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = content.index(b"<sheetData>") + len(b"<sheetData>")
                end = content.index(b"</sheetData>")
                content = (
                    content[:start]
                    + f'<row r="2"/><row r="3">{cells}</row>{data}'.encode()
                    + content[end:]
                )
            out.writestr(info, content)
    streamed, whole, used = _both_ways(target, ctx, monkeypatch)
    _assert_same(streamed, whole)
    assert used == [True]
    loaded = streamed.tables[0][2].loaded
    assert list(loaded["cluster_id"]) == ["C1"] and list(loaded["source_row"]) == [4]
    assert loaded["date"].iloc[0] == pd.Timestamp(2019, 5, 3)


EVERY_KIND = [  # each field's column holding every kind of cell people type into it
    HEADER_LOG,
    ["C1", "S1", D(2019, 5, 3), 12, 2.5, 1.234, 'a "quoted" \\ back\nslash', "An"],
    ["C2", "S2", "03/05/2019", "12", "1,5", "1.234", 1.5, None],
    ["C3", "S2", dt.datetime(2019, 5, 3, 10, 30), 3.0, 2, "1.234,50", "x\u200by\tz", 7],
    ["C1", "S3", "2019-05-03", " 4 ", None, "€ 12", "", "  "],
    ["C2", "S1", 43588, "n.v.t.", 1, 12, 1e20, D(2020, 1, 1)],
    ["C1 ", True, "mei 2019", 5, "", -3.5, "Ω ☃", False],
    ["C2", "S2", D(2019, 6, 1), 2, 1, 0.1 + 0.2, None, "Jan"],
]


def test_columns_that_mix_every_kind_of_cell_read_alike_in_columns(
    tmp_path, ctx, monkeypatch
) -> None:
    """Dates, numbers, True/False and text (with quotes, backslashes, line breaks and
    invisible characters) in every column, in both date systems and from LibreOffice: one
    pass of the column reader, the same rows as the cell-by-cell read."""
    sheets = [("Log", EVERY_KIND)]
    paths = [
        write_xlsx(tmp_path / "kinds.xlsx", sheets),
        write_xlsx_1904(tmp_path / "kinds-1904.xlsx", sheets),
    ]
    if libreoffice() is not None:
        paths.append(convert_with_libreoffice(paths[0], "xlsx", tmp_path / "lo"))
    for path in paths:
        streamed, whole, used = _both_ways(path, ctx, monkeypatch)
        assert used == [True], path
        _assert_same(streamed, whole)
        table = streamed.tables[0][2]
        loaded = table.loaded.set_index("source_row")
        assert loaded.loc[2, "cost_eur"] == 1.234, path  # typed
        assert loaded.loc[3, "cost_eur"] == 1.234, path  # text, plain notation
        assert loaded.loc[4, "cost_eur"] == 1234.5, path  # text, Belgian notation
        assert loaded.loc[3, "date"] == pd.Timestamp(2019, 5, 3), path
        assert loaded.loc[4, "date"] == pd.Timestamp(2019, 5, 3), path
        assert loaded.loc[2, "notes"] == 'a "quoted" \\ back slash', path
        assert loaded.loc[8, "cost_eur"] == 0.3, path  # to the cent
        assert set(table.rejected["source_row"]) >= {6, 7}, path  # "n.v.t.", True as a service


def test_a_time_of_day_in_a_mixed_column_goes_cell_by_cell(tmp_path, ctx, monkeypatch) -> None:
    """A time of day cannot be told from a date by the column reader: that sheet is read
    cell by cell, with the same outcome."""
    rows = [HEADER_LOG, ["C1", "S1", "03/05/2019", 1, 1, 1, None, None]]
    rows += [["C1", "S1", dt.time(10, 30), 1, 1, 1, None, None]]
    path = write_xlsx(tmp_path / "time.xlsx", [("Log", rows)])
    streamed, whole, used = _both_ways(path, ctx, monkeypatch)
    assert used == [False]
    _assert_same(streamed, whole)
    assert list(streamed.tables[0][2].rejected["source_row"]) == [3]


def test_a_conversion_error_decodes_to_the_cell_itself() -> None:
    from clusterix_reports.ingest.mixed_columns import UndecodableCellError, decoded_cell

    said = "Expected duration but got '{}'".format
    assert decoded_cell(said('String("a\\"b\\\\c\\n\\t\\u{200b}\'")')) == "a\"b\\c\n\t\u200b'"
    assert decoded_cell(said("Float(1.234)")) == 1.234
    assert decoded_cell(said("Float(1e20)")) == 1e20
    assert decoded_cell(said("Int(-7)")) == -7
    assert decoded_cell(said("Bool(false)")) is False
    for odd in ("Error(Div0)", 'DateTimeIso("2019-05-03")', 'String("\\q")', "Bool(maybe)"):
        with pytest.raises(UndecodableCellError):
            decoded_cell(said(odd))
