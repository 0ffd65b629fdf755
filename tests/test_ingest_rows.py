"""Rows: header detection, every reason code with its row number, duplicates, broken files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd
from msoffcrypto.format.ooxml import OOXMLFile

from clusterix_reports.ingest import ingest

from conftest import Workspace
from sheetwriters import write_csv, write_ods, write_xlsx

D = dt.date
HEADER = ["Cluster", "Service", "Date", "Participants", "Hours", "Cost", "Notes"]


def sheet_record(result, path: str, sheet: str) -> dict:
    record = next(f for f in result.record()["files"] if f["path"] == path)
    return next(s for s in record["sheets"] if s["name"] == sheet)


def assert_rows_add_up(result) -> None:
    for f in result.record()["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["rows_loaded"] + s["rows_duplicate"] + s["rows_rejected"], (
                f["path"],
                s,
            )


def test_header_below_title_rows_is_found_and_rows_are_numbered_as_seen(
    workspace: Workspace,
) -> None:
    rows = [
        ["Dienstverlening 2019"],
        ["Accountmanager: An"],
        [],
        [" CLUSTER ", "dienst", "DATUM"],
        ["C1", "S1", D(2019, 5, 3)],
        [],
        ["C2", "S1", "gisteren"],
    ]
    write_xlsx(workspace.export("an.xlsx"), [("2019", rows)])
    result = ingest(workspace.pipeline())
    record = sheet_record(result, "exports/an.xlsx", "2019")
    assert record["header_row"] == 4
    assert (record["rows_read"], record["rows_loaded"], record["rows_rejected"]) == (2, 1, 1)
    assert result.tables["service_log"]["source_row"].tolist() == [5]
    assert result.rejected[["source_row", "field", "value", "reason"]].values.tolist() == [
        [7, "date", "gisteren", "bad_date"]
    ]


def test_headers_match_whatever_their_case_accents_punctuation_and_units(
    workspace: Workspace,
) -> None:
    header = [
        "clusterorganisatie",
        "TYPE_DIENST",
        "Datum activiteit",
        "  AANTAL   DEELNEMERS ",
        "Duur (u)",
        "Cost [€]",
        "Opmérkingen",
        "Telefoon",
    ]
    write_xlsx(
        workspace.export("x.xlsx"),
        [("Log", [header, ["FF", "S1", D(2019, 1, 2), 4, 2, 10, "ok", "0470"]])],
    )
    result = ingest(workspace.pipeline())
    row = result.tables["service_log"].iloc[0]
    assert (row.cluster_id, row.participants, row.hours, row.cost_eur, row.notes) == (
        "C1",
        4,
        2.0,
        10.0,
        "ok",
    )
    assert sheet_record(result, "exports/x.xlsx", "Log")["unknown_columns"] == ["Telefoon"]


def test_two_columns_for_one_field_fail_the_sheet_with_a_reason(workspace: Workspace) -> None:
    write_xlsx(
        workspace.export("x.xlsx"),
        [
            (
                "Log",
                [["Cluster", "Clusternaam", "Dienst", "Datum"], ["C1", "C1", "S1", D(2019, 1, 2)]],
            )
        ],
    )
    record = sheet_record(ingest(workspace.pipeline()), "exports/x.xlsx", "Log")
    assert record["status"] == "failed"
    assert "'Cluster' and 'Clusternaam' both mean cluster" in record["reason"]


def test_hidden_and_unrecognised_sheets_are_skipped_and_listed(workspace: Workspace) -> None:
    write_ods(
        workspace.export("x.ods"),
        [
            ("Instructies", [["Vul één rij per gebruik in."]]),
            ("Log", [HEADER, ["C1", "S1", D(2019, 1, 2)]]),
            ("Lijsten", [HEADER, ["C2", "S1", D(2019, 1, 2)]], {"hidden": True}),
        ],
    )
    result = ingest(workspace.pipeline())
    assert sheet_record(result, "exports/x.ods", "Lijsten")["reason"] == "a hidden sheet"
    assert sheet_record(result, "exports/x.ods", "Instructies")["status"] == "skipped"
    assert (
        "no header row in the first 15 rows"
        in sheet_record(result, "exports/x.ods", "Instructies")["reason"]
    )
    assert result.tables["service_log"]["cluster_id"].tolist() == ["C1"]


def test_every_date_form_of_the_contract(workspace: Workspace) -> None:
    forms = [
        "2019-05-03",
        "03/05/2019",
        "3-5-2019",
        "03.05.2019",
        "3 mei 2019",
        "3 May 2019",
        "43588",
        "2019-05-03 14:30",
    ]
    rows = [HEADER] + [["C1", "S1", f, None, None, None, f] for f in forms]
    write_csv(workspace.export("dates.csv"), rows, delimiter=";")
    log = ingest(workspace.pipeline()).tables["service_log"]
    assert len(log) == len(forms)
    assert set(log["date"].dt.date) == {D(2019, 5, 3)}


def test_every_number_form_of_the_contract(workspace: Workspace) -> None:
    forms = {
        "1234.5": 1234.5,
        "1.234,56": 1234.56,
        "1 234,56": 1234.56,
        "€ 1.234,56": 1234.56,
        "1.234,56 EUR": 1234.56,
        "12,5": 12.5,
        "\u00a0€\u00a01\u00a0234,56 ": 1234.56,
    }
    rows = [HEADER] + [
        ["C1", "S1", f"0{i + 1}/05/2019", None, None, text, str(i)] for i, text in enumerate(forms)
    ]
    write_csv(workspace.export("numbers.csv"), rows, delimiter=";", encoding="cp1252")
    log = ingest(workspace.pipeline()).tables["service_log"].sort_values("notes")
    assert log["cost_eur"].tolist() == list(forms.values())


def test_every_reason_code_with_its_row_number(workspace: Workspace) -> None:
    log = [
        ["Log of Bram"],
        HEADER,
        ["C1", "S1", D(2019, 1, 1), 3, 1, 10, "fine"],  # row 3
        [None, "S1", D(2019, 1, 2)],  # 4 missing_value
        ["Nobody", "S1", D(2019, 1, 3)],  # 5 unknown_cluster
        ["C1", "Coffee", D(2019, 1, 4)],  # 6 unknown_service
        ["C1", "S1", "31/02/2019"],  # 7 bad_date
        ["C1", "S1", D(2015, 1, 5)],  # 8 date_out_of_range
        ["C1", "S1", D(2019, 1, 6), "veel"],  # 9 bad_number
        ["C1", "S1", D(2019, 1, 7), None, None, -5],  # 10 negative_number
        ["C1", "S1", D(2019, 1, 8), 2.5],  # 11 not_whole_number
    ]
    write_xlsx(workspace.export("bram/log.xlsx"), [("Log", log)])
    projects = [
        ["Project", "Clusters", "Status", "Goedgekeurd op"],
        ["P1", "C1; C2", "goedgekeurd", D(2019, 2, 1)],  # 2 loaded
        ["P2", "C1, C2", "maybe", D(2019, 2, 1)],  # 3 bad_status
        ["P3", "C1", "approved", D(2019, 2, 1)],  # 4 too_few_clusters
        ["P1", "C1 / C3", "approved", D(2019, 2, 1)],  # 5 duplicate_id
        ["P4", "C1; Nobody", "approved", D(2019, 2, 1)],
    ]  # 6 unknown_cluster
    write_csv(workspace.export("projects.csv"), projects, delimiter=",")
    result = ingest(workspace.pipeline())
    found = result.rejected[["source_file", "source_row", "reason", "value"]].values.tolist()
    assert found == [
        ["exports/bram/log.xlsx", 4, "missing_value", ""],
        ["exports/bram/log.xlsx", 5, "unknown_cluster", "Nobody"],
        ["exports/bram/log.xlsx", 6, "unknown_service", "Coffee"],
        ["exports/bram/log.xlsx", 7, "bad_date", "31/02/2019"],
        ["exports/bram/log.xlsx", 8, "date_out_of_range", "2015-01-05"],
        ["exports/bram/log.xlsx", 9, "bad_number", "veel"],
        ["exports/bram/log.xlsx", 10, "negative_number", "-5"],
        ["exports/bram/log.xlsx", 11, "not_whole_number", "2.5"],
        ["exports/projects.csv", 3, "bad_status", "maybe"],
        ["exports/projects.csv", 4, "too_few_clusters", "C1"],
        ["exports/projects.csv", 5, "duplicate_id", "P1"],
        ["exports/projects.csv", 6, "unknown_cluster", "Nobody"],
    ]
    assert all(result.rejected["message"].str.len() > 20)
    assert (
        result.rejected.loc[result.rejected["source_row"] == 5, "account_manager"].iloc[0] == "An"
    )
    assert result.tables["intercluster_projects"]["cluster_ids"].tolist() == [["C1", "C2"]]
    assert_rows_add_up(result)


def test_duplicates_within_and_across_files_are_kept_once_and_counted(workspace: Workspace) -> None:
    use = ["C1", "S1", D(2019, 3, 1), 5, 2, 100, "same"]
    write_xlsx(
        workspace.export("an.xlsx"), [("Log", [HEADER, use, use, ["C2", "S1", D(2019, 3, 2)]])]
    )
    write_csv(
        workspace.export("bram.csv"),
        [HEADER, ["Flanders Food", "accountmanagement", "01/03/2019", "5", "2", "100", "same"]],
        delimiter=";",
    )
    result = ingest(workspace.pipeline())
    assert len(result.tables["service_log"]) == 2
    assert sheet_record(result, "exports/an.xlsx", "Log")["rows_duplicate"] == 1
    assert sheet_record(result, "exports/bram.csv", "bram")["rows_duplicate"] == 1
    assert result.totals["rows_duplicate"] == 2
    assert_rows_add_up(result)


def test_a_duplicate_is_found_whether_its_sheets_are_parsed_or_cached(
    workspace: Workspace, tmp_path
) -> None:
    """The rows' hashes are made where each sheet is parsed and kept in the cache: equal rows
    match across a fresh and a cached sheet, and across a sheet without the notes column
    and one where it is empty."""
    from clusterix_reports.ingest.dedupe import row_hashes

    use = ["C1", "S1", D(2019, 3, 1), 5, 2, 100]
    write_xlsx(workspace.export("an.xlsx"), [("Log", [HEADER, [*use, None]])])
    write_xlsx(workspace.export("bram.xlsx"), [("Log", [HEADER[:6], use])])
    cache = tmp_path / "cache"
    first = ingest(workspace.pipeline(), cache_dir=cache)
    assert sheet_record(first, "exports/bram.xlsx", "Log")["rows_duplicate"] == 1
    write_xlsx(  # changed: read again, while bram.xlsx comes from the cache
        workspace.export("an.xlsx"), [("Log", [HEADER, [*use, None], ["C2", "S1", D(2019, 3, 2)]])]
    )
    again = ingest(workspace.pipeline(), cache_dir=cache)
    assert (again.files_reused, again.files_parsed) == (first.files_parsed - 1, 1)
    assert sheet_record(again, "exports/bram.xlsx", "Log")["rows_duplicate"] == 1
    assert again.duplicates["duplicate_of_file"].tolist() == ["exports/an.xlsx"]
    assert len(again.tables["service_log"]) == 2
    kept = again.tables["service_log"]
    # the hash of a row alone and in the combined table alike
    assert (row_hashes(kept.iloc[:1], "service_log") == row_hashes(kept, "service_log")[:1]).all()
    assert_rows_add_up(again)


def test_broken_files_are_recorded_and_the_others_still_read(
    workspace: Workspace, tmp_path
) -> None:
    good = write_xlsx(
        workspace.export("good.xlsx"), [("Log", [HEADER, ["C1", "S1", D(2019, 1, 2)]])]
    )
    workspace.export("truncated.xlsx").write_bytes(good.read_bytes()[:300])
    workspace.export("page.xls").write_text("<html><body><table></table></body></html>")
    workspace.export("empty.csv").write_bytes(b"")
    workspace.export("notes.docx").write_bytes(b"PK\x03\x04")
    workspace.export("~$good.xlsx").write_bytes(b"lock")
    encrypted = io.BytesIO()
    with good.open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", encrypted)
    workspace.export("locked.xlsx").write_bytes(encrypted.getvalue())
    result = ingest(workspace.pipeline())
    status = {f["path"]: (f["status"], f["reason"]) for f in result.record()["files"]}
    assert status["exports/truncated.xlsx"][0] == "failed"
    assert "corrupt" in status["exports/truncated.xlsx"][1]
    assert status["exports/page.xls"][0] == "failed"
    assert "web page" in status["exports/page.xls"][1]
    assert status["exports/empty.csv"] == ("failed", "the file is empty")
    assert status["exports/locked.xlsx"][0] == "failed"
    assert "encrypted" in status["exports/locked.xlsx"][1]
    assert status["exports/notes.docx"][0] == "skipped"
    assert status["exports/~$good.xlsx"][0] == "skipped"
    assert result.tables["service_log"]["cluster_id"].tolist() == ["C1"]


def test_reference_tables_are_typed(workspace: Workspace) -> None:
    result = ingest(workspace.pipeline())
    clusters = result.tables["clusters"].set_index("cluster_id")
    assert clusters.loc["C1", "cluster_type"] == "spearhead"
    assert clusters.loc["C3", "cluster_type"] == "ibn"
    assert clusters.loc["C1", "aliases"] == ["FF", "Flanders Food Cluster"]
    assert clusters.loc["C2", "funding_end"] == pd.Timestamp("2019-06-30")
    plan = result.tables["action_plan"].set_index("step")
    assert plan.loc["2", "planned_start"] == pd.Timestamp("2018-11-01")
    assert plan.loc["2", "planned_end"] == pd.Timestamp("2020-10-31")
    assert plan.loc["3", "status"] == "not started"


def test_a_zip_that_is_not_a_workbook_is_recorded(workspace: Workspace) -> None:
    with zipfile.ZipFile(workspace.export("archive.xlsx"), "w") as archive:
        archive.writestr("readme.txt", "hello")
    status = {f["path"]: f["status"] for f in ingest(workspace.pipeline()).record()["files"]}
    assert status["exports/archive.xlsx"] == "failed"


def test_names_come_only_from_the_registry_rows_that_are_kept(workspace: Workspace) -> None:
    """A repeated catalogue row is set aside and a second row with a taken id is rejected:
    an export may use the names of the first row of each id, not those of the rejected one."""
    services = [
        ["Service ID", "Name", "Aliases", "Launched"],
        ["S1", "Account management", "", D(2016, 4, 1)],
        ["S1", "Account management", "", D(2016, 4, 1)],  # a repeat: set aside
        ["S2", "Business-model coaching", "coaching", D(2019, 9, 1)],
        ["S2", "Cluster pact", "pact", D(2019, 9, 1)],  # S2 taken: rejected, names unknown
    ]
    write_csv(workspace.inputs / "reference" / "services.csv", services, delimiter=";")
    rows = [
        HEADER,
        ["C1", "Account management", D(2019, 5, 3)],
        ["C1", "coaching", D(2019, 5, 4)],
        ["C1", "Cluster pact", D(2019, 5, 5)],
        ["C1", "pact", D(2019, 5, 6)],
    ]
    write_csv(workspace.export("log.csv"), rows, delimiter=";")
    result = ingest(workspace.pipeline())
    assert result.tables["services"]["service_id"].tolist() == ["S1", "S2"]
    assert result.tables["services"]["name"].tolist() == [
        "Account management",
        "Business-model coaching",
    ]
    assert result.tables["service_log"]["service_id"].tolist() == ["S1", "S2"]
    rejected = result.rejected.set_index(["source_file", "source_row"])
    assert rejected.loc[("reference/services.csv", 5), "reason"] == "duplicate_id"
    assert rejected.loc[("exports/log.csv", 4), "reason"] == "unknown_service"
    assert rejected.loc[("exports/log.csv", 5), "reason"] == "unknown_service"
    assert len(result.duplicates) == 1


def test_ingest_does_the_caller_s_own_work_once_while_the_workers_read(
    workspace: Workspace,
) -> None:
    write_csv(workspace.export("log.csv"), [HEADER, ["C1", "S1", D(2019, 5, 3)]], delimiter=";")
    calls = []
    steps = [lambda: calls.append("first"), lambda: calls.append("second")]
    result = ingest(workspace.pipeline(), meanwhile=steps)
    assert calls == ["first", "second"]
    assert result.tables["service_log"]["cluster_id"].tolist() == ["C1"]


def test_a_day_beyond_what_a_table_holds_rejects_its_row_not_the_file(
    workspace: Workspace,
) -> None:
    # a typed year 1019 or 9999 is a row to send back with its reason; the file is still read
    rows = [
        HEADER,
        ["C1", "S1", D(2019, 5, 3)],
        ["C1", "S1", D(1019, 5, 3)],
        ["C1", "S1", "31/12/9999"],
    ]
    write_ods(workspace.export("far.ods"), [("Log", rows)])
    result = ingest(workspace.pipeline())
    assert sheet_record(result, "exports/far.ods", "Log")["status"] == "read"
    found = result.rejected[["source_row", "reason", "value"]].values.tolist()
    assert found == [[3, "date_out_of_range", "1019-05-03"], [4, "date_out_of_range", "31/12/9999"]]
    assert result.tables["service_log"]["source_row"].tolist() == [2]


def test_rows_are_duplicates_only_when_their_values_are_equal_whatever_their_hashes() -> None:
    from clusterix_reports.ingest.dedupe import split_duplicates

    loaded = pd.DataFrame(
        {
            "cluster_id": ["C1", "C2", "C1", "C3"],
            "cost_eur": [10.0, 20.0, 10.0, 30.0],
            "source_file": ["a.xlsx", "a.xlsx", "b.xlsx", "b.xlsx"],
            "source_sheet": ["Log"] * 4,
            "source_row": [2, 3, 2, 3],
        }
    )
    distinct = np.array([1, 2, 3, 4], dtype=np.uint64)  # no two alike: nothing repeats
    kept, duplicates, _ = split_duplicates(loaded, None, "service_log", distinct)
    assert len(kept) == 4 and duplicates.empty
    collided = np.array([7, 7, 9, 7], dtype=np.uint64)  # rows 1, 2, 4 alike, no two equal
    kept, duplicates, _ = split_duplicates(loaded, None, "service_log", collided)
    assert len(kept) == 4 and duplicates.empty
    kept, duplicates, _ = split_duplicates(loaded, None, "service_log")  # real hashes
    assert kept["source_row"].tolist() == [2, 3, 3]
    assert duplicates[["source_file", "source_row", "duplicate_of_file"]].values.tolist() == [
        ["b.xlsx", 2, "a.xlsx"]
    ]
