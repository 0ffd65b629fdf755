"""A run: the declared steps in order, each reused when what it reads is unchanged, then
everything published at once.

Steps talk through datasets only: ingest writes data/, compute reads data/ and writes each
period's tables, render reads those and writes the workbook and the PDF. Everything is
written into a staging folder and published with renames after the last step, so a run
that dies leaves the previous outputs whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clusterix_reports import __version__, catalog
from clusterix_reports.console import Console
from clusterix_reports.errors import ExitCode, PeriodRefusedError, StrictModeError
from clusterix_reports.inventory import hashes_remembered
from clusterix_reports.periods import Period, coverage, refuse_periods_after_data, resolve_periods
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.publish import (
    link_or_copy,
    new_staging,
    outputs_lock,
    publish,
    remove_stale_staging,
)
from clusterix_reports.record import StepRecord, StepStatus, read_run_record
from clusterix_reports.runner import overlap
from clusterix_reports.runner.plan import (
    Decision,
    decide_ingest,
    decide_period_steps,
    previous_step,
)
from clusterix_reports.runner.steps import (
    ALL_STEPS,
    BY_NAME,
    Step,
    StepContext,
    period_narrative,
    strict_problems,
)

FAILED_RECORD = "failed-run.json"


@dataclass
class RunOptions:
    """How to run: which steps, which periods, and the switches of the command line."""

    steps: tuple[str, ...] = ALL_STEPS
    periods: tuple[str, ...] = ()
    strict: bool = False
    force: bool = False
    dry_run: bool = False
    wait_seconds: float = 60.0
    serial: bool = False  # every step in this process, one at a time (--debug, library use)


@dataclass
class RunState:
    """What a run knows as it goes."""

    ctx: StepContext
    published: Path
    records: list[StepRecord] = field(default_factory=list)
    ingest_record: dict[str, Any] = field(default_factory=dict)
    periods: tuple[Period, ...] = ()
    data_from: dt.date | None = None
    data_through: dt.date | None = None
    summary: list[str] = field(default_factory=list)
    strict: bool = False

    @property
    def staging(self) -> Path:
        """Where this run writes, until it publishes."""
        return self.ctx.pipeline.outputs


def data_days(outputs: Path) -> set[dt.date]:
    """The days of the loaded service log (ParquetFile: read without importing pandas)."""
    import pyarrow.parquet as pq

    dates = pq.ParquetFile(catalog.dataset_path(outputs, "service_log")).read(columns=["date"])
    return {d for d in dates.column("date").to_pylist() if d is not None}


def _record_step(
    state: RunState,
    decision: Decision,
    started: float,
    rows: tuple[Any, Any],
    details: dict,
    keep: bool = True,
) -> StepRecord:
    """The step's record (`keep`: added to the run's records)."""
    status = StepStatus.REUSED if decision.reuse else StepStatus.RAN
    seconds = round(time.perf_counter() - started, 3)
    record = StepRecord(
        decision.step, status, seconds, decision.fingerprint, decision.why, *rows, details
    )
    if keep:
        state.records.append(record)
    return record


def _run_step(
    state: RunState, step: Step, decision: Decision, period: Period | None
) -> dict[str, Any]:
    """Run a step (its inputs loaded from the catalogue, its outputs saved to it), or link
    its published outputs when it is reused; the step's facts (not datasets) are returned."""
    period_id = period.id if period else None
    if decision.reuse:
        for name in catalog.relative_paths(step.outputs, period_id):
            if (state.published / name).is_file():  # an optional output may not be there
                link_or_copy(state.published / name, state.staging / name)
        return {}
    inputs = {name: catalog.load(state.staging, name, period_id) for name in step.inputs}
    produced = step.function(inputs, period, state.ctx)
    for name in step.outputs:
        if produced[name] is not None:  # None: an optional output switched off
            catalog.save(state.staging, name, produced[name], period_id)
    return {key: value for key, value in produced.items() if key not in step.outputs}


def _ingest(state: RunState, decision: Decision) -> None:
    """Run (or reuse) ingest where the executor says: its record and its step's record kept."""
    run = functools.partial(_ingest_step, state, decision)
    state.ingest_record, step = state.ctx.executor.run_ingest(run)
    state.records.append(step)


