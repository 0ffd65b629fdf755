"""Checks on a field's cells that hold whatever its type: error values and overlong text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

_ERROR_VALUE = re.compile(
    r"#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)|Err:\d{3}",
    re.IGNORECASE,
)  # Excel's error values and LibreOffice's Err:NNN

MAX_VALUE_CHARS = 131_072  # as the csv module allows by default: longer is no table value


def text_checks(cells: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """For each cell, whether it shows a spreadsheet error value such as #VALUE!, and whether
    it is text longer than any field may hold (MAX_VALUE_CHARS); one pass, over text only."""
    errors = np.zeros(len(cells), dtype=bool)
    overlong = np.zeros(len(cells), dtype=bool)
    for i, cell in enumerate(cells):
        if isinstance(cell, str):
            if len(cell) > MAX_VALUE_CHARS:
                overlong[i] = True
            elif "#" in cell or ":" in cell:  # what every error value holds, before the pattern
                errors[i] = _ERROR_VALUE.fullmatch(cell.strip()) is not None
    return errors, overlong
