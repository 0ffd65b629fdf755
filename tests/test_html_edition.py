"""The HTML edition: one self-contained, accessible page with the PDF's numbers, opened in
a real browser (Debian's Chromium, headless) at a desktop's and a phone's width."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import HEADER_LOG, build_workspace
from sheetwriters import write_xlsx

D = dt.date
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOG = [
    ["C1", "S1", D(2019, 11, 5), 4, 2, 1234.5, "", "An"],
    ["C3", "S2", D(2019, 12, 20), 6, 3, 75, "", "An"],
    ["C2", "S4", D(2019, 5, 5), 2, 1, 50, "", "Bram"],
]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    ws = build_workspace(tmp_path_factory.mktemp("html"))
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *LOG])])
    assert ws.run("--period", "2019Q4") == 0
    folder = ws.outputs / "reports" / "2019Q4"
    return folder / "progress-report-2019Q4.html", folder / "progress-report-2019Q4.pdf"


class Outline(HTMLParser):
    """The page's headings, tables (with caption and header cells), charts and landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.tables: list[dict] = []
        self.charts: list[dict] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": False, "th": False})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "th" and self.tables:
            self.tables[-1]["th"] = True
        if attributes.get("role") == "img":
            self.charts.append(attributes)
        if tag == "meta" and attributes.get("http-equiv"):
            self.meta[attributes["http-equiv"]] = attributes.get("content", "")


def outline(path: Path) -> Outline:
    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_page_is_self_contained_and_accessible(edition) -> None:
    html, _ = edition
    page = outline(html)
    text = html.read_text(encoding="utf-8")
    assert "default-src 'none'" in page.meta["Content-Security-Policy"]
    assert not re.search(r'\b(src|href)="(?!#)', text)  # nothing to load: no file, no address
    assert "<script" not in text.lower()
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert {"header", "nav", "main"} <= set(page.tags)
    assert page.tables and all(t["caption"] and t["th"] for t in page.tables)
    assert len(page.charts) >= 4 and all(c.get("aria-label") for c in page.charts)
    assert text.count("<details>") == len(page.charts)  # each chart's data one click away


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_html_numbers_equal_the_pdf_numbers(edition) -> None:
    html, pdf = edition
    page = _words(re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8")).replace("&nbsp;", " "))
    printed = _words(" ".join(p.extract_text() for p in PdfReader(pdf).pages))
    # the indicator table's rows, as the PDF prints them (label and figures)
    for label in ("Clusters served", "Coverage of active clusters", "Spend on services"):
        pdf_row = re.search(re.escape(label) + r" [a-z_]+ ([0-9.,−+–% pEUR]+)", printed)
        assert pdf_row, label
        figures = pdf_row.group(1).split()
        assert " ".join(figures[:2]) in page
    for figure in ("66.7 %", "1,310", "+66.7 pp", "50.0 %"):
        assert figure in page and figure in printed


def _show(browser, html: Path, width: int, shot: Path) -> tuple[list, list, int]:
    """Open the page at `width`: the errors it logs, the requests it makes, its scroll width."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(shot), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    return problems, requests, scroll


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_a_real_browser_shows_it_without_errors_requests_or_sideways_scroll(
    edition, tmp_path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    html, _ = edition
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width in (1280, 390):
                shot = tmp_path / f"report-{width}.png"
                problems, requests, scroll = _show(browser, html, width, shot)
                assert shot.stat().st_size > 10_000
                assert problems == []
                assert requests == [html.as_uri()]  # nothing leaves the file
                assert scroll <= width  # wide tables scroll inside themselves, the page does not
        finally:
            browser.close()
