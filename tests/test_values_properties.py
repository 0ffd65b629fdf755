"""Property tests: the date, number and name parsers give back what was written."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
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


def one_date(cell, *, date1904: bool = False, month_alone=None):
    parsed = parse_dates(
        pd.Series([cell], dtype=object),
        date1904=date1904,
        months=vocabulary().months,
        month_alone=month_alone,
    )
    value, problem = parsed.values.iloc[0], parsed.problems.iloc[0]
    return (None if pd.isna(value) else value.date()), (None if pd.isna(problem) else problem)


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
    cells = [plain, belgian, spaced, f"€ {belgian}", f"{belgian} EUR", value]
    parsed = parse_numbers(pd.Series(cells, dtype=object), whole=False)
    assert parsed.problems.isna().all()
    assert parsed.values.tolist() == [value] * len(cells)


@given(st.integers(min_value=-(10**6), max_value=10**6), st.sampled_from([0.5, 0.25, 0.0]))
def test_whole_number_fields_reject_fractions_and_negatives(whole, fraction) -> None:
    parsed = parse_numbers(pd.Series([whole + fraction], dtype=object), whole=True)
    problem = parsed.problems.iloc[0]
    problem = None if pd.isna(problem) else problem
    if whole + fraction < 0:
        assert problem == "negative_number"
    elif fraction:
        assert problem == "not_whole_number"
    else:
        assert problem is None and parsed.values.iloc[0] == whole


names = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F),
    min_size=2,
    max_size=20,
).filter(lambda s: fold(s))


@given(names, st.data())
def test_a_name_resolves_whatever_its_case_accents_spacing_and_punctuation(name, data) -> None:
    index = name_index(pd.Series(["X1"]), pd.Series([name]), pd.Series([[]]))
    variant = "".join(
        data.draw(st.sampled_from([c.upper(), c.lower(), c]))
        + data.draw(st.sampled_from(["", " ", "'", "-"]))
        for c in unicodedata.normalize("NFKD", name)
    )
    parsed = resolve_names(pd.Series([f"  {variant} "], dtype=object), index, "unknown_cluster")
    if fold(variant) == fold(name):
        assert parsed.values.iloc[0] == "X1"
