"""Files as people really send them (input contract): packages named otherwise, macro
libraries, protected and old formats, Excel's "Unicode text", folders behind links."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import olefile
import pytest

from clusterix_reports.ingest import ingest
from clusterix_reports.ingest.sniff import ENCRYPTED
from clusterix_reports.ingest.workers import READER_FAILED

from conftest import HEADER_LOG
from sheetwriters import (
    libreoffice,
    save_ods_with_password,
    write_ods,
    write_xls,
    write_xlsx,
)

D = dt.date
LOG = [
    HEADER_LOG,
    ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"],
    ["C2", "S4", D(2019, 11, 6), 3, 1, 50, "", "Bram"],
]
SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as .xlsx"
needs_libreoffice = pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")


def listed(workspace) -> tuple[dict[str, tuple[str, str]], object]:
    """ingest's result and each file's (status, reason) by path."""
    result = ingest(workspace.pipeline())
    return {f.path: (f.status, f.reason) for f in result.files}, result


def repackaged(source: Path, target: Path, rename: Callable[[str], str], edit=None) -> Path:
    """The parts of an xlsx written again under other names (and, with `edit`, their
    references changed to match), as some writers name them."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            stamp = zipfile.ZipInfo(rename(info.filename), date_time=(2020, 1, 1, 0, 0, 0))
            new.writestr(stamp, edit(data) if edit else data)
    return target


def _moved(folder: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"/xl/", f"/{folder}".encode()).replace(
        b'"xl/', f'"{folder}'.encode()
    )


PACKAGINGS = {
    # Windows zip tools: backslashes in part names
    "backslashes": (lambda n: n.replace("/", "\\"), None),
    # part names in other letter case than the references (POI's 49609.xlsx)
    "other case": (lambda n: n.replace("xl/", "XL/").replace("workbook.xml", "Workbook.xml"), None),
    # the workbook in another folder (calamine's issue_530.xlsx)
    "other folder": (lambda n: n.replace("xl/", "book/", 1), _moved("book/")),
    # every part at the root of the package (minimal_package.xlsx)
    "no folder": (lambda n: n.removeprefix("xl/"), _moved("")),
}


@pytest.mark.parametrize("packaging", PACKAGINGS)
def test_an_xlsx_whose_parts_are_named_otherwise_is_read(workspace, tmp_path, packaging) -> None:
    rename, edit = PACKAGINGS[packaging]
    made = write_xlsx(tmp_path / "made.xlsx", [("Log", LOG)])
    repackaged(made, workspace.export("renamed.xlsx"), rename, edit)
    files, result = listed(workspace)
    assert files["exports/renamed.xlsx"] == ("read", "")
    log = result.tables["service_log"]
    assert log["cluster_id"].tolist() == ["C1", "C2"]
    assert log["cost_eur"].tolist() == [100, 50]
    assert log["source_row"].tolist() == [2, 3]


def test_an_ods_with_a_macro_library_is_read_and_entities_are_still_refused(
    workspace, tmp_path
) -> None:
    made = write_ods(tmp_path / "made.ods", [("Log", LOG)])
    public = b'PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN"'
    with zipfile.ZipFile(made) as old:
        parts = {i.filename: old.read(i.filename) for i in old.infolist()}
    prolog = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    basic = {  # as LibreOffice writes a document's Basic library
        "Basic/script-lc.xml": prolog
        + b"<!DOCTYPE library:libraries "
        + public
        + b' "libraries.dtd"><library:libraries/>',
        "Basic/Standard/Module1.xml": prolog
        + b"<!DOCTYPE script:module "
        + public
        + b' "module.dtd"><script:module/>',
    }
    with zipfile.ZipFile(workspace.export("macros.ods"), "w") as new:
        for name, data in {**parts, **basic}.items():
            new.writestr(name, data)
    # an entity declared after the first 64 KiB of a part that is read
    content = parts["content.xml"]
    prolog_end = content.index(b"?>") + 2
    late = content[:prolog_end] + b"<!--" + b" " * 70_000 + b"-->"
    late += b'<!DOCTYPE x [<!ENTITY e "boom">]>' + content[prolog_end:]
    with zipfile.ZipFile(workspace.export("late-entity.ods"), "w") as new:
        for name, data in {**parts, "content.xml": late}.items():
            new.writestr(name, data)
    files, result = listed(workspace)
    assert files["exports/macros.ods"] == ("read", "")
    assert result.tables["service_log"]["source_file"].tolist() == ["exports/macros.ods"] * 2
    status, reason = files["exports/late-entity.ods"]
    assert status == "failed"
    assert reason.startswith("the file declares XML entities (a DOCTYPE)")


