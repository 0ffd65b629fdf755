"""Numbers and dates as a reader of the report expects them, in English or Dutch."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from clusterix_reports.text import clipped

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
    return f"{number(value, language, digits)}\u00a0%"  # never broken from its number


def euro(value: Any, language: str) -> str:
    """An amount in euro, no cents: 'EUR 62,106'."""
    if is_empty(value):
        return EMPTY
    return f"EUR\u00a0{number(value, language, 0)}"


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


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}


def long_date(value: Any, language: str) -> str:
    """A date as running text writes it: '27 December 2020' (en), '27 december 2020' (nl)."""
    if is_empty(value):
        return EMPTY
    if hasattr(value, "date") and not isinstance(value, dt.date):
        value = value.date()
    return f"{value.day} {MONTHS[language].split()[value.month - 1]} {value.year}"


def change(value: Any, unit: str, language: str) -> str:
    """A change of an indicator: a percentage's in percentage points ('+3.1 pp')."""
    if unit == "%":
        text = signed(value, language, 1)
        return text if text == EMPTY else f"{text}\u00a0pp"
    return signed(value, language, 0)


SHOWN_LENGTH = 300  # characters of an input value the report shows; the workbook has it whole


class Wording(str):
    """The report's own words (the message catalogue): shown whole, however long."""


def shown(value: Any) -> Any:
    """A plain text value cut to `SHOWN_LENGTH` with "…", so no input can fill pages or hold
    the layout hostage; markup, the report's own words and non-text are passed as they are."""
    return clipped(value, SHOWN_LENGTH) if type(value) is str else value
