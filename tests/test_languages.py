"""The Dutch edition is Dutch throughout: every word of the English catalogue has a Dutch
text, and a Dutch report holds none of the English edition's own words."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from pypdf import PdfReader

from clusterix_reports.compute.definitions import DEFINITIONS

from conftest import HEADER_LOG, PIPELINE, build_workspace
from sheetwriters import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def _catalogue(language: str) -> dict:
    return tomllib.loads((ROOT / "templates" / f"messages.{language}.toml").read_text("utf-8"))


def _texts(tree: dict, prefix: str = "") -> dict[str, str]:
    found = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            found |= _texts(value, f"{prefix}{key}.")
        else:
            found[prefix + key] = value
    return found


def test_every_english_text_has_a_dutch_one() -> None:
    english, dutch = _texts(_catalogue("en")), _texts(_catalogue("nl"))
    assert sorted(set(english) - set(dutch)) == []
    assert all(dutch[key].strip() for key in english)
    for definition in DEFINITIONS:  # English texts of indicators come from the definitions
        for part in ("label", "definition", "rule"):
            assert dutch.get(f"indicator.{definition.id}.{part}"), (definition.id, part)


def test_a_dutch_report_holds_none_of_the_english_edition_s_words(tmp_path) -> None:
    ws = build_workspace(tmp_path, PIPELINE + '\n[report]\nlanguage = "nl"\n')
    rows = [
        ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"],
        ["C3", "S2", D(2019, 12, 20), 6, 3, 75, "", "An"],
        ["Niemand", "S1", D(2019, 12, 21), 1, 1, 1, "", "An"],
    ]
    write_xlsx(ws.export("log.xlsx"), [("Log", [HEADER_LOG, *rows])])
    plan = [  # the reference data in Dutch too: only the program's own words are checked
        ["Stap", "Titel", "Geplande start", "Gepland einde", "Status", "Werkelijk einde"],
        [1, "Matchmaking", "2017-06", "2017-06", "afgerond", D(2017, 6, 28)],
        [2, "Interclustermanagers", "november 2018", "2020-10", "lopend", None],
        [3, "Dienstenpakket", "2019-01", "2019-01", "niet gestart", None],
    ]
    write_xlsx(ws.inputs / "reference" / "action-plan.xlsx", [("Plan", plan)])
    # what the data-quality annex says of files and sheets it could not read, in Dutch
    (ws.export("notulen.docx")).write_bytes(b"PK not a workbook")
    write_xlsx(ws.export("uitleg.xlsx"), [("Uitleg", [["Vul een rij per gebruik in."]])])
    assert ws.run("--period", "2019Q4") == 0
    pdf = ws.outputs / "reports" / "2019Q4" / "progress-report-2019Q4.pdf"
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))
    english, dutch = _texts(_catalogue("en")), _texts(_catalogue("nl"))
    leaks = []
    for key, words in english.items():
        if words == dutch.get(key) or key.startswith("workbook."):
            continue
        phrase = re.split(r"\{", words)[0].strip(" :(")  # the words before any figure
        # a whole word or phrase, not part of a file name (reference/services.csv)
        if len(phrase) >= 4 and re.search(rf"(?<![\w/.]){re.escape(phrase)}(?![\w/.])", text):
            leaks.append((key, phrase))
    for definition in DEFINITIONS:
        for phrase in (definition.label, definition.definition):
            if phrase in text:
                leaks.append((definition.id, phrase))
    assert leaks == []
    assert "geen rekenblad (.docx); alleen xlsx, xlsm, xls, ods en csv worden gelezen" in text
    assert "Uitleg: geen kopregel in de eerste 15 rijen noemt de verplichte kolommen" in text
    for english in ("not a spreadsheet", "no header row", "service log"):
        assert english not in text
