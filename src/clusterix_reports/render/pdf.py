"""The PDF progress report: Jinja2 templates (autoescaped) laid out by WeasyPrint.

The renderer reads only the templates folder and the run's own generated assets (the
charts); every other URL is refused with a fatal error, so nothing from an input can make
it fetch a file or reach the network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2

from clusterix_reports.errors import ExitCode, UserError
from clusterix_reports.render.format import shown
from clusterix_reports.render.weasyprint_import import import_weasyprint

REPORT_TEMPLATE = "report.html.j2"
PDF_VARIANT = "pdf/a-3a"  # tagged PDF/A-3; the PDF/UA-1 identification is added to the XMP
PDFUA_XMP = (
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
    b"</rdf:RDF>"
)


class RefusedResourceError(Exception):
    """The report asked for a resource outside the templates and the run's assets."""


@functools.cache
def template_environment(templates: Path) -> jinja2.Environment:
    """Jinja2 with autoescape on for every template: input values never become markup.

    One per templates folder, so a template is compiled once per process (a fifth of a
    second); Jinja2 compiles it again when its file changes.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=shown,
    )


def render_html(templates: Path, context: dict[str, Any]) -> str:
    """The report as HTML."""
    return template_environment(templates).get_template(REPORT_TEMPLATE).render(**context)


def _fetcher(allowed_roots: list[Path]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    roots = [root.resolve() for root in allowed_roots]

    class LocalOnlyFetcher(URLFetcher):
        """Serves files under the allowed folders; refuses everything else, fatally."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(
                    f"refused to fetch {url[:80]!r}: only the report's own files"
                )
            path = Path(unquote(parsed.path)).resolve()
            if ".." in Path(unquote(parsed.path)).parts or not any(
                path.is_relative_to(r) for r in roots
            ):
                raise FatalURLFetchingError(
                    f"refused to read {url[:80]!r}: outside the templates and assets"
                )
            if not path.is_file():
                raise FatalURLFetchingError(f"refused to read {url[:80]!r}: no such file")
            mime = "image/svg+xml" if path.suffix == ".svg" else "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return LocalOnlyFetcher(fail_on_errors=True)


class RenderTimeoutError(BaseException):
    """The render's time is up. A BaseException, so WeasyPrint's `except Exception` around image
    loading and fetching cannot swallow it and carry on laying out."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Stop a render that takes longer than `seconds` (where the system has alarms).

    The alarm repeats every tenth of a second once the time is up, and the outcome is checked
    after the block: an exception raised where Python ignores it (a garbage-collector callback,
    a destructor) cannot let an overlong render finish as if on time.
    """
    import signal
    import threading

    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    state = {"expired": False, "armed": True}

    def expired(signum: int, frame: Any) -> None:
        state["expired"] = True
        if state["armed"]:
            raise RenderTimeoutError

    too_long = UserError(
        f"rendering the PDF took longer than {seconds} s ([limits] render_seconds); the report is "
        "too large to lay out, or the machine is overloaded",
        ExitCode.UNEXPECTED,
    )
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        try:
            yield
        finally:
            state["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except RenderTimeoutError:
        raise too_long from None
    if state["expired"]:
        raise too_long


def write_pdf(
    html: str,
    charts: dict[str, str],
    templates: Path,
    created: dt.datetime,
    attachment: tuple[str, bytes | Callable[[], bytes], str] | None = None,
    seconds: int = 600,
) -> tuple[bytes, int]:
    """Lay out the HTML with its charts: the PDF bytes (identical for identical input) and pages."""
    weasyprint = import_weasyprint()

    with (
        tempfile.TemporaryDirectory(prefix="clusterix-assets-") as folder,
        time_limit(seconds),
    ):
        assets = Path(folder)
        for name, svg in charts.items():
            (assets / f"{name}.svg").write_text(svg, encoding="utf-8")
        document = weasyprint.HTML(
            string=html, base_url=assets.as_uri() + "/", url_fetcher=_fetcher([templates, assets])
        ).render()
        document.metadata.xmp_metadata = [PDFUA_XMP]
        attachments = []
        if attachment is not None:
            name, data, description = attachment
            data = data() if callable(data) else data  # asked for once the layout is done
            attachments.append(
                weasyprint.Attachment(
                    file_obj=io.BytesIO(data),
                    name=name,
                    description=description,
                    relationship="Source",
                    created=created,
                    modified=created,
                )
            )
        with _fixed_clock(created):
            return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=attachments), len(
                document.pages
            )


@contextlib.contextmanager
def _fixed_clock(created: dt.datetime) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the libraries that stamp files with the time (fontTools' subsetter)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
