"""The two ways an xlsx is read give the same outcome.

An xlsx sheet is read as a stream up to its header, then its body in Arrow columns; a sheet
whose columns mix types (dates and text in one column) is read cell by cell instead. Both
must load, reject and number the same rows.
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
        # Log in columns; Mixed mixes dates and text in its first rows, so it is read cell by
        # cell without the columns being tried
        assert used == [True], name
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
        ["C1", "S1", D(2019, 5, 1) + dt.timedelta(days=n), 2, 1, 10.5, "", "An"] for n in range(40)
    ]
    late = [list(row) for row in typed]
    late[30][2] = "31/05/2019"  # typed as text, as account managers do, below row 15
    late[35][5] = "1.234,50"  # a Belgian cost as text
    path = write_xlsx(tmp_path / "late.xlsx", [("Log", [HEADER_LOG, *late])])
    streamed, whole, used = _both_ways(path, ctx, monkeypatch)
    assert used == [False]  # the columns were tried, and given up for the cell-by-cell read
    _assert_same(streamed, whole)
    loaded = streamed.tables[0][2].loaded
    assert len(loaded) == 40
    assert loaded["date"].iloc[30] == pd.Timestamp(2019, 5, 31)
    assert loaded["cost_eur"].iloc[35] == 1234.5
    early = write_xlsx(tmp_path / "early.xlsx", [("Log", [HEADER_LOG, late[30], *typed])])
    streamed, whole, used = _both_ways(early, ctx, monkeypatch)
    assert used == []  # text and dates in the first rows: straight to the cell-by-cell read
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
