"""Every supported format, written by the real libraries, loads the same rows."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from clusterix_reports.ingest import ingest

from conftest import Workspace
from sheetwriters import (
    convert_with_libreoffice,
    libreoffice,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
    write_xlsx_1904,
)

D = dt.date
HEADER = [
    "Clusterorganisatie",
    "Type dienst",
    "Datum activiteit",
    "Aantal deelnemers",
    "Aantal uren",
    "Kost (EUR)",
    "Opmerkingen",
]
ROWS = [
    ["Flanders' Food", "Account management", D(2019, 5, 3), 12, 2.5, 1234.56, "Kick-off"],
    ["blue cluster", "S4", D(2017, 2, 1), None, 1, None, "<b>quoted</b> @home, 50%"],
    ["AGRO NET", "coaching businessmodel", D(2020, 1, 15), 3, 4, 0, None],
]
EXPECTED = [
    ("C1", "S1", D(2019, 5, 3), 12, 2.5, 1234.56, "Kick-off"),
    ("C2", "S4", D(2017, 2, 1), None, 1.0, None, "<b>quoted</b> @home, 50%"),
    ("C3", "S2", D(2020, 1, 15), 3, 4.0, 0.0, None),
]


def loaded_rows(ws: Workspace) -> list[tuple]:
    log = ingest(ws.pipeline()).tables["service_log"]
    rows = []
    for r in log.sort_values("date").itertuples():
        rows.append(
            (
                r.cluster_id,
                r.service_id,
                r.date.date(),
                None if r.participants != r.participants else int(r.participants),
                r.hours,
                None if r.cost_eur != r.cost_eur else r.cost_eur,
                r.notes if isinstance(r.notes, str) else None,
            )
        )
    return rows


def expected_sorted() -> list[tuple]:
    return sorted(EXPECTED, key=lambda e: e[2])


def belgian(rows: list[list]) -> list[list]:
    """The rows as a Belgian Excel saves them to csv: day-first dates, decimal commas."""
    out = []
    for row in rows:
        cost = (
            None
            if row[5] is None
            else f"{row[5]:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        )
        out.append(
            [
                row[0],
                row[1],
                row[2].strftime("%d/%m/%Y"),
                row[3],
                str(row[4]).replace(".", ","),
                cost,
                row[6],
            ]
        )
    return out


@pytest.mark.parametrize(
    "name, write",
    [
        ("log.xlsx", lambda p: write_xlsx(p, [("Log", [HEADER, *ROWS])])),
        ("log-1904.xlsx", lambda p: write_xlsx_1904(p, [("Log", [HEADER, *ROWS])])),
        ("log.xlsm", lambda p: write_xlsx(p, [("Log", [HEADER, *ROWS])])),
        ("log.xls", lambda p: write_xls(p, [("Log", [HEADER, *ROWS])])),
        ("log.ods", lambda p: write_ods(p, [("Log", [HEADER, *ROWS])])),
        ("log-utf8.csv", lambda p: write_csv(p, [HEADER, *belgian(ROWS)], delimiter=";")),
        (
            "log-bom.csv",
            lambda p: write_csv(p, [HEADER, *belgian(ROWS)], delimiter=";", encoding="utf-8-sig"),
        ),
        (
            "log-1252.csv",
            lambda p: write_csv(p, [HEADER, *belgian(ROWS)], delimiter=";", encoding="cp1252"),
        ),
        (
            "log-comma.csv",
            lambda p: write_csv(
                p,
                [HEADER, *[[r[0], r[1], r[2].isoformat(), r[3], r[4], r[5], r[6]] for r in ROWS]],
                delimiter=",",
            ),
        ),
    ],
)
def test_every_format_loads_the_same_values(workspace: Workspace, name, write) -> None:
    write(workspace.export(name))
    assert loaded_rows(workspace) == expected_sorted()


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("target", ["xls", "ods", "xlsx"])
def test_files_saved_by_libreoffice_load_the_same_values(
    workspace: Workspace, tmp_path, target
) -> None:
    source = write_xlsx(
        tmp_path / "made-by-openpyxl.xlsx", [("Log", [["Titel"], [], HEADER, *ROWS])]
    )
    converted = convert_with_libreoffice(source, target, tmp_path / "lo")
    shutil.copy(converted, workspace.export(f"by-libreoffice.{target}"))
    assert loaded_rows(workspace) == expected_sorted()


def test_a_1904_workbook_keeps_its_dates(workspace: Workspace) -> None:
    write_xlsx_1904(workspace.export("mac.xlsx"), [("Log", [HEADER, ROWS[0]])])
    log = ingest(workspace.pipeline()).tables["service_log"]
    assert log["date"].iloc[0].date() == D(2019, 5, 3)
