"""Spreadsheet error values in an xls (#DIV/0!, #N/A, ...), which python-calamine reads as
empty: found in the BIFF8 records of its Workbook stream (formula results and BOOLERR).

The records are walked, not interpreted: BOUNDSHEET gives each sheet's name and where its
records start, FORMULA (0x0006) and BOOLERR (0x0205) give a cell's error code.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
# a formula's cached error result, or a BOOLERR record's header: where neither occurs, the
# records need no walking (a C-speed search instead of a Python loop over every cell)
_MAYBE_ERROR = re.compile(
    rb"\x02[\x00-\xff][\x00\x07\x0f\x17\x1d\x24\x2a][\x00-\xff]{3}\xff\xff|\x05\x02\x08\x00",
    re.DOTALL,
)
_BOF, _EOF, _BOUNDSHEET, _FORMULA, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205


def xls_error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each sheet's error values as (row, column, shown text), 0-based, by sheet name."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        stream = "Workbook" if ole.exists("Workbook") else "Book"
        data = ole.openstream(stream).read()
    if _MAYBE_ERROR.search(data) is None:
        return {}
    found: dict[str, list[tuple[int, int, str]]] = {}
    for name, start in _sheets(data):
        cells = list(_errors_from(data, start))
        if cells:
            found[name] = cells
    return found


def _records(data: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record from `offset` on."""
    while offset + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, offset)
        yield kind, data[offset + 4 : offset + 4 + size]
        offset += 4 + size


def _sheets(data: bytes) -> list[tuple[str, int]]:
    """Each sheet's name and the offset of its first record, from the workbook globals."""
    sheets = []
    for kind, body in _records(data, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(body) >= 8:
            start, _, length, wide = struct.unpack_from("<IHBB", body)
            raw = body[8 : 8 + length * (2 if wide & 1 else 1)]
            sheets.append((raw.decode("utf-16-le" if wide & 1 else "latin-1"), start))
    return sheets


def _errors_from(data: bytes, start: int) -> Iterator[tuple[int, int, str]]:
    """The error cells of the sheet whose records begin at `start`."""
    for kind, body in _records(data, start):
        if kind == _EOF:
            return
        if kind == _FORMULA and len(body) >= 14:
            row, column = struct.unpack_from("<HH", body)
            result = body[6:14]
            if result[6:8] == b"\xff\xff" and result[0] == 2 and result[2] in _CODES:
                yield row, column, _CODES[result[2]]
        elif kind == _BOOLERR and len(body) >= 8:
            row, column = struct.unpack_from("<HH", body)
            if body[7] == 1 and body[6] in _CODES:
                yield row, column, _CODES[body[6]]
