"""Numbers and dates as a reader of the report expects them, in English or Dutch."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

EMPTY = "–"


def is_empty(value: Any) -> bool:
    """None, NaN and pandas' missing values."""
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        return str(value) in ("<NA>", "NaT")


def number(value: Any, language: str, digits: int = 0) -> str:
    """1234.5 -> '1,234.5' (en) or '1.234,5' (nl); empty -> '–'."""
    if is_empty(value):
        return EMPTY
    text = f"{float(value):,.{digits}f}"
    if language == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.replace("-", "−")


def signed(value: Any, language: str, digits: int = 0) -> str:
    """A change with its sign: '+3', '−1.5'."""
    if is_empty(value):
        return EMPTY
    return ("+" if float(value) > 0 else "") + number(value, language, digits)


def percent(value: Any, language: str, digits: int = 1) -> str:
    """A percentage value: '93.8 %'."""
    if is_empty(value):
        return EMPTY
    return f"{number(value, language, digits)} %"


def euro(value: Any, language: str) -> str:
    """An amount in euro, no cents: 'EUR 62,106'."""
    if is_empty(value):
        return EMPTY
    return f"EUR {number(value, language, 0)}"


def date(value: Any) -> str:
    """A date as ISO 8601 (unambiguous in both languages); empty -> '–'."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, dt.datetime):
        value = value.date()
    if hasattr(value, "date") and not isinstance(value, dt.date):
        value = value.date()
    return value.isoformat()


def by_unit(value: Any, unit: str, language: str) -> str:
    """A value formatted by its indicator unit."""
    if unit == "%":
        return percent(value, language)
    if unit == "EUR":
        return euro(value, language)
    return number(value, language)
