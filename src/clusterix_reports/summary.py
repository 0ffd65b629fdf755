"""Plain-text summaries for the terminal: what ingest did, and every problem of a file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


def ingest_summary(record: dict[str, Any]) -> str:
    """A few lines: files read/skipped/failed, rows loaded/duplicate/rejected, reasons."""
    t = record["totals"]
    lines = [
        f"files: {t['files_read']} read, {t['files_skipped']} skipped, {t['files_failed']} failed",
        f"rows: {t['rows_loaded']} loaded, {t['rows_duplicate']} duplicate, "
        f"{t['rows_rejected']} rejected (of {t['rows_read']} read)",
    ]
    if record["rejected_by_reason"]:
        reasons = ", ".join(f"{k} {n}" for k, n in record["rejected_by_reason"].items())
        lines.append(f"rejected by reason: {reasons}")
    for f in record["files"]:
        if f["status"] == "failed":
            lines.append(f"failed: {f['path']}: {f['reason']}")
        for s in f["sheets"]:
            if s["status"] == "failed":
                lines.append(f"failed: {f['path']}, sheet {s['name']}: {s['reason']}")
    return "\n".join(lines)
