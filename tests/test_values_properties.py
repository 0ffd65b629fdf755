"""Property tests: the date, number and name parsers give back what was written."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from clusterix_reports.ingest.values import name_index, parse_dates, parse_numbers, resolve_names
from clusterix_reports.ingest.vocabulary import fold, vocabulary

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


def cells(*written: object) -> np.ndarray:
    """Distinct cells as the parsers take them: an object array of what a reader gave."""
    array = np.empty(len(written), dtype=object)
    array[:] = written
    return array


def one_date(cell, *, date1904: bool = False, month_alone=None):
    parsed = parse_dates(
        cells(cell),
        date1904=date1904,
        months=vocabulary().months,
        month_alone=month_alone,
    )
    value, problem = parsed.values[0], parsed.problems[0]
    return (None if np.isnat(value) else value.astype("datetime64[D]").item()), problem


def serial(day: dt.date, date1904: bool) -> int:
    return (day - (dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30))).days


@given(
    days,
    st.sampled_from(
        [
            lambda d: d.isoformat(),
            lambda d: d.strftime("%d/%m/%Y"),
            lambda d: f"{d.day}-{d.month}-{d.year}",
            lambda d: d.strftime("%d.%m.%Y"),
            lambda d: f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}",
            lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
            lambda d: f" {d.isoformat()}T10:15:00 ",
            lambda d: d,
            lambda d: dt.datetime.combine(d, dt.time(16, 45)),
        ]
    ),
)
def test_every_written_date_form_reads_back_as_the_same_day(day, write) -> None:
    assert one_date(write(day)) == (day, None)


far_days = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(1677, 9, 21)),
    st.dates(min_value=dt.date(2262, 4, 12), max_value=dt.date(9999, 12, 31)),
)


@given(
    far_days,
    st.sampled_from(
        [
            lambda d: d,
            lambda d: dt.datetime.combine(d, dt.time(9)),
            lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
            lambda d: f"{d.day}/{d.month}/{d.year:04d}",
        ]
    ),
)
def test_a_real_day_beyond_what_a_table_holds_is_out_of_range_not_a_crash(day, write) -> None:
    # pandas keeps dates as nanoseconds (1677-09-22 to 2262-04-11); a typed year 1019 or 2919
    # is a row to send back with its reason, not a file that fails to read
    assert one_date(write(day)) == (None, "date_out_of_range")


def test_the_last_serial_day_is_out_of_range_and_beyond_it_no_date() -> None:
    assert one_date(2958465.0) == (None, "date_out_of_range")  # 9999-12-31
    assert one_date(2958466.0) == (None, "bad_date")
    assert one_date("december 2262", month_alone="end") == (None, "date_out_of_range")
    assert one_date("march 2262", month_alone="end") == (dt.date(2262, 3, 31), None)


@given(days, st.booleans(), st.booleans())
def test_serial_numbers_read_in_both_date_systems(day, date1904, as_text) -> None:
    number = serial(day, date1904)
    cell = str(number) if as_text else float(number)
    assert one_date(cell, date1904=date1904) == (day, None)


@given(days)
def test_a_month_alone_means_its_first_or_last_day_where_allowed(day) -> None:
    text = f"{MONTHS_NL[day.month - 1]} {day.year}"
    first = day.replace(day=1)
    assert one_date(text, month_alone="start") == (first, None)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    assert one_date(day.strftime("%Y-%m"), month_alone="end") == (last, None)
    assert one_date(text) == (None, "bad_date")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_belgian_and_plain_numbers_read_back_exactly(amount) -> None:
    value = float(amount)
    plain = f"{amount:.2f}"
    grouped = f"{amount:,.2f}"
    belgian = grouped.replace(",", " ").replace(".", ",").replace(" ", ".")
    spaced = grouped.replace(",", " ").replace(".", ",")
    written = [plain, belgian, spaced, f"€ {belgian}", f"{belgian} EUR", value]
    parsed = parse_numbers(np.array(written, dtype=object), whole=False)
    assert parsed.problems.tolist() == [None] * len(written)
    assert parsed.values.tolist() == [value] * len(written)


@given(st.integers(min_value=-(10**6), max_value=10**6), st.sampled_from([0.5, 0.25, 0.0]))
def test_whole_number_fields_reject_fractions_and_negatives(whole, fraction) -> None:
    parsed = parse_numbers(cells(whole + fraction), whole=True)
    problem = parsed.problems[0]
    if whole + fraction < 0:
        assert problem == "negative_number"
    elif fraction:
        assert problem == "not_whole_number"
    else:
        assert problem is None and parsed.values[0] == whole


names = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F),
    min_size=2,
    max_size=20,
).filter(lambda s: fold(s))


@given(names, st.data())
def test_a_name_resolves_whatever_its_case_accents_spacing_and_punctuation(name, data) -> None:
    index = name_index(["X1"], [name], [[]])
    variant = "".join(
        data.draw(st.sampled_from([c.upper(), c.lower(), c]))
        + data.draw(st.sampled_from(["", " ", "'", "-"]))
        for c in unicodedata.normalize("NFKD", name)
    )
    parsed = resolve_names(cells(f"  {variant} "), index, "unknown_cluster")
    if fold(variant) == fold(name):
        assert parsed.values[0] == "X1"
