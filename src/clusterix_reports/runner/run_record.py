"""Assembling a period's run.json: the steps, every input and every output with its size."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from clusterix_reports import __version__
from clusterix_reports.catalog import report_folder
from clusterix_reports.inventory import sha256_of
from clusterix_reports.periods import Coverage, Period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.record import FileEntry, RunRecord, StepRecord

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"')


def workbook_data_rows(path: Path) -> int:
    """Rows below the header row of every sheet of a workbook this program wrote.

    Read from each sheet's recorded dimension, as openpyxl's read-only mode does, without
    importing openpyxl into this process (a third of a second).
    """
    rows = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as sheet:
                    found = _DIMENSION.search(sheet.read(4096))
                if found:
                    rows += max(int(found.group(2) or found.group(1)) - 1, 0)
    return rows


def _output_entry(
    root: Path, path: Path, pages: int | None, known: dict[tuple[str, str], FileEntry]
) -> FileEntry:
    """An output's entry; taken from the previous run.json when the bytes are the same."""
    relative = path.relative_to(root).as_posix()
    sha = sha256_of(path)
    if (relative, sha) in known:
        return known[(relative, sha)]
    rows = None
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_metadata(path).num_rows
    if path.suffix == ".xlsx":
        rows = workbook_data_rows(path)
    return FileEntry(relative, sha, rows, pages if path.suffix == ".pdf" else None)


def run_record(
    pipeline: Pipeline,
    period: Period,
    steps: list[StepRecord],
    ingest_record: dict[str, Any],
    previous: dict[str, Any] | None,
    data_through: dt.date | None,
    covered: Coverage,
    narrative: dict[str, str] | None = None,
) -> RunRecord:
    """The record of one period's run: its steps, the inputs read, the outputs below
    `pipeline.outputs` (data/ and the period's folder) with their hashes and sizes."""
    staging = pipeline.outputs
    pages = next((s.rows_out for s in steps if s.name == "render"), None)
    known = {(o["path"], o["sha256"]): FileEntry(**o) for o in (previous or {}).get("outputs", [])}
    folders = [staging / "data", report_folder(staging, period.id)]
    outputs = [
        _output_entry(staging, p, pages, known)
        for p in sorted(p for folder in folders for p in folder.rglob("*"))
        if p.is_file() and p.name != "run.json"
    ]
    inputs = [
        FileEntry(f["path"], f["sha256"], sum(s["rows_read"] for s in f["sheets"]))
        for f in ingest_record["files"]
        if f["sha256"]  # not the entries that are no readable file, nor the outputs folder
    ]
    return RunRecord(
        package_version=__version__,
        pipeline_file=pipeline.path.name,
        pipeline_sha256=pipeline.sha256,
        data_through=data_through.isoformat() if data_through else None,
        partial=covered.status == "partial",
        coverage_pct=round(covered.pct, 1),
        period={
            "id": period.id,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        steps=steps,
        inputs=inputs,
        outputs=outputs,
        narrative=narrative,
    )
