"""The sheets of an xlsx workbook and the first rows of each, read as a stream.

Finding a sheet's header needs its first fifteen rows, not the whole sheet: these are read
straight from the archive, stopping after them, so the body can then be loaded once, in
columns, by a reader that is told where the data starts.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

_CELL_REF = re.compile(r"([A-Z]+)(\d*)")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape for characters XML cannot hold


@dataclass(frozen=True)
class SheetEntry:
    """One sheet as the workbook lists it: name, whether hidden, kind, and its part in the archive."""

    name: str
    hidden: bool
    kind: str  # worksheet | chart or macro sheet
    part: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _iterparse(stream: IO[bytes]) -> Iterator[Any]:
    from defusedxml.ElementTree import iterparse

    for _, element in iterparse(stream, events=("end",)):
        yield element


def package_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The archive's entries by part name as references name them: OPC part names are
    case-insensitive, and some writers use backslashes or a leading slash."""
    return {normal_part(name): name for name in archive.namelist()}


def normal_part(name: str) -> str:
    """A part name as it is compared: forward slashes, no leading slash, lower case."""
    return name.replace("\\", "/").lstrip("/").lower()


def main_part(archive: zipfile.ZipFile, parts: dict[str, str]) -> str | None:
    """The archive entry of the package's main document (for an xlsx, its workbook part) as
    the package relationships name it, or None."""
    if "xl/workbook.xml" in archive.NameToInfo:
        return "xl/workbook.xml"
    rels = _relationships(archive, parts, "")
    target = next((path for kind, path in rels.values() if kind == "officeDocument"), None)
    return parts.get(normal_part(target)) if target else None


def _relationships(
    archive: zipfile.ZipFile, parts: dict[str, str], part: str
) -> dict[str, tuple[str, str]]:
    """A part's relationships (the package's own for part ""): id -> (type's last word, the
    archive entry of the target, as named where no entry holds it)."""
    folder, name = posixpath.split(part.replace("\\", "/"))
    rels = parts.get(normal_part(posixpath.join(folder, "_rels", name + ".rels")))
    if rels is None:
        raise KeyError(f"no relationships for {part or 'the package'}")
    found = {}
    with archive.open(rels) as stream:
        for element in _iterparse(stream):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "").replace("\\", "/")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                kind = element.get("Type", "").rsplit("/", 1)[-1]
                found[element.get("Id", "")] = (kind, parts.get(normal_part(path), path))
    return found


@dataclass(frozen=True)
class WorkbookLayout:
    """What workbook.xml and its relationships say: the sheets, where the shared strings are,
    and whether dates count from 1904."""

    sheets: list[SheetEntry]
    shared_strings: str | None
    date1904: bool


def workbook_layout(archive: zipfile.ZipFile) -> WorkbookLayout:
    """The workbook's sheets in order, its shared-strings part, and its date system."""
    parts = package_parts(archive)
    workbook = main_part(archive, parts)
    if workbook is None:
        raise KeyError("the package names no workbook part")
    rels = _relationships(archive, parts, workbook)
    sheets, date1904 = [], False
    with archive.open(workbook) as stream:
        for element in _iterparse(stream):
            tag = _local(element.tag)
            if tag == "workbookPr":
                date1904 = element.get("date1904", "").lower() in ("1", "true")
            if tag != "sheet":
                continue
            rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            kind, part = rels.get(rel, ("", ""))
            sheets.append(
                SheetEntry(
                    name=element.get("name", ""),
                    hidden=element.get("state", "visible") != "visible",
                    kind="worksheet" if kind == "worksheet" else "chart or macro sheet",
                    part=part,
                )
            )
    strings = next((part for kind, part in rels.values() if kind == "sharedStrings"), None)
    return WorkbookLayout(sheets, strings, date1904)


class SharedStrings:
    """The workbook's shared strings, parsed only as far as the cells asked for so far."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None) -> None:
        self._items: list[str] = []
        self._stream = archive.open(part) if part and part in archive.namelist() else None
        self._elements = _iterparse(self._stream) if self._stream is not None else iter(())

    def __getitem__(self, index: int) -> str:
        while len(self._items) <= index:
            element = next(self._elements, None)
            if element is None:
                return ""
            if _local(element.tag) == "si":
                self._items.append(_rich_text(element))
                element.clear()
        return self._items[index]

    def close(self) -> None:
        """Close the stream into the archive."""
        if self._stream is not None:
            self._stream.close()


def _rich_text(element: Any) -> str:
    """The text of a string item: its `t`, or its runs' `t`s (phonetic guides left out)."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts))


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _cell_value(cell: Any, strings: SharedStrings) -> Any:
    """A cell's value as the spreadsheet holds it: text, number, True/False; None when empty."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((c for c in cell if _local(c.tag) == "is"), None)
        return None if inline is None else _rich_text(inline)
    value = next((c.text for c in cell if _local(c.tag) == "v"), None)
    if value is None:
        return None
    if kind == "e":  # an error value, as the text it shows (#N/A)
        return value.strip()
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return value.strip() == "1"
    if kind in ("str", "d"):
        return value
    try:
        return float(value)
    except ValueError:
        return value


def head_rows(
    archive: zipfile.ZipFile, part: str, strings: SharedStrings, count: int
) -> tuple[int, list[list[Any]]]:
    """The sheet's first `count` rows from the first one that holds a value, and that row's number.

    Cells sit at their column's index (A is 0); empty cells are "". Reading stops after them.
    """
    rows: dict[int, dict[int, Any]] = {}
    first: int | None = None
    next_row = 1
    with archive.open(part) as stream:
        for element in _iterparse(stream):
            if _local(element.tag) != "row":
                continue
            number = int(element.get("r") or next_row)
            next_row = number + 1
            if first is not None and number >= first + count:
                break
            cells, next_column = {}, 0
            for cell in element:
                if _local(cell.tag) != "c":
                    continue
                match = _CELL_REF.match(cell.get("r") or "")
                column = _column_index(match.group(1)) if match else next_column
                next_column = column + 1
                value = _cell_value(cell, strings)
                if value is not None:
                    cells[column] = value
            element.clear()
            if cells and first is None:
                first = number
            if first is not None:
                rows[number] = cells
    if first is None:
        return 1, []
    last = max(rows)
    width = max((max(cells) + 1 for cells in rows.values() if cells), default=0)
    return first, [
        [rows.get(n, {}).get(c, "") for c in range(width)] for n in range(first, last + 1)
    ]
