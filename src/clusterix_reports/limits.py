"""Limits that keep one hostile or broken file from stopping, hanging or exhausting a run."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    """Bounds on what a file may hold and what reading or rendering may cost ([limits] in the pipeline)."""

    max_file_mb: int = 200  # a larger file is not read
    max_unpacked_mb: int = 1024  # a zip-based workbook (xlsx, ods) may decompress to at most this
    max_compression_ratio: int = 200  # a larger member compressed more than this is a zip bomb
    max_cells_per_sheet: int = (
        5_000_000  # cells a sheet may declare or hold (a 12-column sheet of 400,000 rows)
    )
    worker_memory_mb: int = 2048  # address space of each process that parses files
    seconds_per_file: int = 120  # a file that takes longer to parse is given up
    render_seconds: int = 600  # the PDF must be laid out and written within this


LIMIT_KEYS = tuple(f.name for f in fields(Limits))
