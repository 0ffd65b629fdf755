"""A run: the steps in order, each reused when what it reads is unchanged, then published at once.

Steps talk through files only: ingest writes data/, compute reads data/ and writes the
period's tables, render reads those and writes the workbook and the PDF. Everything is
written into a staging folder and published with renames after the last step, so a run
that dies leaves the previous outputs whole.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clusterix_reports import __version__, collector
from clusterix_reports.console import Console
from clusterix_reports.errors import ExitCode, StrictModeError
from clusterix_reports.forked import ForkedCall
from clusterix_reports.periods import choose_period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.publish import (
    link_or_copy,
    new_staging,
    outputs_lock,
    publish,
    remove_stale_staging,
)
from clusterix_reports.record import (
    FileRecord,
    RunRecord,
    StepRecord,
    StepStatus,
    code_fingerprint,
    fingerprint,
    folder_fingerprint,
    read_run_record,
)

if TYPE_CHECKING:
    from clusterix_reports.render.step import Layout

ALL_STEPS = ("ingest", "compute", "render")
DATA_FILES = (
    "clusters",
    "services",
    "service_log",
    "intercluster_projects",
    "action_plan",
    "benchmark_scores",
    "rejected_rows",
    "duplicate_rows",
)
FAILED_RECORD = "failed-run.json"


@dataclass
class RunOptions:
    """How to run: which steps, which period, and the switches of the command line."""

    steps: tuple[str, ...] = ALL_STEPS
    period: str | None = None
    strict: bool = False
    force: bool = False
    dry_run: bool = False
    wait_seconds: float = 60.0


@dataclass
class Decision:
    """Whether a step runs or is reused, and why."""

    step: str
    fingerprint: str
    reuse: bool
    why: str


@dataclass
class RunState:
    """What a run knows as it goes."""

    pipeline: Pipeline  # outputs point into staging
    published: Path
    console: Console
    records: list[StepRecord] = field(default_factory=list)
    ingest_record: dict[str, Any] = field(default_factory=dict)
    period_id: str | None = None
    summary: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    from clusterix_reports.inventory import sha256_of

    return sha256_of(path)


def _previous_outputs_intact(
    previous: dict[str, Any] | None, outputs: Path, names: list[str]
) -> bool:
    """Every named output of the previous run is still there with the bytes it had."""
    if previous is None:
        return False
    recorded = {o["path"]: o["sha256"] for o in previous["outputs"]}
    for name in names:
        path = outputs / name
        if name not in recorded or not path.is_file() or _sha256(path) != recorded[name]:
            return False
    return True


def _previous_step(previous: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if previous is None:
        return None
    return next(
        (s for s in previous["steps"] if s["name"] == name and s["status"] != "failed"), None
    )


def decide_ingest(pipeline: Pipeline, force: bool) -> Decision:
    """Reuse the published data/ when the input files and settings are unchanged."""
    from clusterix_reports.inventory import ingest_fingerprint, input_files

    fp = (
        ingest_fingerprint(pipeline, input_files(pipeline.inputs))
        if pipeline.inputs.is_dir()
        else ""
    )
    data = pipeline.outputs / "data"
    try:
        before = json.loads((data / "ingest.json").read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        before = None
    if force:
        return Decision("ingest", fp, False, "--force")
    if before is None:
        return Decision("ingest", fp, False, "no earlier ingest in this outputs folder")
    if before != fp:
        return Decision("ingest", fp, False, "input files or programme dates changed")
    if not all((data / f"{name}.parquet").is_file() for name in DATA_FILES):
        return Decision("ingest", fp, False, "a data table is missing")
    return Decision("ingest", fp, True, "input files unchanged")


def _compute_settings(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline settings compute reads (not paths, not the report's language)."""
    return {k: v for k, v in pipeline.settings.items() if k not in ("paths", "report")}


def _compute_outputs(period_id: str) -> list[str]:
    base = f"reports/{period_id}"
    tables = ("peers", "uptake", "steps", "projects")
    return [
        f"{base}/indicators-{period_id}.parquet",
        f"{base}/benchmark-{period_id}.parquet",
        *(f"{base}/tables/{t}-{period_id}.parquet" for t in tables),
    ]


def _render_outputs(period_id: str) -> list[str]:
    base = f"reports/{period_id}"
    return [f"{base}/indicators-{period_id}.xlsx", f"{base}/progress-report-{period_id}.pdf"]