@needs_libreoffice
def test_a_password_protected_ods_written_by_libreoffice_is_refused(workspace, tmp_path) -> None:
    made = write_xlsx(tmp_path / "made.xlsx", [("Log", LOG)])
    save_ods_with_password(made, workspace.export("secret.ods"), "geheim")
    files, _ = listed(workspace)
    assert files["exports/secret.ods"] == ("failed", ENCRYPTED)
    assert ENCRYPTED == "the file is encrypted or password-protected; send an unprotected copy"


def _with_filepass(source: Path, target: Path) -> Path:
    """An xls whose workbook globals hold a FILEPASS record of XOR obfuscation (type 0), put
    in place of records of the same length so the stream keeps its size."""
    shutil.copy(source, target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        offset = 0
        while True:  # the first record with a body of at least 6 bytes after BOF
            size = struct.unpack_from("<HH", data, offset)[1]
            if offset and size >= 6:
                break
            offset += 4 + size
        body = struct.pack("<HHH", 0, 0x1234, 0x5678) + bytes(size - 6)
        data[offset : offset + 4 + size] = struct.pack("<HH", 0x002F, size) + body
        ole.write_stream("Workbook", bytes(data))
    return target


def test_an_xls_with_xor_protection_is_refused_as_protected(workspace, tmp_path) -> None:
    made = write_xls(tmp_path / "made.xls", [("Log", LOG)])
    _with_filepass(made, workspace.export("xor.xls"))
    files, _ = listed(workspace)
    assert files["exports/xor.xls"] == ("failed", ENCRYPTED)


def _biff2(path: Path) -> Path:
    """An Excel 2.x worksheet: a bare BIFF2 stream (BOF, a number cell, EOF)."""
    records = [
        (0x0009, struct.pack("<HH", 0x0002, 0x0010)),  # BOF: BIFF2, worksheet
        (0x0003, struct.pack("<HH3sd", 0, 0, b"\x00\x00\x00", 42.0)),  # NUMBER A1
        (0x000A, b""),  # EOF
    ]
    path.write_bytes(b"".join(struct.pack("<HH", k, len(b)) + b for k, b in records))
    return path


def _excel95(source: Path, target: Path) -> Path:
    """An Excel 5.0/95 workbook as its container lays it out: its BIFF5 stream is named Book,
    not Workbook (LibreOffice reads the format but no longer writes it)."""
    data = bytearray(source.read_bytes())
    entry = data.index("Workbook\0".encode("utf-16-le"))  # the stream's directory entry
    data[entry : entry + 64] = "Book\0".encode("utf-16-le").ljust(64, b"\0")
    data[entry + 64 : entry + 66] = struct.pack("<H", 10)  # the name's length in bytes
    target.write_bytes(bytes(data))
    with olefile.OleFileIO(str(target), write_mode=True) as ole:  # BOF: BIFF5 (0x0500)
        stream = bytearray(ole.openstream("Book").read())
        stream[4:6] = struct.pack("<H", 0x0500)
        ole.write_stream("Book", bytes(stream))
    return target


def _xlsb(path: Path) -> Path:
    """An xlsb as Excel lays it out: its workbook part is binary (workbook.bin)."""
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>'
        b"</Relationships>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00\x80\x01\x00")
    return path


