"""Header rows: find the row that names a table kind's required columns, map columns to fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clusterix_reports.ingest.vocabulary import TableSpec, header_keys

HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class HeaderMatch:
    """A recognised header row: which table kind, where, and which column holds which field."""

    table: TableSpec
    row_index: int  # index into the sheet's rows
    columns: dict[int, str]  # column index -> field name
    unknown: tuple[str, ...]  # headers that name no field
    conflicts: dict[str, tuple[str, ...]]  # field -> the two or more headers naming it


def map_header_row(cells: Sequence[Any], table: TableSpec) -> HeaderMatch:
    """Map one row's cells to `table`'s fields by alias.

    A header that is an alias of several fields ("Actie": the title, or the action a step
    belongs to) names the first of them that no other header of the row names alone.
    """
    candidates = table.alias_candidates
    found: dict[int, tuple[str, tuple[str, ...]]] = {}
    unknown = []
    for position, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        names = next((candidates[k] for k in header_keys(text) if k in candidates), None)
        if names is None:
            unknown.append(text)
            continue
        found[position] = (text, names)
    sure = {names[0] for _, names in found.values() if len(names) == 1}
    columns: dict[int, str] = {}
    seen: dict[str, list[str]] = {}
    for position, (text, names) in found.items():
        name = next((n for n in names if n not in sure), names[0]) if len(names) > 1 else names[0]
        seen.setdefault(name, []).append(text)
        columns.setdefault(position, name)
    conflicts = {name: tuple(texts) for name, texts in seen.items() if len(texts) > 1}
    for name in conflicts:
        columns = {pos: f for pos, f in columns.items() if f != name}
    return HeaderMatch(table, -1, columns, tuple(unknown), conflicts)


def find_header(rows: Sequence[Sequence[Any]], tables: Sequence[TableSpec]) -> HeaderMatch | None:
    """The first row, within the first 15, in which every required column of a table kind is named."""
    for row_index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates = []
        for table in tables:
            match = map_header_row(cells, table)
            named = set(match.columns.values()) | set(match.conflicts)
            if set(table.required) <= named:
                candidates.append((len(named), match))
        if candidates:
            best = max(candidates, key=lambda c: c[0])[1]
            return HeaderMatch(best.table, row_index, best.columns, best.unknown, best.conflicts)
    return None
