"""The render step: the report model into the PDF report and the workbook, as bytes.

It has two halves. `prepare_layout` formats the report model into the templates' context
(pandas is needed here). `lay_out` turns that into the PDF with WeasyPrint and attaches
the workbook it is handed (no pandas here). Both return bytes; the runner writes them.
How the halves share the cores is the runner's business (runner/overlap.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from clusterix_reports.report.model import ReportModel


def creation_time(period_end: dt.date) -> dt.datetime:
    """The documents' creation time: SOURCE_DATE_EPOCH when set, else the period's end."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.combine(period_end, dt.time(), tzinfo=dt.UTC)


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
    """What laying out the report needs, as plain values: the templates' context, the
    workbook's file name and the documents' creation time."""

    pipeline: Pipeline
    context: dict[str, Any]
    workbook_name: str
    created: dt.datetime


def prepare_layout(model: ReportModel, pipeline: Pipeline, workbook_name: str) -> Layout:
    """Format every number, label and chart of the report model for the templates."""
    from clusterix_reports.render.context import build_context
    from clusterix_reports.render.messages import load_messages

    messages = load_messages(templates_dir(pipeline), pipeline.language)
    created = creation_time(model.period.end)
    context = build_context(model, pipeline, messages)
    context["meta"]["created"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    context["edition"] = "pdf"
    return Layout(pipeline, context, workbook_name, created)


def workbook_bytes(model: ReportModel, layout: Layout) -> bytes:
    """The period's workbook (openpyxl: imported where it is needed)."""
    from clusterix_reports.render.workbook import build_workbook

    return build_workbook(model, layout.pipeline, layout.created, layout.context["t"])


def lay_out(layout: Layout, workbook: Callable[[], bytes]) -> tuple[bytes, int]:
    """The PDF's bytes, with the workbook attached, and its number of pages.

    `workbook` is asked for once the PDF is laid out, when it is attached: a run builds it
    in another process meanwhile.
    """
    pipeline, context = layout.pipeline, layout.context
    templates = templates_dir(pipeline)
    charts = {name: chart["svg"] for name, chart in context["charts"].items() if chart}
    html = render_html(templates, context)
    attached = (layout.workbook_name, workbook, context["t"]("text.attachment"))
    return write_pdf(
        html, charts, templates, layout.created, attached, pipeline.limits.render_seconds
    )


def html_edition(layout: Layout) -> bytes:
    """The report as one self-contained web page: the PDF's templates and context, the
    charts inline, a strict Content-Security-Policy, nothing to fetch."""
    templates = templates_dir(layout.pipeline)
    return render_html(templates, {**layout.context, "edition": "html"}).encode("utf-8")
