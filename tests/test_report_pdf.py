"""The PDF progress report, read back: sections, figures, form, metadata, safety."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
import time

import pyarrow.parquet as pq
import pytest
from pypdf import PdfReader

from clusterix_reports.cli import main

from conftest import HEADER_LOG, build_workspace
from sheetwriters import write_xlsx

D = dt.date
SECTIONS_EN = [
    "1. Summary",
    "2. Action plan implementation",
    "3. Deviations, risks and next steps",
    "4. Monitoring indicators",
    "5. Service uptake",
    "6. Intercluster collaboration",
    "7. Cluster policy benchmark",
    "8. Budget",
    "9. Data quality annex",
    "10. Sources annex",
]


def pdf_text(path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def rendered(tmp_path_factory, name: str, rows, pipeline_extra: str = ""):
    from conftest import PIPELINE

    ws = build_workspace(tmp_path_factory.mktemp(name), PIPELINE + pipeline_extra)
    write_xlsx(ws.export("log.xlsx"), [("Log", [["Dienstverlening – test"], HEADER_LOG, *rows])])
    assert main(["run", "--pipeline", str(ws.pipeline_file), "--period", "2019Q4"]) == 0
    return ws, ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"


ROWS = [
    ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "Kick-off", "An"],
    ["C2", "S4", D(2019, 5, 5), 2, 1, 50, "", "Bram"],
    ["C3", "S2", D(2019, 12, 20), 6, 3, 75, "", "An"],
    ["Nobody", "S1", D(2019, 12, 20), 6, 3, 75, "", "An"],
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return rendered(tmp_path_factory, "report", ROWS)


def test_every_section_is_present_in_order(report) -> None:
    text = pdf_text(report[1])
    positions = [text.find(title) for title in SECTIONS_EN]
    assert -1 not in positions
    body = text[
        text.find("1. Summary", text.find("10. Sources annex")) :
    ]  # after the table of contents
    assert [body.find(t) for t in SECTIONS_EN] == sorted(body.find(t) for t in SECTIONS_EN)


def test_headline_figures_equal_the_indicator_table(report) -> None:
    ws, pdf = report
    table = pq.read_table(
        ws.outputs / "reports" / "2019Q4" / "indicators-2019Q4.parquet"
    ).to_pandas()
    row = table.query(
        "period == '2019Q4' and indicator_id == 'clusters_served' and breakdown == 'total'"
    ).iloc[0]
    # the data start on 2019-05-05: 2019Q3 has none of it (0), 2018Q4 no data yet (empty)
    assert (row.value, row.previous_value, row.cumulative_value, row.target) == (2, 0, 3, 4)
    assert row.year_ago_value != row.year_ago_value  # NaN: no data yet is not zero
    summary = PdfReader(pdf).pages[1].extract_text()
    headings = ["This period", "Previous period", "Same period", "Since the", "% of target"]
    where = [summary.find(h) for h in headings]
    assert -1 not in where and where == sorted(where), where  # the columns, in this order
    numbers = re.findall(r"\b\d+(?:\.\d)?\b|–", summary.split("% of target", 1)[1])
    shown = [
        f"{v:g}" if v == v else "–"
        for v in (
            row.value,
            row.previous_value,
            row.year_ago_value,
            row.cumulative_value,
            row.target,
        )
    ]
    assert numbers[:6] == [*shown, "50.0"]  # value, previous, year ago, cumulative, target, %


def test_the_charts_alternative_texts_carry_the_period_s_figures(report) -> None:
    import pikepdf

    with pikepdf.open(report[1]) as pdf:
        alts = [
            str(o.Alt) for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/Alt" in o
        ]
    # 2019Q4: C1 (spearhead) on 5 Nov and C3 (ibn) on 20 Dec; C2's use was in 2019Q2 and
    # the row of "Nobody" is rejected
    trend = next(a for a in alts if a.startswith("Line chart of the number of clusters served per"))
    assert "In 2019Q4: 2 clusters in total, 1 spearhead clusters, 1 innovative" in trend
    reach = next(a for a in alts if "from the programme start" in a)
    assert "By 2019Q4: 3 clusters." in reach  # C2 in 2019Q2 as well
    uses = next(a for a in alts if a.startswith("Small line charts"))
    assert "In 2019Q4: 2 uses." in uses


def test_page_count_and_page_x_of_y_agree(report) -> None:
    reader = PdfReader(report[1])
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"page {number} of {pages}" in page.extract_text()


def test_metadata_language_tags_and_archival_identification(report) -> None:
    reader = PdfReader(report[1])
    info = reader.metadata
    assert info.title.startswith("Progress report 2019Q4")
    assert info.author == "Test partner" and info.subject and "Interreg" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20191231")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp


def test_the_run_s_data_is_attached(report) -> None:
    attachments = PdfReader(report[1]).attachments
    assert len(attachments) == 1
    ((name, contents),) = attachments.items()
    assert name.startswith("indicators-2019Q4.")
    assert contents[0][:4] in (b"PAR1", b"PK\x03\x04")


def test_every_font_is_embedded(report) -> None:
    reader = PdfReader(report[1])
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            descriptor = descriptor.get_object()
            fonts[font["/BaseFont"]] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts


def test_the_pdf_ua_checker_finds_no_error(report) -> None:
    from pdfua import Severity, validate

    errors = [f for f in validate(str(report[1])).findings if f.severity == Severity.ERROR]
    assert errors == []


def test_two_renders_of_the_same_inputs_are_identical_bytes(report, tmp_path) -> None:
    ws, pdf = report
    other = tmp_path / "other"
    assert ws.run("--period", "2019Q4", "--outputs", str(other)) == 0
    assert (
        other / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"
    ).read_bytes() == pdf.read_bytes()


def test_the_report_says_when_the_inputs_are_the_synthetic_sample(report, tmp_path_factory) -> None:
    assert "SYNTHETIC" not in pdf_text(report[1])
    ws, _ = report
    (ws.inputs / "SYNTHETIC-SAMPLE.md").write_text("synthetic")
    out = tmp_path_factory.mktemp("marked")
    assert ws.run("--period", "2019Q4", "--outputs", str(out)) == 0
    (ws.inputs / "SYNTHETIC-SAMPLE.md").unlink()
    reader = PdfReader(out / "reports" / "2019Q4" / "progress-report-2019Q4.pdf")
    assert all("SYNTHETIC SAMPLE DATA" in page.extract_text() for page in reader.pages)


def test_dutch_labels_with_the_report_language_setting(tmp_path_factory) -> None:
    _, pdf = rendered(tmp_path_factory, "dutch", ROWS[:1], '\n[report]\nlanguage = "nl"\n')
    text = pdf_text(pdf)
    assert (
        "Voortgangsrapport" in text and "Bijlage datakwaliteit" in text and "pagina 1 van" in text
    )
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "nl"


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<span style="background: url(file:///etc/passwd)">x</span>',
    "http://example.invalid/tracker.png",
]


def test_input_values_are_printed_as_characters_and_fetch_nothing(
    tmp_path_factory, monkeypatch
) -> None:
    real_connect = socket.socket.connect

    def no_network(self, address):
        if self.family in (
            socket.AF_INET,
            socket.AF_INET6,
        ):  # local pipes to the worker processes are fine
            raise AssertionError("the renderer tried to reach the network")
        return real_connect(self, address)

    def no_connection(*args, **kwargs):
        raise AssertionError("the renderer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    from conftest import PIPELINE

    ws = build_workspace(tmp_path_factory.mktemp("hostile"), PIPELINE)
    registry = ws.inputs / "reference" / "clusters.xlsx"
    from conftest import CLUSTER_ROWS

    rows = [list(r) for r in CLUSTER_ROWS]
    rows[1][1] = HOSTILE[0] + " Food"
    rows[1][6] = HOSTILE[1]
    write_xlsx(registry, [("Register", rows)])
    log = [
        [HOSTILE[0] + " Food", "S1", D(2019, 11, d + 1), 1, 1, 1, note, HOSTILE[1]]
        for d, note in enumerate(HOSTILE)
    ]
    log.append(["Nobody " + HOSTILE[2], "S1", D(2019, 11, 9), 1, 1, 1, HOSTILE[3], HOSTILE[3]])
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *log])])
    assert main(["run", "--pipeline", str(ws.pipeline_file), "--period", "2019Q4"]) == 0
    pdf = ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"
    text = re.sub(r"\s+", "", pdf_text(pdf))
    for shown in (HOSTILE[0] + " Food", HOSTILE[1], "Nobody " + HOSTILE[2], HOSTILE[3]):
        assert re.sub(r"\s+", "", shown) in text  # the characters, as typed
    data = pdf.read_bytes()
    assert b"root:x:0:0" not in data
    reader = PdfReader(pdf)
    # the workbook is the one file attached: /etc/hostname, linked as an attachment, is not
    assert list(reader.attachments) == ["indicators-2019Q4.xlsx"]
    assert reader.attachments["indicators-2019Q4.xlsx"][0].startswith(b"PK\x03\x04")


def test_the_fetcher_refuses_everything_outside_the_report_files(tmp_path) -> None:
    from weasyprint.urls import FatalURLFetchingError

    from clusterix_reports.render.pdf import _fetcher

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "chart.svg").write_text("<svg/>")
    fetch = _fetcher([tmp_path / "assets"])
    assert fetch((tmp_path / "assets" / "chart.svg").as_uri()).read() == b"<svg/>"
    for url in [
        "file:///etc/passwd",
        (tmp_path / "assets").as_uri() + "/../secret",
        "http://example.com/x",
        "https://example.com/x",
        "data:text/plain,hello",
        "file://otherhost/etc/passwd",
    ]:
        with pytest.raises(FatalURLFetchingError):
            fetch(url)


def test_thousands_of_rejections_are_summarised_in_the_pdf_and_listed_in_the_workbook(
    tmp_path_factory,
) -> None:
    import openpyxl

    rows = [["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"]]
    rows += [[f"Nobody {i}", "S1", D(2019, 11, 5), 1, 1, 1, "", "An"] for i in range(300)]
    _, pdf = rendered(tmp_path_factory, "many", rows)
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert "40 of 300 rejected rows are listed here" in text
    assert "Nobody 39" in text and "Nobody 299" not in text
    book = openpyxl.load_workbook(pdf.with_name("indicators-2019Q4.xlsx"), read_only=True)
    assert book["Data quality"].max_row == 301


def test_a_render_past_its_time_limit_stops_with_one_sentence(
    tmp_path_factory, capsys, monkeypatch
) -> None:
    import weasyprint

    from conftest import PIPELINE

    ws = build_workspace(
        tmp_path_factory.mktemp("slow"), PIPELINE + "\n[limits]\nrender_seconds = 1\n"
    )
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *ROWS])])
    layout = weasyprint.HTML.render

    def slow_layout(self, *args, **kwargs):
        time.sleep(3)  # a layout that takes longer than the limit, on any machine
        return layout(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", slow_layout)
    command = ["run", "--pipeline", str(ws.pipeline_file), "--period", "2019Q4", "--debug"]
    assert main(command) == 1
    assert "rendering the PDF took longer than 1 s" in capsys.readouterr().err
    assert not (ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf").exists()


def test_a_time_limit_whose_alarm_is_swallowed_still_stops_the_render() -> None:
    """Python ignores exceptions raised in garbage-collector callbacks and destructors; an alarm
    that lands there must not let an overlong render pass as finished on time."""
    import time

    from clusterix_reports.errors import UserError
    from clusterix_reports.render.pdf import time_limit

    swallowed = 0
    with pytest.raises(UserError, match="took longer than 1 s"), time_limit(1):
        try:
            time.sleep(3)
        except BaseException:
            swallowed += 1
    assert swallowed == 1
