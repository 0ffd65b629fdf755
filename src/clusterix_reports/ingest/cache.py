"""Per-file reuse for ingest: a file whose bytes and context are unchanged is not read again."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from clusterix_reports.ingest.files import FileOutcome
from clusterix_reports.record import code_fingerprint
from clusterix_reports.storage import atomic_write_bytes


class FileCache:
    """Parsed files by (content, path, parse context): a folder of pickles this program wrote."""

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
        return self.folder / f"{key}.pickle"

    def get(self, relative: str, sha256: str) -> FileOutcome | None:
        """The cached outcome of a file, or None."""
        path = self._path(relative, sha256)
        if path is None or not path.is_file():
            self.misses += 1
            return None
        try:
            outcome = pickle.loads(path.read_bytes())
        except Exception:
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def put(self, relative: str, sha256: str, outcome: FileOutcome) -> None:
        """Keep a file's outcome for the next run."""
        path = self._path(relative, sha256)
        if path is not None:
            atomic_write_bytes(path, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
