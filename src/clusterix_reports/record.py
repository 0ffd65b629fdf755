"""The run record (run.json): what ran or was reused, with which inputs, making which outputs.

A versioned schema (docs/run.schema.json); later runs read it to decide what to reuse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from clusterix_reports import __version__

RUN_SCHEMA_VERSION = 1


class StepStatus(StrEnum):
    """How a step went (a closed set)."""

    RAN = "ran"
    REUSED = "reused"
    FAILED = "failed"


@dataclass
class StepRecord:
    """One step of a run."""

    name: str
    status: StepStatus
    seconds: float
    fingerprint: str
    why: str
    rows_in: int | None = None
    rows_out: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileEntry:
    """An input or output file with its content hash and its size in rows or pages."""

    path: str
    sha256: str
    rows: int | None = None
    pages: int | None = None


@dataclass
class RunRecord:
    """Everything run.json holds."""

    package_version: str
    pipeline_file: str
    pipeline_sha256: str
    data_through: str | None
    partial: bool
    coverage_pct: float
    period: dict[str, str]
    steps: list[StepRecord]
    inputs: list[FileEntry]
    outputs: list[FileEntry]
    narrative: dict[str, str] | None = None  # the narrative file read: path, sha256
    schema_version: int = RUN_SCHEMA_VERSION

    def to_json(self) -> str:
        """The record as JSON text, keys in a fixed order."""
        data = asdict(self)
        data = {"schema_version": data.pop("schema_version"), **data}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_run_record(path: Path) -> dict[str, Any] | None:
    """A previous run.json, or None when there is none or it is of another schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("schema_version") == RUN_SCHEMA_VERSION else None


@cache
def code_fingerprint() -> str:
    """The package version and a hash of its code, so a changed program never reuses old outputs."""
    package = Path(__file__).resolve().parent
    return f"{__version__}+{folder_fingerprint(package, ('.py', '.toml'))[:16]}"


def fingerprint(*parts: Any) -> str:
    """A hash of everything a step reads: equal fingerprints, equal outputs."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder_fingerprint(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """A hash of every file in a folder (the templates, the code), by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and (not suffixes or p.suffix in suffixes)
    ):
        digest.update(
            path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()
