"""The render step: the period's computed tables into the PDF report (and the workbook).

It has two halves. `prepare_layout` reads the period's tables and computes everything the
report shows, as plain values (pandas is needed here). `lay_out` turns those into the
PDF with WeasyPrint, attaches the workbook it is handed and writes both (no pandas
here). A run hands the second half to a child process that imported WeasyPrint and
compiled the template while ingest and compute ran, and builds the workbook itself while
the child lays out the PDF.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clusterix_reports.periods import choose_period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.pdf import (
    PDF_VARIANT,
    REPORT_TEMPLATE,
    render_html,
    template_environment,
    write_pdf,
)
from clusterix_reports.render.weasyprint_import import import_weasyprint
from clusterix_reports.resources import templates_dir
from clusterix_reports.storage import atomic_write_bytes

if TYPE_CHECKING:
    from clusterix_reports.render.sources import ReportData


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


WARM_UP_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><style>STYLE</style></head><body><h1>a</h1>'
    "<h2>b</h2><p>c <b>d</b> <i>e</i> <code>f</code></p><table><tr><th>g</th><td>1</td></tr>"
    "</table></body></html>"
)


def preload(pipeline: Pipeline) -> None:
    """Import what laying out the report needs (WeasyPrint: most of a second), compile the
    report's template and lay out and write a page in its style (fonts found, shaped and
    subset for the first time: a tenth of a second), before the report's data exists.

    Whatever fails here is left for the render itself to report.
    """
    weasyprint = import_weasyprint()
    with contextlib.suppress(Exception):
        templates = templates_dir(pipeline)
        template_environment(templates).get_template(REPORT_TEMPLATE)
        style = templates / "style.css"
        css = style.read_text(encoding="utf-8") if style.is_file() else ""
        page = weasyprint.HTML(string=WARM_UP_PAGE.replace("STYLE", css))
        page.render().write_pdf(pdf_variant=PDF_VARIANT)


@dataclass(frozen=True)
class Layout:
    """What laying out the report needs, as plain values: the templates' context and where
    the period's outputs go."""

    pipeline: Pipeline
    period_id: str
    context: dict[str, Any]
    created: dt.datetime
    rows_in: int


def prepare_layout(pipeline: Pipeline, period_id: str) -> tuple[Layout, ReportData]:
    """Read the period's tables and compute every number, label and chart the report shows;
    also the tables themselves, for the workbook."""
    from clusterix_reports.render.context import build_context
    from clusterix_reports.render.messages import load_messages
    from clusterix_reports.render.sources import read_report_data

    messages = load_messages(templates_dir(pipeline), pipeline.language)
    data = read_report_data(pipeline.outputs, period_id)
    created = creation_time(choose_period(pipeline, period_id, None).end)
    context = build_context(data, pipeline, messages)
    context["meta"]["created"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Layout(pipeline, period_id, context, created, len(data.indicators)), data


def workbook_bytes(data: ReportData, layout: Layout) -> bytes:
    """The period's workbook (openpyxl: imported where it is needed)."""
    from clusterix_reports.render.workbook import build_workbook

    return build_workbook(data, layout.pipeline, layout.created)


def lay_out(layout: Layout, workbook: Callable[[], bytes]) -> Rendered:
    """Write the PDF, with the workbook attached, and the workbook.

    `workbook` is asked for once the PDF is laid out, when it is attached: a run builds it
    in another process meanwhile.
    """
    pipeline, context = layout.pipeline, layout.context
    templates = templates_dir(pipeline)
    paths = report_paths(pipeline, layout.period_id)
    book = functools.cache(workbook)
    charts = {name: chart["svg"] for name, chart in context["charts"].items() if chart}
    html = render_html(templates, context)
    attached = (paths["workbook"].name, book, context["t"]("text.attachment"))
    pdf, pages = write_pdf(
        html, charts, templates, layout.created, attached, pipeline.limits.render_seconds
    )
    atomic_write_bytes(paths["workbook"], book())
    atomic_write_bytes(paths["pdf"], pdf)
    return Rendered(paths["pdf"], paths["workbook"], pages, layout.rows_in)