def decide_later_step(
    name: str,
    fp: str,
    previous: dict[str, Any] | None,
    outputs: Path,
    names: list[str],
    force: bool,
) -> Decision:
    """Reuse compute or render when its fingerprint equals the last run's and its outputs are intact."""
    before = _previous_step(previous, name)
    if force:
        return Decision(name, fp, False, "--force")
    if before is None:
        return Decision(name, fp, False, "no earlier run for this period")
    if before["fingerprint"] != fp:
        return Decision(name, fp, False, "what it reads changed")
    if not _previous_outputs_intact(previous, outputs, names):
        return Decision(name, fp, False, "an earlier output is missing or was changed")
    return Decision(name, fp, True, "what it reads is unchanged")


def _strict_problems(record: dict[str, Any]) -> str | None:
    t = record["totals"]
    if t["rows_rejected"] or t["sheets_skipped"] or t["sheets_failed"] or t["files_failed"]:
        return (
            f"--strict: the inputs have problems ({t['rows_rejected']} rejected rows, "
            f"{t['sheets_skipped'] + t['sheets_failed']} skipped or failed sheets, "
            f"{t['files_failed']} unreadable files); nothing was published"
        )
    return None


def _record_step(
    state: RunState,
    name: str,
    decision: Decision,
    started: float,
    rows: tuple[int | None, int | None],
    details: dict[str, Any] | None = None,
) -> None:
    """Add a step's record to the run: ran or reused, seconds, rows in and out."""
    state.records.append(
        StepRecord(
            name,
            StepStatus.REUSED if decision.reuse else StepStatus.RAN,
            round(time.perf_counter() - started, 3),
            decision.fingerprint,
            decision.why,
            rows[0],
            rows[1],
            details or {},
        )
    )


def _link_published(state: RunState, names: list[str]) -> None:
    for name in names:
        link_or_copy(state.published / name, state.pipeline.outputs / name)


LATER_MODULES = {
    "compute": ("clusterix_reports.compute.step",),
    "render": ("clusterix_reports.render.context", "clusterix_reports.render.step"),
}


def _later_imports(steps: tuple[str, ...]) -> list[Callable[[], None]]:
    """Importing the modules the later steps run in this process (a tenth of a second), one
    by one: done while ingest's workers read the exports and this process would wait."""
    return [
        functools.partial(_import_quietly, module)
        for step in steps
        for module in LATER_MODULES.get(step, ())
    ]


def _import_quietly(module: str) -> None:
    with collector.paused():
        importlib.import_module(module)


def _step_ingest(state: RunState, decision: Decision, strict: bool, steps: tuple[str, ...]) -> None:
    from clusterix_reports.summary import ingest_summary

    started = time.perf_counter()
    data_names = [f"data/{n}.parquet" for n in DATA_FILES] + ["data/ingest.json"]
    details: dict[str, Any] = {}
    if decision.reuse:
        _link_published(state, data_names)
        record = json.loads(
            (state.pipeline.outputs / "data" / "ingest.json").read_text(encoding="utf-8")
        )
    else:
        with collector.paused():  # pandas and pyarrow: 0.1 s of the collector's walks saved
            from clusterix_reports.ingest import ingest, write_ingest
        from clusterix_reports.inventory import input_files

        files = input_files(state.pipeline.inputs)
        with state.console.progress("ingest: reading files", len(files)) as advance:
            result = ingest(
                state.pipeline,
                cache_dir=state.published / ".cache" / "ingest",
                progress=advance,
                meanwhile=_later_imports(steps),
            )
        record = result.record()
        details = {"files_parsed": result.files_parsed, "files_reused": result.files_reused}
        if not (strict and _strict_problems(record)):
            write_ingest(result, state.pipeline.outputs / "data")
    state.ingest_record = record
    state.console.say(ingest_summary(record))
    if strict and (why := _strict_problems(record)):
        raise StrictModeError(f"{why}.")
    totals = record["totals"]
    _record_step(
        state, "ingest", decision, started, (totals["rows_read"], totals["rows_loaded"]), details
    )


def _choose_period(state: RunState, asked: str | None) -> str:
    if asked:
        return choose_period(state.pipeline, asked, None).id
    import pyarrow.parquet as pq  # ParquetFile, unlike read_table, does not import pandas

    dates = pq.ParquetFile(state.pipeline.outputs / "data" / "service_log.parquet").read(
        columns=["date"]
    )
    days = {d for d in dates.column("date").to_pylist() if d is not None}
    return choose_period(state.pipeline, None, days).id