def _ingest_step(state: RunState, decision: Decision) -> tuple[dict[str, Any], StepRecord]:
    """Ingest: the ingest record and the step's record (`state` left as it was)."""
    from clusterix_reports.summary import ingest_summary

    started = time.perf_counter()
    facts = _run_step(state, BY_NAME["ingest"], decision, None)
    record = catalog.load(state.staging, "ingest_record")
    state.ctx.console.say(ingest_summary(record))
    if state.strict and (why := strict_problems(record)):
        raise StrictModeError(f"{why}.")
    totals = record["totals"]
    rows = (totals["rows_read"], totals["rows_loaded"])
    return record, _record_step(state, decision, started, rows, facts, keep=False)


def _period_steps(
    state: RunState, period: Period, decisions: dict[str, Decision], previous: dict | None
) -> list[StepRecord]:
    """Compute and render one period's reports; the steps' records."""
    records = []
    started = time.perf_counter()
    _run_step(state, BY_NAME["compute"], decisions["compute"], period)
    before = previous_step(previous, "compute") or {}
    if decisions["compute"].reuse:
        headline, rows_out = before.get("details", {}).get("headline", ""), before.get("rows_out")
    else:
        from clusterix_reports.compute.step import headline_summary

        indicators = catalog.load(state.staging, "indicators", period.id)
        headline, rows_out = headline_summary(indicators, period), len(indicators)
    state.summary.append(headline)
    rows_in = state.ingest_record["totals"]["rows_loaded"]
    details = {"headline": headline}
    records.append(_record_step(state, decisions["compute"], started, (rows_in, rows_out), details))
    if "render" in state.ctx.steps:
        started = time.perf_counter()
        facts = _run_step(state, BY_NAME["render"], decisions["render"], period)
        before = previous_step(previous, "render") or {}
        pages = facts.get("pages", before.get("rows_out"))
        rows = (rows_out if not decisions["render"].reuse else before.get("rows_in"), pages)
        records.append(_record_step(state, decisions["render"], started, rows, {}))
    return records


def _write_run_record(state: RunState, period: Period, steps: list, previous: dict | None) -> None:
    from clusterix_reports.runner.run_record import run_record

    covered = coverage(period, state.data_from, state.data_through)
    narrative = period_narrative(state.ctx.pipeline, period)
    record = run_record(
        state.ctx.pipeline,
        period,
        steps,
        state.ingest_record,
        previous,
        state.data_through,
        covered,
        {"path": narrative.path, "sha256": narrative.sha256} if narrative else None,
    )
    catalog.save(state.staging, "run_record", record.to_json().encode("utf-8"), period.id)


def _run_steps(state: RunState, pipeline: Pipeline, options: RunOptions) -> None:
    ingest = decide_ingest(pipeline, options.force)
    if "ingest" in options.steps:
        _ingest(state, ingest)
    if "compute" not in options.steps:
        return
    days = data_days(state.staging)
    state.data_from, state.data_through = (min(days), max(days)) if days else (None, None)
    state.periods = state.periods or resolve_periods(pipeline, (), days)
    refuse_periods_after_data(state.periods, state.data_through)
    if "render" in options.steps:  # a narrative's mistakes stop the run before any compute
        for period in state.periods:
            period_narrative(pipeline, period)
    one_period = functools.partial(_one_period, state, pipeline, ingest.fingerprint, options)

    def quietly() -> None:  # in a child: its progress would garble this process's
        state.ctx.console = Console(quiet=True)

    executor = state.ctx.executor
    for records, summary in executor.each_period(one_period, state.periods, quietly):
        state.records += records
        state.summary += summary


def _one_period(
    state: RunState, pipeline: Pipeline, fingerprint: str, options: RunOptions, period: Period
) -> tuple[list[StepRecord], list[str]]:
    """Compute and render one period and write its run record (in this process or a child);
    the records of its steps and its summary lines."""
    ingest_steps, summary = list(state.records), len(state.summary)
    previous = read_run_record(catalog.dataset_path(pipeline.outputs, "run_record", period.id))
    decisions = decide_period_steps(pipeline, fingerprint, period, previous, options.force)
    steps = _period_steps(state, period, decisions, previous)
    _write_run_record(state, period, ingest_steps + steps, previous)
    lines = state.summary[summary:]
    del state.records[len(ingest_steps) :], state.summary[summary:]  # the caller adds them
    return steps, lines