def test_old_and_binary_excel_formats_are_refused_naming_the_format(workspace, tmp_path) -> None:
    _biff2(workspace.export("excel2.xls"))
    _excel95(write_xls(tmp_path / "made.xls", [("Log", LOG)]), workspace.export("excel95.xls"))
    _xlsb(workspace.export("binary.xlsb"))
    _xlsb(workspace.export("binary-named-as.xlsx"))
    files, result = listed(workspace)
    excel2 = f"an Excel 2.x file, a format from before 1995 that is no longer read; {SAVE_AS_XLSX}"
    assert files["exports/excel2.xls"] == ("failed", excel2)
    assert files["exports/excel95.xls"] == (
        "failed",
        f"an Excel 5.0/95 workbook, a format that is no longer read; {SAVE_AS_XLSX}",
    )
    xlsb = f"an Excel binary workbook (xlsb), a format that is not read; {SAVE_AS_XLSX}"
    assert files["exports/binary.xlsb"] == ("failed", xlsb)
    assert files["exports/binary-named-as.xlsx"] == ("failed", xlsb)
    assert "service_log" not in result.tables or result.tables["service_log"].empty


def test_excel_unicode_text_saved_as_txt_is_read_and_other_text_files_are_skipped(
    workspace,
) -> None:
    rows = [HEADER_LOG, ["C1", "S1", "05/11/2019", "4", "2", "100,50", "", "An"]]
    text = "\r\n".join("\t".join(row) for row in rows)
    workspace.export("unicode.txt").write_bytes(text.encode("utf-16"))  # as Excel saves it
    workspace.export("readme.txt").write_text("Exports of the fourth quarter.\n")
    files, result = listed(workspace)
    assert files["exports/unicode.txt"] == ("read", "")
    assert files["exports/readme.txt"] == (
        "skipped",
        "not a spreadsheet (.txt); only xlsx, xlsm, xls, ods and csv are read",
    )
    log = result.tables["service_log"]
    assert (log["cluster_id"].tolist(), log["cost_eur"].tolist()) == (["C1"], [100.5])


