"""Random cells, file names, sheet names and bytes through the `ingest` command: it never
ends in "unexpected error" (exit 1), and every row read is loaded, a duplicate or rejected."""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterix_reports.cli import main

from conftest import HEADER_LOG, build_workspace
from sheetwriters import write_csv, write_xlsx

PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
CELL = st.one_of(
    st.none(),
    st.text(PRINTABLE, max_size=40),
    st.sampled_from(["C1", "Flanders' Food", "S1", "lerend platform", "#VALUE!", "#N/A", "An"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["05/11/2019", "2019-11-05", "november 2019", "1.234,5", "12,5", "-3"]),
)
ROW = st.lists(CELL, min_size=0, max_size=len(HEADER_LOG) + 2)
FILE_NAME = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
    min_size=1,
    max_size=30,
)
SHEET_NAME = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="[]:*?/\\'"),
    min_size=1,
    max_size=31,
)


def for_xlsx(cell):
    """What openpyxl can write: no NaN or infinity, integers within Excel's precision."""
    if isinstance(cell, float) and not math.isfinite(cell):
        return str(cell)
    if isinstance(cell, int) and abs(cell) > 2**53:
        return str(cell)
    return cell


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(ROW, max_size=12),
    name=FILE_NAME,
    sheet=SHEET_NAME,
    kind=st.sampled_from(["csv", "xlsx", "bytes"]),
    noise=st.binary(max_size=300),
)
def test_random_inputs_never_end_in_an_unexpected_error(rows, name, sheet, kind, noise) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = build_workspace(Path(folder))
        target = ws.export(f"{name}.{'xlsx' if kind == 'xlsx' else 'csv'}")
        if kind == "xlsx":
            write_xlsx(target, [(sheet, [HEADER_LOG, *[[for_xlsx(c) for c in r] for r in rows]])])
        elif kind == "csv":
            write_csv(target, [HEADER_LOG, *rows], delimiter=";")
        else:
            target.write_bytes(";".join(HEADER_LOG).encode() + b"\n" + noise)
        code = main(["ingest", "--pipeline", str(ws.pipeline_file), "--quiet"])
        assert code in (0, 2), code  # 2: reference data unusable, never 1
        record = json.loads((ws.outputs / "data" / "ingest.json").read_text(encoding="utf-8"))
        totals = record["totals"]
        assert totals["rows_read"] == (
            totals["rows_loaded"] + totals["rows_duplicate"] + totals["rows_rejected"]
        )
        assert [f["path"] for f in record["files"] if f["path"].startswith("exports/")] == [
            target.relative_to(ws.inputs).as_posix()
        ]