def plan(pipeline: Pipeline, options: RunOptions) -> list[Decision]:
    """Which steps would run or be reused, and why (for --dry-run)."""
    ingest = decide_ingest(pipeline, options.force)
    if "compute" not in options.steps:
        return [ingest]
    if not ingest.reuse and not options.periods:
        return [
            ingest,
            Decision("compute", "", False, "the period follows from the new data"),
            Decision("render", "", False, "after compute"),
        ]
    periods = resolve_periods(
        pipeline, options.periods, None if options.periods else data_days(pipeline.outputs)
    )
    decisions = [ingest]
    for period in periods:
        previous = read_run_record(catalog.dataset_path(pipeline.outputs, "run_record", period.id))
        found = decide_period_steps(pipeline, ingest.fingerprint, period, previous, options.force)
        decisions += [found["compute"], found["render"]]
    return decisions


def run_pipeline(
    pipeline: Pipeline, options: RunOptions, console: Console, keep_state: bool = False
) -> Any:
    """Run the steps, reusing what is unchanged, and publish the outputs at once; return the
    exit code (or, with `keep_state`, what the run knew: its periods and records)."""
    if options.dry_run:
        for decision in plan(pipeline, options):
            console.say(f"{decision.step}: {'reuse' if decision.reuse else 'run'} ({decision.why})")
        return ExitCode.DONE
    # periods asked for, and their narratives, are checked before anything is written (their
    # place after the data: once it is read)
    asked = resolve_periods(pipeline, options.periods, None) if options.periods else ()
    for period in asked if "render" in options.steps else ():
        period_narrative(pipeline, period)
    outputs = pipeline.outputs
    existed = outputs.exists()
    try:
        state = _locked_run(pipeline, options, console, asked)
    except PeriodRefusedError:
        if not existed:  # the folder this run made holds nothing a person asked for
            shutil.rmtree(outputs, ignore_errors=True)
        raise
    _closing_summary(state, outputs)
    return state if keep_state else ExitCode.DONE


def _locked_run(
    pipeline: Pipeline, options: RunOptions, console: Console, asked: tuple[Period, ...]
) -> RunState:
    """The run itself, holding the outputs folder's lock: staging, the steps, publishing."""
    outputs = pipeline.outputs
    with outputs_lock(outputs, options.wait_seconds), hashes_remembered():
        remove_stale_staging(outputs)
        staging = new_staging(outputs)
        render_early = "render" in options.steps and not decide_ingest(pipeline, False).reuse
        with overlap.executor(pipeline, options.serial, render_early, len(asked)) as executor:
            ctx = StepContext(
                replace(pipeline, outputs=staging),
                executor,
                console,
                outputs / ".cache" / "ingest",
                options.steps,
                outputs,
            )
            state = RunState(ctx, outputs, strict=options.strict, periods=asked)
            try:
                _run_steps(state, pipeline, options)
                publish(staging, outputs)
            except BaseException as error:
                shutil.rmtree(staging, ignore_errors=True)
                if not isinstance(error, PeriodRefusedError):
                    _record_failure(state, outputs, error)
                raise
        (outputs / FAILED_RECORD).unlink(missing_ok=True)
    return state


def _record_failure(state: RunState, outputs: Path, error: BaseException) -> None:
    """Leave a note of the failed run beside the untouched outputs: where it stopped."""
    from clusterix_reports.storage import write_json

    done = [s.name for s in state.records]
    failed = next((s for s in ALL_STEPS if s not in done), "publish")
    steps = [
        {"name": s.name, "status": s.status.value, "seconds": s.seconds} for s in state.records
    ]
    steps.append({"name": failed, "status": StepStatus.FAILED.value, "error": str(error)[:500]})
    with contextlib.suppress(OSError):
        write_json(
            {
                "schema_version": 1,
                "package_version": __version__,
                "steps": steps,
                "note": "nothing was published; the outputs beside this file are those of the last good run",
            },
            outputs / FAILED_RECORD,
        )


def _closing_summary(state: RunState, outputs: Path) -> None:
    console = state.ctx.console
    for line in state.summary:
        console.say(line)
    for period in state.periods:
        for name in ("pdf", "workbook"):
            path = catalog.dataset_path(outputs, name, period.id)
            if path.is_file():
                console.say(f"wrote {_shown(path)}")
    console.say(
        "steps: " + ", ".join(f"{s.name} {s.status.value} {s.seconds:.1f} s" for s in state.records)
    )


def _shown(path: Path) -> str:
    """A path relative to the current folder where it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