def _step_compute(state: RunState, decision: Decision, previous: dict[str, Any] | None) -> None:
    started = time.perf_counter()
    names = _compute_outputs(state.period_id or "")
    if decision.reuse:
        _link_published(state, names)
        before = _previous_step(previous, "compute") or {}
        headline, rows_out = before.get("details", {}).get("headline", ""), before.get("rows_out")
    else:
        from clusterix_reports.compute.step import compute_step, headline_summary
        from clusterix_reports.storage import read_parquet

        compute_step(state.pipeline, state.pipeline.outputs / "data", state.period_id)
        indicators = read_parquet(state.pipeline.outputs / names[0])
        headline = headline_summary(
            indicators, choose_period(state.pipeline, state.period_id, None)
        )
        rows_out = len(indicators)
    state.summary.append(headline)
    _record_step(
        state,
        "compute",
        decision,
        started,
        (state.ingest_record["totals"]["rows_loaded"], rows_out),
        {"headline": headline},
    )


def _lay_out(layout: Layout, workbook: Callable[[], bytes]) -> tuple[int, int]:
    """Lay out the prepared report; its pages and rows read, as plain numbers (sending back
    a class would make this process import the render modules to unpickle it)."""
    from clusterix_reports.render.step import lay_out

    rendered = lay_out(layout, workbook)
    return rendered.pages, rendered.rows_in


def _preload_render(pipeline: Pipeline) -> None:
    """Import and compile what laying out needs, behind ingest's processes (it has time).

    This child lays out one report and exits: its cycle collector stays off throughout (it
    would walk the imports' and the layout's objects for nothing, and once more at the end).
    """
    from clusterix_reports.forked import background_priority
    from clusterix_reports.render.step import preload

    collector.switch_off()
    with background_priority():
        preload(pipeline)


def _early_renderer(
    pipeline: Pipeline, options: RunOptions, ingest: Decision
) -> ForkedCall[Any] | None:
    """A child process that imports WeasyPrint and compiles the template while ingest and
    compute run, then lays out the report this process prepared.

    Started only when the inputs are read again (a rerun that reuses them renders little),
    first thing, so its imports run on the second core while this process imports pandas
    (which it does not need).
    """
    if "render" not in options.steps or ingest.reuse:
        return None
    return ForkedCall(_lay_out, warm_up=functools.partial(_preload_render, pipeline))


def _step_render(
    state: RunState,
    decision: Decision,
    previous: dict[str, Any] | None,
    renderer: ForkedCall[Any] | None,
) -> None:
    started = time.perf_counter()
    names = _render_outputs(state.period_id or "")
    if decision.reuse:
        _link_published(state, names)
        before = _previous_step(previous, "render") or {}
        pages, rows_in = before.get("rows_out"), before.get("rows_in")
    else:
        from clusterix_reports.forked import Later
        from clusterix_reports.render.step import prepare_layout, workbook_bytes

        with state.console.status("render: laying out the report"):
            layout, data = prepare_layout(state.pipeline, state.period_id or "")
            if renderer is None:
                pages, rows_in = _lay_out(layout, lambda: workbook_bytes(data, layout))
            else:  # the child lays out the PDF while this process builds the workbook
                renderer.submit(layout, Later())
                renderer.send(workbook_bytes(data, layout))
                pages, rows_in = renderer.result()
    _record_step(state, "render", decision, started, (rows_in, pages))


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


def _file_record(
    root: Path, path: Path, pages: int | None, known: dict[tuple[str, str], FileRecord]
) -> FileRecord:
    """An output's record; taken from the previous run.json when the bytes are the same."""
    relative = path.relative_to(root).as_posix()
    sha = _sha256(path)
    if (relative, sha) in known:
        return known[(relative, sha)]
    rows = None
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_metadata(path).num_rows
    if path.suffix == ".xlsx":
        rows = workbook_data_rows(path)
    return FileRecord(relative, sha, rows, pages if path.suffix == ".pdf" else None)


