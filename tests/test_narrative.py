"""The analyst's narrative: live figures as the tables print them, hostile text as text,
every mistake a sentence with file and line, the draft mark, and a command that never
overwrites."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from pypdf import PdfReader

from clusterix_reports.narrative import NarrativeError, parse_narrative

from conftest import HEADER_LOG, PIPELINE, build_workspace
from sheetwriters import write_xlsx

D = dt.date
LOG = [
    ["C1", "S1", D(2019, 11, 5), 4, 2, 1234.5, "", "An"],
    ["C3", "S2", D(2019, 12, 20), 6, 3, 75, "", "An"],
    ["C2", "S4", D(2019, 5, 5), 2, 1, 50, "", "Bram"],
]
EVERY_KIND = """---
prepared_by: An Peeters
reviewed_by: Jan Janssens
version: 3
---
## summary
A={clusters_served} B={clusters_served.previous} C={clusters_served.change} \
D={clusters_served.target} E={clusters_served.pct_of_target} F={coverage_pct} \
G={coverage_pct.change} H={spend_eur} I={period} J={data_through} K={{literal}}
"""


def _workspace(tmp_path, language: str = "en"):
    ws = build_workspace(tmp_path, PIPELINE + f'\n[report]\nlanguage = "{language}"\n')
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *LOG])])
    return ws


def _narrate(ws, text: str, period: str = "2019Q4"):
    path = ws.inputs / "narrative" / f"{period}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _pdf_text(ws, period: str = "2019Q4") -> str:
    pdf = ws.outputs / "reports" / period / f"progress-report-{period}.pdf"
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.mark.parametrize(
    "language, expected",
    [
        # 2019Q4: C1 and C3 served (2 of the 3 active: 66.7 %), none in 2019Q3; target 4;
        # spend 1,234.50 + 75 = 1,309.50; data up to 20 December 2019
        (
            "en",
            "A=2 B=0 C=+2 D=4 E=50.0 % F=66.7 % G=+66.7 pp H=EUR 1,310 I=2019Q4 "
            "J=20 December 2019 K={literal}",
        ),
        (
            "nl",
            "A=2 B=0 C=+2 D=4 E=50,0 % F=66,7 % G=+66,7 pp H=EUR 1.310 I=2019Q4 "
            "J=20 december 2019 K={literal}",
        ),
    ],
)
def test_every_placeholder_kind_prints_the_tables_value(tmp_path, language, expected) -> None:
    ws = _workspace(tmp_path, language)
    _narrate(ws, EVERY_KIND)
    assert ws.run("--period", "2019Q4") == 0
    text = re.sub(r"\s+", " ", _pdf_text(ws))
    assert expected in text


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="file:///etc/passwd">',
    "{{ 7*7 }}",
    "![logo](file:///etc/passwd) and [a link](http://example.invalid/tracker)",
]


def test_hostile_text_in_every_section_is_shown_as_text_and_nothing_is_fetched(tmp_path) -> None:
    from clusterix_reports.narrative import SECTIONS

    ws = _workspace(tmp_path)
    long = "word " * 2000  # a 10,000-character paragraph
    body = "\n\n".join(f"## {key}\n{' '.join(HOSTILE)}\n\n{long}" for key in SECTIONS)
    _narrate(ws, body)
    assert ws.run("--period", "2019Q4") == 0  # within the render's time limit
    text = re.sub(r"\s+", "", _pdf_text(ws))
    for shown in ("<script>alert('x')</script>", '<imgsrc="file:///etc/passwd">', "{7*7}"):
        assert shown in text
    assert "(http://example.invalid/tracker)" in text  # a link prints its address
    pdf = ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"
    assert b"root:x:0:0" not in pdf.read_bytes()
    assert list(PdfReader(pdf).attachments) == ["indicators-2019Q4.xlsx"]


@pytest.mark.parametrize(
    "text, line, words",
    [
        (
            "## summary\nok\n## sumary\nx\n",
            3,
            "## sumary is not a section of the report (did you mean 'summary'?)",
        ),
        ("## summary\nserved {clusters_servd}\n", 2, "{clusters_servd} is not a figure"),
        ("## budget\n\n\n{spend_eur.last_year}\n", 4, "{spend_eur.last_year} is not a figure"),
        ("---\nprepared: An\n---\n## summary\nx\n", 2, "'prepared' is not a front-matter key"),
        ("---\napproved_on: 20/01/2020\n---\n", 2, "approved_on '20/01/2020' is not a date"),
        ("---\nversion: 1\n## summary\n", 1, "never closed"),
        ("An introduction\n## summary\nx\n", 1, "belongs to no section"),
    ],
)
def test_a_bad_narrative_exits_2_naming_the_file_and_the_line(
    tmp_path, capsys, text, line, words
) -> None:
    ws = _workspace(tmp_path)
    _narrate(ws, text)
    assert ws.run("--period", "2019Q4") == 2
    err = capsys.readouterr().err
    assert f"narrative/2019Q4.md, line {line}:" in err and words in err
    assert len(err.strip().splitlines()) == 1
    assert not (ws.outputs / "reports" / "2019Q4").exists()  # nothing published


def test_without_a_narrative_the_report_is_complete_and_marked_draft_on_every_page(
    tmp_path,
) -> None:
    ws = _workspace(tmp_path)
    assert ws.run("--period", "2019Q4") == 0
    pdf = ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert all("DRAFT – not approved" in page for page in pages)
    assert "No commentary for this period" in pages[0]
    assert "10. Sources annex" in "\n".join(pages)  # every section is there
    record = json.loads((pdf.parent / "run.json").read_text())
    assert record["narrative"] is None


def test_an_approved_narrative_signs_the_cover_and_a_changed_one_renders_again_alone(
    tmp_path,
) -> None:
    ws = _workspace(tmp_path)
    path = _narrate(
        ws,
        "---\nprepared_by: An\nreviewed_by: Jan\napproved_by: Lies\napproved_on: 2020-01-20\n"
        "version: 2\n---\n## deviations\nStep 2 runs late.\n",
    )
    assert ws.run("--period", "2019Q4") == 0
    first = _pdf_text(ws)
    assert (
        "DRAFT" not in first and "Lies, 20 January 2020" in first and "Step 2 runs late." in first
    )
    path.write_text(path.read_text().replace("runs late", "is back on track"), encoding="utf-8")
    assert ws.run("--period", "2019Q4") == 0
    record = json.loads((ws.outputs / "reports" / "2019Q4" / "run.json").read_text())
    assert [s["status"] for s in record["steps"]] == ["reused", "reused", "ran"]
    import hashlib

    assert record["narrative"] == {
        "path": "narrative/2019Q4.md",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    text = _pdf_text(ws)
    assert "is back on track" in text and "narrative/2019Q4.md" in text  # in the sources annex


def test_the_narrative_command_writes_a_new_file_and_never_overwrites(tmp_path, run_cli) -> None:
    ws = _workspace(tmp_path)
    _narrate(ws, "---\nprepared_by: An Peeters\nreviewed_by: Jan Janssens\n---\n", "2019Q3")
    assert run_cli("narrative", "--pipeline", ws.pipeline_file, "--period", "2019Q4") == 0
    path = ws.inputs / "narrative" / "2019Q4.md"
    text = path.read_text(encoding="utf-8")
    shown = text.replace("\u00a0", " ")  # a figure keeps its unit: a no-break space
    assert "prepared_by: An Peeters" in text and "reviewed_by: Jan Janssens" in text
    assert "{clusters_served} = 2" in shown and "{coverage_pct.change} = +66.7 pp" in shown
    parsed = parse_narrative(text, "2019Q4.md", ["clusters_served"])  # a valid file as written
    assert parsed.sections == {} and not parsed.approved
    path.write_text("## summary\nMine.\n", encoding="utf-8")
    assert run_cli("narrative", "--pipeline", ws.pipeline_file, "--period", "2019Q4") == 0
    assert path.read_text(encoding="utf-8") == "## summary\nMine.\n"


def test_literal_braces_and_unknown_names_in_comments_are_no_placeholders() -> None:
    text = "<!-- {anything} -->\n## summary\n{{clusters_served}} is written as is\n"
    narrative = parse_narrative(text, "x.md", ["clusters_served"])
    assert narrative.sections["summary"] == "{{clusters_served}} is written as is"
    with pytest.raises(NarrativeError, match="line 2"):
        parse_narrative("## summary\n{nope}\n", "x.md", ["clusters_served"])
