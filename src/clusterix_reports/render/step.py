"""The render step: the period's computed tables into the PDF report (and the workbook)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from clusterix_reports.forked import ForkedCall
from clusterix_reports.periods import choose_period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.context import build_context
from clusterix_reports.render.messages import load_messages
from clusterix_reports.render.pdf import render_html, write_pdf
from clusterix_reports.render.sources import ReportData, read_report_data
from clusterix_reports.resources import templates_dir
from clusterix_reports.storage import atomic_write_bytes


def creation_time(period_end: dt.date) -> dt.datetime:
    """The documents' creation time: SOURCE_DATE_EPOCH when set, else the period's end."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.combine(period_end, dt.time(), tzinfo=dt.UTC)


def report_paths(pipeline: Pipeline, period_id: str) -> dict[str, Path]:
    """Where the period's workbook and PDF are written."""
    folder = pipeline.outputs / "reports" / period_id
    return {
        "workbook": folder / f"indicators-{period_id}.xlsx",
        "pdf": folder / f"progress-report-{period_id}.pdf",
    }


@dataclass
class Rendered:
    """What the render step wrote."""

    pdf: Path
    workbook: Path
    pages: int
    rows_in: int


def preload() -> None:
    """Import what laying out the report needs (pandas, pyarrow, WeasyPrint: a second of imports).

    openpyxl is left to the child that builds the workbook beside the layout.
    """
    import pyarrow.parquet  # noqa: F401
    import weasyprint  # noqa: F401

    from clusterix_reports.render import context, sources  # noqa: F401


def _workbook(data: ReportData, pipeline: Pipeline, created: dt.datetime) -> bytes:
    from clusterix_reports.render.workbook import build_workbook  # openpyxl: only where needed

    return build_workbook(data, pipeline, created)


def render_step(pipeline: Pipeline, period_id: str) -> Rendered:
    """Write the period's workbook, then the PDF with the workbook attached.

    The workbook is built in a child process while this one draws the charts and lays out
    the PDF, which needs the workbook only at the end, to attach it.
    """
    templates = templates_dir(pipeline)
    messages = load_messages(templates, pipeline.language)
    data = read_report_data(pipeline.outputs, period_id)
    paths = report_paths(pipeline, period_id)
    created = creation_time(choose_period(pipeline, period_id, None).end)
    with ForkedCall(lambda: _workbook(data, pipeline, created)).submit() as workbook:
        context = build_context(data, pipeline, messages)
        context["meta"]["created"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        charts = {name: chart["svg"] for name, chart in context["charts"].items() if chart}
        html = render_html(templates, context)
        attached = (paths["workbook"].name, workbook.result, messages("text.attachment"))
        pdf, pages = write_pdf(
            html, charts, templates, created, attached, pipeline.limits.render_seconds
        )
    atomic_write_bytes(paths["workbook"], workbook.result())
    atomic_write_bytes(paths["pdf"], pdf)
    return Rendered(paths["pdf"], paths["workbook"], pages, len(data.indicators))
