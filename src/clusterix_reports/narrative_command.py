"""`clusterix-reports narrative`: a new narrative file for a period, with this period's figures.

Ingest and compute run first (reused where nothing changed), so the comment in the new file
lists every placeholder with the value the report will print for it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from clusterix_reports import catalog
from clusterix_reports.console import Console
from clusterix_reports.narrative import (
    FRONT_KEYS,
    NarrativeError,
    latest_earlier,
    narrative_path,
    new_narrative_text,
    parse_narrative,
)
from clusterix_reports.periods import resolve_periods
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.storage import atomic_write_bytes


def _carried_names(inputs: Path, period_id: str) -> dict[str, str]:
    """The sign-off names of the latest earlier narrative (none where it cannot be read)."""
    earlier = latest_earlier(inputs, period_id)
    if earlier is None:
        return {}
    with contextlib.suppress(OSError, UnicodeDecodeError, NarrativeError):
        front = parse_narrative(earlier.read_text(encoding="utf-8-sig"), earlier.name, ()).front
        return {key: front[key] for key in FRONT_KEYS[:3] if front.get(key)}
    return {}


def write_narrative_file(pipeline: Pipeline, asked: str | None, console: Console) -> Path | None:
    """Write INPUTS/narrative/PERIOD.md for the period asked for (default as for run) unless
    it exists; its path, or None when a file was there already (it is left as it is)."""
    from clusterix_reports.render.narrative_context import placeholder_values
    from clusterix_reports.report.model import report_model
    from clusterix_reports.runner import RunOptions, data_days, run_pipeline
    from clusterix_reports.runner.steps import RENDER_INPUTS

    periods = (asked,) if asked else ()
    run_pipeline(pipeline, RunOptions(steps=("ingest", "compute"), periods=periods), console)
    days = None if asked else data_days(pipeline.outputs)
    (period,) = resolve_periods(pipeline, periods, days)
    path = narrative_path(pipeline.inputs, period.id)
    if path.exists():
        print(f"{path}: exists already; left as it is (a narrative file is never overwritten).")
        return None
    datasets = {name: catalog.load(pipeline.outputs, name, period.id) for name in RENDER_INPUTS}
    values = placeholder_values(report_model(datasets, period, pipeline), pipeline.language)
    text = new_narrative_text(period.id, values, _carried_names(pipeline.inputs, period.id))
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
