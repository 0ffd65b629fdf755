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


def spreadsheet_errors(cells: Sequence[Any]) -> np.ndarray:
    """For each cell, whether it shows a spreadsheet error value such as #VALUE!."""
    return np.fromiter(
        (isinstance(x, str) and _ERROR_VALUE.fullmatch(x.strip()) is not None for x in cells),
        dtype=bool,
        count=len(cells),
    )


MAX_VALUE_CHARS = 131_072  # as the csv module allows by default: longer is no table value


def overlong_cells(cells: Sequence[Any]) -> np.ndarray:
    """For each cell, whether it is text longer than any field may hold (MAX_VALUE_CHARS)."""
    return np.fromiter(
        (isinstance(x, str) and len(x) > MAX_VALUE_CHARS for x in cells),
        dtype=bool,
        count=len(cells),
    )