def test_folders_behind_links_are_read_once_and_unopenable_folders_listed(
    workspace, tmp_path, monkeypatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    write_xlsx(shared / "linked.xlsx", [("Log", LOG[:2])])
    (workspace.inputs / "exports" / "team").symlink_to(shared)
    (workspace.inputs / "exports" / "team-again").symlink_to(shared)
    (workspace.inputs / "exports" / "loop").symlink_to(workspace.inputs / "exports")
    locked = workspace.inputs / "exports" / "locked"
    locked.mkdir()
    listing = Path.iterdir

    def refused(self):  # as root, chmod 000 would not stop a listing
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", refused)
    files, result = listed(workspace)
    assert files["exports/team/linked.xlsx"] == ("read", "")
    twice = "a link to a folder that is read already (or a loop); it is not read twice"
    assert files["exports/team-again/"] == ("skipped", twice)
    assert files["exports/loop/"] == ("skipped", twice)
    assert files["exports/locked/"] == ("failed", "the folder cannot be opened (permission denied)")
    assert result.tables["service_log"]["source_file"].tolist() == ["exports/team/linked.xlsx"]


def _panicking_xls(source: Path, target: Path) -> Path:
    """An xls whose first sheet is said to start 16 MiB past the end of its stream (as in a
    fuzzed file): python-calamine panics on it, printing the panic and a backtrace."""
    shutil.copy(source, target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        offset = 0
        while (kind := struct.unpack_from("<HH", data, offset))[0] != 0x0085:  # BOUNDSHEET
            offset += 4 + kind[1]
        data[offset + 4 + 3] = 0x01  # the high byte of the sheet's position
        ole.write_stream("Workbook", bytes(data))
    return target


def test_a_reader_that_panics_costs_its_file_and_nothing_reaches_the_terminal(
    workspace, tmp_path
) -> None:
    made = write_xls(tmp_path / "made.xls", [("Log", LOG)])
    _panicking_xls(made, workspace.export("fuzzed.xls"))
    write_xlsx(workspace.export("good.xlsx"), [("Log", LOG)])
    environment = {**os.environ, "RUST_BACKTRACE": "1"}
    command = [sys.executable, "-m", "clusterix_reports", "ingest"]
    done = subprocess.run(
        [*command, "--pipeline", str(workspace.pipeline_file), "--quiet"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=240,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    record = json.loads((workspace.outputs / "data" / "ingest.json").read_text())
    files = {f["path"]: (f["status"], f["reason"]) for f in record["files"]}
    assert files["exports/fuzzed.xls"] == ("failed", READER_FAILED)
    assert files["exports/good.xlsx"] == ("read", "")


def test_a_workbook_of_thousands_of_tiny_sheets_is_read_whole(workspace) -> None:
    import xlsxwriter

    sheets, first = 5_000, dt.date(2016, 10, 1)
    book = xlsxwriter.Workbook(str(workspace.export("many.xlsx")))
    for number in range(sheets):  # a sheet for each use of a service: four a day
        sheet = book.add_worksheet(f"Dag {number + 1}")
        day = (first + dt.timedelta(days=number // 4)).strftime("%d/%m/%Y")
        cluster, service = ("C1", "C4")[number % 2], ("S1", "S4")[number // 2 % 2]
        sheet.write_row(0, 0, HEADER_LOG)
        sheet.write_row(1, 0, [cluster, service, day, 4, 2, 10, "", "An"])
    book.close()
    files, result = listed(workspace)
    assert files["exports/many.xlsx"] == ("read", "")
    record = next(f for f in result.files if f.path == "exports/many.xlsx")
    assert len(record.sheets) == sheets
    assert {(s.status, s.rows_read, s.rows_loaded) for s in record.sheets} == {("read", 1, 1)}
    log = result.tables["service_log"]
    assert len(log) == sheets
    assert log["cost_eur"].sum() == 10 * sheets
    assert log.iloc[-1][["cluster_id", "source_sheet"]].tolist() == ["C4", "Dag 5000"]


@pytest.mark.parametrize(
    ("chunks", "declares"),
    [
        ([b'<?xml version="1.0"?>\n<worksheet><!DOCTYPE x>'], False),  # past the prolog
        ([b"\xef\xbb\xbf<?xml?>", b"<!-- a", b"b -", b"-> <!DOC", b"TYPE x []><r/>"], True),
        ([b"<?xml?><!--" + b" " * 3_000_000 + b"--><!DOCTYPE x><r/>"], True),
        ([b"<", b"!", b"-", b"-", b"x", b"-", b"-", b">", b"<!DOCTYPE"], True),
        ([b"<!-- <!DOCTYPE x> --><root/>"], False),  # only a comment
        ([b"<?pi ", b"?", b"><!DOCTYPE y><r/>"], True),
    ],
)
def test_a_doctype_is_found_in_the_prolog_however_it_is_cut(chunks, declares) -> None:
    from clusterix_reports.ingest.guard import _Prolog

    prolog = _Prolog()
    for chunk in chunks:
        prolog.feed(chunk)
    assert (prolog.declares, prolog.done) == (declares, True)


def test_inputs_hashed_on_several_threads_keep_their_order_and_say_which_cannot_be_opened(
    tmp_path, monkeypatch
) -> None:
    import hashlib
    import threading

    from clusterix_reports import inventory

    for n in range(12):
        (tmp_path / "exports").mkdir(exist_ok=True)
        (tmp_path / "exports" / f"e{n:02}.csv").write_bytes(b"x" * n)
    real = inventory.sha256_of

    def flaky(path):
        if path.name == "e05.csv":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(inventory, "sha256_of", flaky)
    files, unusable = inventory.scan_inputs(tmp_path)
    assert [relative for _, relative, _ in files] == [
        f"exports/e{n:02}.csv" for n in range(12) if n != 5
    ]
    assert [digest for *_, digest in files] == [
        hashlib.sha256(b"x" * n).hexdigest() for n in range(12) if n != 5
    ]
    assert unusable == [
        ("exports/e05.csv", "failed", "the file cannot be opened (permission denied)")
    ]
    assert threading.active_count() == 1  # a run forks only where no thread runs
