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
