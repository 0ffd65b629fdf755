"""Delimited text files (csv, and Excel's "Unicode text"): their encoding, separator and rows."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clusterix_reports.ingest.errors import UnreadableFileError
from clusterix_reports.limits import Limits


def decode_text(data: bytes) -> str:
    """Decode a csv file: UTF-16 after its byte-order mark (Excel's "Unicode text"), UTF-8
    (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(
                "the file starts as UTF-16 text but breaks off inside a character; "
                "save it again as csv (UTF-8)"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: Path, limits: Limits) -> list[list[Any]]:
    """The rows of a csv file, with its separator (`;`, `,` or tab) found from its lines."""
    text = decode_text(path.read_bytes())
    if "\x00" in text:
        raise UnreadableFileError("the file holds NUL bytes; it is not a text (csv) file")
    rows, cells = [], 0
    with _fields_as_long_as(len(text)):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
        try:
            for row in reader:
                cells += len(row)
                if cells > limits.max_cells_per_sheet:
                    raise UnreadableFileError(
                        f"the file holds more than {limits.max_cells_per_sheet:,} cells"
                    )
                rows.append(row)
        except csv.Error as exc:
            raise UnreadableFileError(f"the csv file is malformed ({exc})") from None
    return rows


@contextlib.contextmanager
def _fields_as_long_as(size: int) -> Iterator[None]:
    """Let the csv reader take fields of up to `size` characters (the file's own length, which
    the file size limit bounds): a value too long for a table is its row's problem, not the
    file's."""
    before = csv.field_size_limit(max(size, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def guess_delimiter(text: str) -> str:
    """`;`, `,` or tab: the one that splits the first lines into the most consistent columns
    (on a tie the earlier of those)."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        except csv.Error:  # lines this separator cannot split
            continue
        if not counts:
            continue
        mode = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best
