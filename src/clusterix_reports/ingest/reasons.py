"""Reason codes for rejected rows, and the message a person can act on for each."""

from __future__ import annotations

from enum import StrEnum

from clusterix_reports.text import MESSAGE_VALUE_CHARS, clipped


class Reason(StrEnum):
    """Why a row was rejected (a closed set; see docs/input-contract.md)."""

    MISSING_VALUE = "missing_value"
    UNKNOWN_CLUSTER = "unknown_cluster"
    UNKNOWN_SERVICE = "unknown_service"
    BAD_DATE = "bad_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    BAD_NUMBER = "bad_number"
    NEGATIVE_NUMBER = "negative_number"
    NOT_WHOLE_NUMBER = "not_whole_number"
    BAD_STATUS = "bad_status"
    BAD_VALUE = "bad_value"
    FORMULA_ERROR = "formula_error"
    TOO_FEW_CLUSTERS = "too_few_clusters"
    DUPLICATE_ID = "duplicate_id"


_MESSAGES = {
    Reason.MISSING_VALUE: "The column {field} is required and empty here; fill it in.",
    Reason.UNKNOWN_CLUSTER: (
        "{value!r} is not a cluster of the registry (reference/clusters); write its id, name "
        "or an alias, or add this spelling to the registry's aliases."
    ),
    Reason.UNKNOWN_SERVICE: (
        "{value!r} is not a service of the catalogue (reference/services); write its id, name "
        "or an alias, or add this spelling to the catalogue's aliases."
    ),
    Reason.BAD_DATE: (
        "{value!r} in {field} is not a date; write a full date, day first (03/05/2019) "
        "or ISO (2019-05-03){month_hint}."
    ),
    Reason.DATE_OUT_OF_RANGE: (
        "{value} in {field} is outside the programme ({start} to {end}); check the year."
    ),
    Reason.BAD_NUMBER: "{value!r} in {field} is not a number; write it as 1234,56 or 1234.56.",
    Reason.NEGATIVE_NUMBER: "{value} in {field} is negative; it cannot be below 0.",
    Reason.NOT_WHOLE_NUMBER: "{value} in {field} is not a whole number; it counts whole units.",
    Reason.BAD_STATUS: "{value!r} is not a known {field}; use one of: {choices}.",
    Reason.BAD_VALUE: "{value!r} is not a value {field} can hold{choice_hint}.",
    Reason.FORMULA_ERROR: (
        "{value!r} in {field} is a spreadsheet error value, not a value; correct the formula "
        "or type the value in."
    ),
    Reason.TOO_FEW_CLUSTERS: (
        "An intercluster project needs at least two different clusters; {value!r} names fewer."
    ),
    Reason.DUPLICATE_ID: (
        "{field} {value!r} was already loaded from {first} with other values; give this row "
        "its own {field} or remove one of the two."
    ),
}


def reason_message(reason: str, field: str, value: str, **details: str) -> str:
    """The message for one rejected value, naming what to do about it."""
    template = _MESSAGES[Reason(reason)]
    value = clipped(value, MESSAGE_VALUE_CHARS)
    values = {"start": "", "end": "", "choices": "", "first": "", "month_hint": ""} | details
    values["choice_hint"] = (
        f"; use one of: {values['choices']}"
        if values["choices"]
        else "; it is too large or too long"
    )
    return template.format(field=field, value=value, **values)
