"""Reading and writing tables and records: Parquet with fixed schemas, JSON, atomic replaces."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # the table libraries load only when a table is read or written
    import pandas as pd
    import pyarrow as pa


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half.

    An OSError (a full disk, a read-only folder) names `path` when the system did not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        _raise_naming(exc, path)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; outputs are for reading
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            _raise_naming(exc, path)
        raise


def _raise_naming(exc: OSError, path: Path) -> NoReturn:
    """Raise the error again, naming `path` when the system named no file."""
    if exc.filename or exc.errno is None:
        raise exc
    raise type(exc)(exc.errno, exc.strerror, str(path)) from exc


def to_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A pandas frame as an Arrow table of exactly `schema` (missing columns become nulls)."""
    import pyarrow as pa

    arrays = []
    for fld in schema:
        if fld.name not in frame:
            arrays.append(pa.nulls(len(frame), fld.type))
            continue
        column = frame[fld.name]
        if pa.types.is_list(fld.type):
            arrays.append(pa.array([list(x) if x is not None else None for x in column], fld.type))
            continue
        if pa.types.is_string(fld.type):
            try:
                arrays.append(pa.array(column, type=pa.string(), from_pandas=True))
            except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed cells: made text one by one
                arrays.append(
                    pa.array([None if _missing(x) else str(x) for x in column], pa.string())
                )
            continue
        arrays.append(pa.array(column, from_pandas=True).cast(fld.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def write_parquet(frame: pd.DataFrame, schema: pa.Schema | None, path: Path) -> None:
    """Write a table as Parquet, atomically and reproducibly; with `schema`, exactly of that schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = (
        to_arrow(frame, schema)
        if schema is not None
        else pa.Table.from_pandas(frame, preserve_index=False)
    )
    # minimum and maximum for dates and numbers, where readers filter; not for text, whose
    # statistics cost a fifth of writing a table and serve no filter
    stats = [f.name for f in table.schema if not pa.types.is_string(f.type)]
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=stats, store_schema=True)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def read_arrow(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file (or some of its columns) as an Arrow table.

    Read as a single file: `pyarrow.parquet.read_table` goes through the datasets layer,
    whose import and setup cost 30 ms once and a millisecond a file more.
    """
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read(columns=columns)


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a table written by `write_parquet`; dates come back as datetime.date objects."""
    return read_arrow(path).to_pandas(date_as_object=True)


def write_json(data: Any, path: Path) -> None:
    """Write JSON with sorted keys and a final newline, atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))
