"""The run's steps declared as (function, inputs, outputs), in the manner of Kedro's nodes.

A step's function is plain: the datasets it reads (by catalogue name) and the period in,
the datasets it writes out. Which steps run or are reused, and where their datasets live,
is decided from these declarations (runner/plan.py, catalog.py); how they share the cores is
decided by the executor they are handed (runner/overlap.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clusterix_reports.catalog import DATA_TABLES, DATASETS, REPORT_TABLES
from clusterix_reports.console import Console
from clusterix_reports.narrative import Narrative, read_narrative
from clusterix_reports.periods import Period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.runner.overlap import Serial

if TYPE_CHECKING:
    from clusterix_reports.ingest import IngestResult

ALL_STEPS = ("ingest", "compute", "render")
COMPUTE_INPUTS = (
    "service_log",
    "clusters",
    "services",
    "intercluster_projects",
    "action_plan",
    "benchmark_scores",
)
RENDER_INPUTS = (  # what report/model.py builds the report model from
    *REPORT_TABLES,
    "clusters",
    "services",
    "benchmark_scores",
    "service_log",
    "rejected_rows",
    "duplicate_rows",
    "ingest_record",
)


@dataclass
class StepContext:
    """What every step is handed besides its datasets."""

    pipeline: Pipeline  # outputs point into the run's staging folder
    executor: Serial
    console: Console
    cache_dir: Path
    steps: tuple[str, ...]  # the steps of this run
    published: Path  # the outputs folder itself: never read back as inputs


# datasets read and the period in; datasets written out, by name (other keys: facts of the
# step for the run record, such as the PDF's pages)
Function = Callable[[dict[str, Any], Period | None, StepContext], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """A step: its function, the datasets it reads and the datasets it writes."""

    name: str
    function: Function
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    optional: tuple[str, ...] = ()  # outputs a setting may switch off (the HTML edition)

    @property
    def per_period(self) -> bool:
        """Whether the step runs once for each period of the run."""
        return any(DATASETS[name].per_period for name in self.outputs)


def strict_problems(record: dict[str, Any]) -> str | None:
    """Why `--strict` refuses these inputs, or None when they have no problem."""
    t = record["totals"]
    if t["rows_rejected"] or t["sheets_skipped"] or t["sheets_failed"] or t["files_failed"]:
        return (
            f"--strict: the inputs have problems ({t['rows_rejected']} rejected rows, "
            f"{t['sheets_skipped'] + t['sheets_failed']} skipped or failed sheets, "
            f"{t['files_failed']} unreadable files); nothing was published"
        )
    return None


def ingest_inputs(datasets: dict[str, Any], period: Period | None, ctx: StepContext) -> dict:
    """Every input file read and checked: the data tables and the ingest record."""
    with ctx.executor.importing():
        from clusterix_reports.ingest import ingest
    from clusterix_reports.inventory import input_files

    files = input_files(ctx.pipeline.inputs, ctx.published)
    with ctx.console.progress("ingest: reading files", len(files)) as advance:
        result: IngestResult = ingest(
            ctx.pipeline,
            cache_dir=ctx.cache_dir,
            outputs=ctx.published,
            progress=advance,
            meanwhile=ctx.executor.meanwhile(ctx.steps),
        )
    return {
        **result.datasets(),
        "files_parsed": result.files_parsed,
        "files_reused": result.files_reused,
    }


def compute_reports(datasets: dict[str, Any], period: Period | None, ctx: StepContext) -> dict:
    """The period's report tables from the ingested tables."""
    from clusterix_reports.compute.step import compute_period, compute_tables

    assert period is not None
    tables = compute_tables(datasets, ctx.pipeline)
    return compute_period(tables, period, ctx.pipeline, ctx.executor.map)


def period_narrative(pipeline: Pipeline, period: Period) -> Narrative | None:
    """The period's narrative file, checked (None where there is none)."""
    from clusterix_reports.compute.definitions import BY_ID

    return read_narrative(pipeline.inputs, period.id, BY_ID)


def render_reports(datasets: dict[str, Any], period: Period | None, ctx: StepContext) -> dict:
    """The period's workbook and PDF from its report model."""
    from clusterix_reports.render.step import html_edition, prepare_layout, workbook_bytes
    from clusterix_reports.report.model import report_model

    assert period is not None
    with ctx.console.status("render: laying out the report"):
        narrative = period_narrative(ctx.pipeline, period)
        model = report_model(datasets, period, ctx.pipeline, narrative)
        name = Path(DATASETS["workbook"].relative(period.id)).name
        layout = prepare_layout(model, ctx.pipeline, name)
        workbook = functools.cache(lambda: workbook_bytes(model, layout))
        pdf, pages = ctx.executor.lay_out(layout, workbook)
        html = html_edition(layout) if ctx.pipeline.html else None
    return {"workbook": workbook(), "pdf": pdf, "html": html, "pages": pages}


STEPS = (
    Step("ingest", ingest_inputs, (), (*DATA_TABLES, "ingest_record")),
    Step("compute", compute_reports, COMPUTE_INPUTS, REPORT_TABLES),
    Step("render", render_reports, RENDER_INPUTS, ("workbook", "pdf", "html"), ("html",)),
)
BY_NAME = {step.name: step for step in STEPS}
