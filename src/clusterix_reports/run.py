"""The steps of a run, declared with what they read and write, and the run itself."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clusterix_reports.errors import ExitCode, StrictModeError
from clusterix_reports.pipeline import Pipeline

Say = Callable[[str], None]
ALL_STEPS = ("ingest", "compute", "render")


@dataclass
class StepResult:
    """How one step went."""

    name: str
    status: str  # ran | reused | failed
    seconds: float


def _strict_problems(record: dict) -> str | None:
    """Why `--strict` refuses to publish, or None."""
    t = record["totals"]
    if t["rows_rejected"] or t["sheets_skipped"] or t["sheets_failed"] or t["files_failed"]:
        return (
            f"--strict: the inputs have problems ({t['rows_rejected']} rejected rows, "
            f"{t['sheets_skipped'] + t['sheets_failed']} skipped or failed sheets, "
            f"{t['files_failed']} unreadable files); nothing was published"
        )
    return None


def run_pipeline(
    pipeline: Pipeline,
    *,
    steps: Sequence[str] = ALL_STEPS,
    period: str | None = None,
    strict: bool = False,
    say: Say = print,
) -> ExitCode:
    """Run the given steps of the pipeline in order; return the exit code."""
    from clusterix_reports.ingest import ingest, write_ingest
    from clusterix_reports.summary import ingest_summary

    results = []
    data_dir = pipeline.outputs / "data"
    if "ingest" in steps:
        started = time.perf_counter()
        result = ingest(pipeline)
        record = result.record()
        if strict and (why := _strict_problems(record)):
            say(ingest_summary(record))
            raise StrictModeError(f"{why}.")
        write_ingest(result, data_dir)
        results.append(StepResult("ingest", "ran", time.perf_counter() - started))
        say(ingest_summary(record))
    if "compute" in steps:
        from clusterix_reports.compute.step import compute_step

        started = time.perf_counter()
        from clusterix_reports.compute.step import headline_summary
        from clusterix_reports.storage import read_parquet

        chosen, written = compute_step(pipeline, data_dir, period)
        results.append(StepResult("compute", "ran", time.perf_counter() - started))
        say(headline_summary(read_parquet(written["indicators"]), chosen))
        period = chosen.id
    if "render" in steps:
        from clusterix_reports.render.step import render_step

        started = time.perf_counter()
        paths = render_step(pipeline, str(period))
        results.append(StepResult("render", "ran", time.perf_counter() - started))
        say(f"report: {paths['pdf']}\nworkbook: {paths['workbook']}")
    return ExitCode.DONE