def _run_record(state: RunState, previous: dict[str, Any] | None) -> RunRecord:
    staging = state.pipeline.outputs
    period = choose_period(state.pipeline, state.period_id, None)
    pages = next((s.rows_out for s in state.records if s.name == "render"), None)
    known = {(o["path"], o["sha256"]): FileRecord(**o) for o in (previous or {}).get("outputs", [])}
    outputs = [
        _file_record(staging, p, pages, known)
        for p in sorted(staging.rglob("*"))
        if p.is_file() and p.name != "run.json"
    ]
    inputs = [
        FileRecord(f["path"], f["sha256"], sum(s["rows_read"] for s in f["sheets"]))
        for f in state.ingest_record["files"]
    ]
    return RunRecord(
        package_version=__version__,
        pipeline_file=state.pipeline.path.name,
        pipeline_sha256=state.pipeline.sha256,
        period={
            "id": period.id,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        steps=state.records,
        inputs=inputs,
        outputs=outputs,
    )


def plan(pipeline: Pipeline, options: RunOptions) -> list[Decision]:
    """Which steps would run or be reused, and why (for --dry-run)."""
    decisions = [decide_ingest(pipeline, options.force)]
    if "compute" not in options.steps:
        return decisions
    if not decisions[0].reuse and not options.period:
        return [
            *decisions,
            Decision("compute", "", False, "the period follows from the new data"),
            Decision("render", "", False, "after compute"),
        ]

    if options.period:
        period_id = choose_period(pipeline, options.period, None).id
    else:
        state = RunState(pipeline, pipeline.outputs, Console(quiet=True))
        period_id = _choose_period(state, None)
    previous = read_run_record(pipeline.outputs / "reports" / period_id / "run.json")
    return [
        *decisions,
        *_later_decisions(pipeline, decisions[0].fingerprint, period_id, previous, options.force),
    ]


def _later_decisions(
    pipeline: Pipeline, ingest_fp: str, period_id: str, previous: dict[str, Any] | None, force: bool
) -> tuple[Decision, Decision]:
    """Whether compute and render run or are reused for a period, from what each reads."""
    compute_fp = fingerprint(code_fingerprint(), ingest_fp, _compute_settings(pipeline), period_id)
    compute = decide_later_step(
        "compute", compute_fp, previous, pipeline.outputs, _compute_outputs(period_id), force
    )
    render = decide_later_step(
        "render",
        _render_fingerprint(pipeline, compute_fp),
        previous,
        pipeline.outputs,
        _render_outputs(period_id),
        force,
    )
    return compute, render


def _render_fingerprint(pipeline: Pipeline, compute_fp: str) -> str:
    from clusterix_reports.resources import templates_dir

    return fingerprint(
        code_fingerprint(),
        compute_fp,
        folder_fingerprint(templates_dir(pipeline)),
        pipeline.language,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    )


def run_pipeline(pipeline: Pipeline, options: RunOptions, console: Console) -> ExitCode:
    """Run the steps, reusing what is unchanged, and publish the outputs at once; return the exit code."""
    if options.dry_run:
        for decision in plan(pipeline, options):
            console.say(f"{decision.step}: {'reuse' if decision.reuse else 'run'} ({decision.why})")
        return ExitCode.DONE
    outputs = pipeline.outputs
    with outputs_lock(outputs, options.wait_seconds):
        remove_stale_staging(outputs)
        staging = new_staging(outputs)
        state = RunState(replace(pipeline, outputs=staging), outputs, console)
        try:
            _run_steps(state, pipeline, options)
            publish(staging, outputs)
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            _record_failure(state, outputs, error)
            raise
        (outputs / FAILED_RECORD).unlink(missing_ok=True)
    _closing_summary(state, outputs)
    return ExitCode.DONE


def _run_steps(state: RunState, pipeline: Pipeline, options: RunOptions) -> None:
    ingest_decision = decide_ingest(pipeline, options.force)
    renderer = _early_renderer(pipeline, options, ingest_decision)
    with renderer or contextlib.nullcontext():
        _ingest_compute_render(state, pipeline, options, ingest_decision, renderer)


def _ingest_compute_render(
    state: RunState,
    pipeline: Pipeline,
    options: RunOptions,
    ingest_decision: Decision,
    renderer: ForkedCall[Any] | None,
) -> None:
    if "ingest" in options.steps:
        _step_ingest(state, ingest_decision, options.strict, options.steps)
    if "compute" not in options.steps:
        return
    state.period_id = _choose_period(state, options.period)
    previous = read_run_record(pipeline.outputs / "reports" / state.period_id / "run.json")
    compute, render = _later_decisions(
        pipeline, ingest_decision.fingerprint, state.period_id, previous, options.force
    )
    _step_compute(state, compute, previous)
    if "render" in options.steps:
        _step_render(state, render, previous, renderer)
    record = _run_record(state, previous)
    from clusterix_reports.storage import atomic_write_bytes

    atomic_write_bytes(
        state.pipeline.outputs / "reports" / state.period_id / "run.json",
        record.to_json().encode("utf-8"),
    )


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
    console = state.console
    for line in state.summary:
        console.say(line)
    if state.period_id:
        folder = outputs / "reports" / state.period_id
        for path in sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.xlsx")):
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
