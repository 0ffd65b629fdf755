"""The guard's reading of zip members: every byte as zipfile gives it, damage refused."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from clusterix_reports.ingest.errors import UnreadableFileError
from clusterix_reports.ingest.guard import check_archive
from clusterix_reports.ingest.unzip import member_chunks
from clusterix_reports.limits import Limits


def _archive(path: Path) -> dict[str, bytes]:
    rng = random.Random(4)
    parts = {
        "xl/worksheets/sheet1.xml": b"<row>" + bytes(rng.choices(b"abc <>/=", k=300_000)),
        "stored.bin": bytes(rng.randrange(256) for _ in range(5_000)),
        "empty.xml": b"",
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", parts["xl/worksheets/sheet1.xml"], 8)
        archive.writestr("stored.bin", parts["stored.bin"], zipfile.ZIP_STORED)
        archive.writestr("empty.xml", b"", 8)
    return parts


def test_every_member_comes_back_whole_in_chunks_of_the_size_asked(tmp_path) -> None:
    path = tmp_path / "a.zip"
    parts = _archive(path)
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        for info in archive.infolist():
            chunks = list(member_chunks(handle, archive, info, 4_096))
            assert b"".join(chunks) == parts[info.filename]
            assert all(len(c) <= 4_096 for c in chunks)


def test_a_damaged_member_is_refused(tmp_path) -> None:
    path = tmp_path / "a.zip"
    _archive(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(path.read_bytes())
    data[start + info.compress_size // 2] ^= 0x55  # one byte of the packed data changed
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with (
        zipfile.ZipFile(damaged) as archive,
        damaged.open("rb") as handle,
        pytest.raises(zipfile.BadZipFile),
    ):
        list(member_chunks(handle, archive, archive.getinfo(info.filename), 1 << 20))
    with pytest.raises(UnreadableFileError, match="corrupt"):
        check_archive(damaged, "xlsx", Limits())


def _merged_log(path: Path, rows: int, merge: bool, validations: int = 0) -> Path:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    for row in range(1, rows + 1):
        sheet.append([f"C{row}", row, row * 1.5])
    if merge:
        sheet.merge_cells(f"A{rows - 1}:A{rows}")
    for n in range(validations):  # what stands after the cell data, besides merges
        check = DataValidation(type="whole", formula1=str(n), formula2=str(n + 999))
        check.add(f"B{n + 1}")
        sheet.add_data_validation(check)
    book.save(path)
    return path


@pytest.mark.parametrize("chunk", [512, 4_096, 1 << 20])
def test_merged_cells_after_a_long_body_are_found_in_chunks_of_any_size(
    tmp_path, monkeypatch, chunk
) -> None:
    from clusterix_reports.ingest import guard

    monkeypatch.setattr(guard, "CHUNK", chunk)
    merged = _merged_log(tmp_path / "merged.xlsx", 2_000, merge=True)
    plain = _merged_log(tmp_path / "plain.xlsx", 2_000, merge=False)
    assert check_archive(merged, "xlsx", Limits()) == {"xl/worksheets/sheet1.xml"}
    assert check_archive(plain, "xlsx", Limits()) == set()


def test_a_sheet_with_more_after_its_cells_than_two_chunks_is_read_cell_by_cell(
    tmp_path, monkeypatch
) -> None:
    """Its end is not searched whole: to be sure of its merges, it counts as holding some."""
    from clusterix_reports.ingest import guard

    monkeypatch.setattr(guard, "CHUNK", 512)
    path = _merged_log(tmp_path / "checked.xlsx", 200, merge=False, validations=40)
    assert check_archive(path, "xlsx", Limits()) == {"xl/worksheets/sheet1.xml"}
    monkeypatch.setattr(guard, "CHUNK", 1 << 20)
    assert check_archive(path, "xlsx", Limits()) == set()
