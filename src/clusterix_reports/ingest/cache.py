"""Per-file reuse for ingest: a file whose bytes and context are unchanged is not read again.

An entry holds data only, never code: one JSON line (the file's record, where each frame
lies and its CRC-32, against damage) followed by the frames as Arrow IPC streams. Whoever can write to the
outputs folder can at worst make a file be read again, never run anything as the analyst.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from clusterix_reports.ingest.files import FileOutcome, FileRecord, SheetRecord
from clusterix_reports.ingest.tables import SheetTable
from clusterix_reports.record import code_fingerprint
from clusterix_reports.storage import atomic_write_bytes

FRAMES = ("loaded", "rejected", "problems")


class FileCache:
    """Parsed files by (content, path, parse context): a folder of entries this program wrote."""

    def __init__(self, folder: Path | None, context_key: str) -> None:
        self.folder = folder
        self.context_key = context_key
        self.hits = 0
        self.misses = 0

    def _path(self, relative: str, sha256: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(
            f"{code_fingerprint()}\0{self.context_key}\0{relative}\0{sha256}".encode()
        ).hexdigest()
        return self.folder / f"{key}.arrows"

    def holds(self, relative: str, sha256: str) -> bool:
        """Whether an entry for this file is kept (it may still prove damaged on `get`)."""
        path = self._path(relative, sha256)
        return path is not None and path.is_file()

    def get(self, relative: str, sha256: str) -> FileOutcome | None:
        """The cached outcome of a file, or None (also when the entry is damaged)."""
        path = self._path(relative, sha256)
        outcome = None
        if path is not None and path.is_file():
            try:
                outcome = outcome_from_bytes(_mapped(path))
            except (ValueError, KeyError, TypeError, IndexError, OSError, pa.ArrowException):
                outcome = None
        if outcome is None or outcome.record.path != relative or outcome.record.sha256 != sha256:
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def put(self, relative: str, sha256: str, outcome: FileOutcome) -> None:
        """Keep a file's outcome for the next run (not kept when a frame has no Arrow form)."""
        path = self._path(relative, sha256)
        if path is None:
            return
        try:
            data = outcome_to_bytes(outcome)
        except (pa.ArrowException, ValueError, TypeError):
            return
        atomic_write_bytes(path, data)


def outcome_to_bytes(outcome: FileOutcome) -> bytes:
    """A file's outcome as one JSON line and its frames as Arrow streams."""
    blobs: list[bytes] = []
    tables = []
    for sheet, name, table in outcome.tables:
        frames = {}
        for frame in FRAMES:
            blob = _frame_bytes(getattr(table, frame))
            frames[frame] = [sum(map(len, blobs)), len(blob), zlib.crc32(blob)]
            blobs.append(blob)
        if table.row_hashes is not None:
            blob = np.ascontiguousarray(table.row_hashes, dtype="<u8").tobytes()
            frames["row_hashes"] = [sum(map(len, blobs)), len(blob), zlib.crc32(blob)]
            blobs.append(blob)
        tables.append({"sheet": _position(outcome.record.sheets, sheet), "table": name, **frames})
    head = {
        "record": dataclasses.asdict(outcome.record),
        "tables": tables,
        "peak_memory_mb": outcome.peak_memory_mb,
    }
    return json.dumps(head, ensure_ascii=True).encode() + b"\n" + b"".join(blobs)


def _mapped(path: Path) -> memoryview:
    """An entry's bytes, mapped rather than read: its frames are converted straight from the
    page cache, not first copied into memory (a rerun loads a million rows of them). Arrow's
    mapping closes its file at once (thousands of entries hold no file descriptors) and
    lives as long as a frame uses it; entries are replaced by renaming, never rewritten in
    place, so a mapping stays whole."""
    with pa.memory_map(str(path)) as source:
        return memoryview(source.read_buffer())


def outcome_from_bytes(data: bytes | memoryview) -> FileOutcome:
    """The outcome `outcome_to_bytes` wrote; ValueError when any frame fails its CRC-32."""
    view = memoryview(data)
    end = _line_end(view)
    line, body = view[:end], view[end + 1 :]  # the frames are not copied
    head = json.loads(bytes(line))
    fields = dict(head["record"])
    sheets = [SheetRecord(**sheet) for sheet in fields.pop("sheets")]
    record = FileRecord(**fields, sheets=sheets)
    outcome = FileOutcome(record, peak_memory_mb=float(head["peak_memory_mb"]))
    for entry in head["tables"]:
        frames = [_frame_at(body, *entry[frame]) for frame in FRAMES]
        table = SheetTable(*frames)
        if "row_hashes" in entry:
            blob = _checked(body, *entry["row_hashes"])
            table.row_hashes = np.frombuffer(blob, dtype="<u8").astype(np.uint64)
        outcome.tables.append((sheets[entry["sheet"]], str(entry["table"]), table))
    return outcome


def _line_end(view: memoryview, chunk: int = 1 << 16) -> int:
    """Where the entry's head line ends: its first newline, searched a chunk at a time."""
    for start in range(0, len(view), chunk):
        found = bytes(view[start : start + chunk]).find(b"\n")
        if found >= 0:
            return start + found
    raise ValueError("a cache entry without its head line")


def _position(sheets: list[SheetRecord], sheet: SheetRecord) -> int:
    return next(i for i, s in enumerate(sheets) if s is sheet)


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=True)
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _checked(body: memoryview, offset: int, length: int, crc32: int) -> memoryview:
    blob = body[offset : offset + length]
    if len(blob) != length or zlib.crc32(blob) != crc32:
        raise ValueError("a cached frame does not match its CRC-32")
    return blob


# empty frames by their Arrow bytes (every file's empty frame of a kind has the same):
# converted once, copied after; most sheets reject nothing
_EMPTY_FRAMES: dict[bytes, pd.DataFrame] = {}


def _frame_at(body: memoryview, offset: int, length: int, crc32: int) -> pd.DataFrame:
    blob = _checked(body, offset, length, crc32)
    table = ipc.open_stream(pa.BufferReader(blob)).read_all()
    if table.num_rows == 0:
        key = bytes(blob)
        if key not in _EMPTY_FRAMES:
            _EMPTY_FRAMES[key] = _as_frame(table)
        return _EMPTY_FRAMES[key].copy()
    return _as_frame(table)


def _as_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_list(column.type) and name in frame.columns:
            # Python lists, as the parser made them (Arrow gives numpy arrays)
            frame[name] = pd.Series(column.to_pylist(), index=frame.index, dtype=object)
    return frame
