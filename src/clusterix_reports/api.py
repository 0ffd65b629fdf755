"""The Python API, for notebooks and BI tools: load a pipeline, run it, validate files.

    import clusterix_reports as cr
    pipeline = cr.load_pipeline("pipelines/quarterly.toml", outputs="out")
    result = cr.run(pipeline, periods=["2020Q4"])
    result.indicators["2020Q4"]

A call raises the project's own exceptions (clusterix_reports.errors: one sentence each),
never exits the interpreter. Steps run one after another in this process (no forks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clusterix_reports import catalog
from clusterix_reports.console import Console
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.pipeline import load_pipeline as _load_pipeline
from clusterix_reports.record import read_run_record


@dataclass
class RunResult:
    """What a run wrote: the data tables, each period's indicator and benchmark tables, the
    files written (their paths), and the exit code the command line would give."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    indicators: dict[str, pd.DataFrame] = field(default_factory=dict)
    benchmark: dict[str, pd.DataFrame] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    exit_code: int = 0


def load_pipeline(
    path: str | Path, inputs: str | Path | None = None, outputs: str | Path | None = None
) -> Pipeline:
    """A pipeline file, checked; `inputs` and `outputs` override the folders it names."""
    return _load_pipeline(
        Path(path), Path(inputs) if inputs else None, Path(outputs) if outputs else None
    )


def run(
    pipeline: Pipeline,
    periods: str | Iterable[str] | None = None,
    steps: Iterable[str] = ("ingest", "compute", "render"),
) -> RunResult:
    """Run the steps for the periods (default: the latest with data) and read back what
    they wrote."""
    from clusterix_reports.runner import RunOptions, run_pipeline

    asked = (periods,) if isinstance(periods, str) else tuple(periods or ())
    options = RunOptions(steps=tuple(steps), periods=asked, serial=True)
    state = run_pipeline(pipeline, options, Console(quiet=True), keep_state=True)
    outputs = pipeline.outputs
    result = RunResult(
        tables={name: catalog.load(outputs, name) for name in catalog.DATA_TABLES},
        written=[catalog.dataset_path(outputs, name) for name in catalog.DATA_TABLES],
    )
    for period in state.periods:
        result.indicators[period.id] = catalog.load(outputs, "indicators", period.id)
        result.benchmark[period.id] = catalog.load(outputs, "benchmark", period.id)
        record = read_run_record(catalog.dataset_path(outputs, "run_record", period.id)) or {}
        result.written += [outputs / o["path"] for o in record.get("outputs", [])]
    result.written = sorted(set(result.written))
    return result


def validate(pipeline: Pipeline, paths: Iterable[str | Path]) -> pd.DataFrame:
    """Every problem of the files (or folders) at `paths`, one row each: file, sheet, row,
    field, value, reason, message. Empty when the files are clean."""
    from clusterix_reports.validation import validation_problems

    return validation_problems(pipeline, [Path(p) for p in paths])[0]
