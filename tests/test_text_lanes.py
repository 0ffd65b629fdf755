"""Numbers and dates typed as text: the common forms parsed at once give exactly what the
parsers give one cell at a time, value and problem alike."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterix_reports.ingest import values
from clusterix_reports.ingest.text_lanes import common_dates, common_numbers
from clusterix_reports.ingest.vocabulary import vocabulary

TEXTS = st.one_of(
    st.from_regex(r"[+-]?[0-9]{1,7}([.,][0-9]{1,4})?", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{1,3}(\.[0-9]{3}){1,3}(,[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{1,3}(,[0-9]{3}){1,2}\.[0-9]{1,2}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{4}[/.-][0-9]{1,2}[/.-][0-9]{1,2}( 12:30)?", fullmatch=True),
    st.from_regex(r"[+-]?\d{1,4}([.,/-]\d{1,4})?", fullmatch=True),  # any Unicode digit
    st.sampled_from(["1.234,50", " 12 ", "€ 5", "12 eur", "31/02/2019", "0000-01-01", "+3"]),
    st.text(max_size=12),
)
CELLS = st.lists(
    st.one_of(TEXTS, st.none(), st.floats(allow_nan=False), st.just(dt.date(2020, 1, 2))),
    min_size=1,
    max_size=150,
)


def _one_at_a_time(parse, cells):
    before, values.FAST_LANE_FROM = values.FAST_LANE_FROM, 10**9
    try:
        return parse(cells)
    finally:
        values.FAST_LANE_FROM = before


def _at_once(parse, cells):
    before, values.FAST_LANE_FROM = values.FAST_LANE_FROM, 0
    try:
        return parse(cells)
    finally:
        values.FAST_LANE_FROM = before


def _cells(items: list) -> np.ndarray:
    return values.objects(items, len(items))


@settings(max_examples=300, deadline=None)
@given(CELLS, st.booleans())
def test_numbers_at_once_equal_numbers_one_at_a_time(items, whole) -> None:
    cells = _cells(items)

    def parse(c):
        return values.parse_numbers(c, whole=whole)

    slow, fast = _one_at_a_time(parse, cells), _at_once(parse, cells)
    np.testing.assert_array_equal(fast.values, slow.values)
    assert fast.problems.tolist() == slow.problems.tolist()


@settings(max_examples=300, deadline=None)
@given(CELLS, st.sampled_from([None, "start", "end"]))
def test_dates_at_once_equal_dates_one_at_a_time(items, alone) -> None:
    cells = _cells(items)
    months = vocabulary().months

    def parse(c):
        return values.parse_dates(c, date1904=False, months=months, month_alone=alone)

    slow, fast = _one_at_a_time(parse, cells), _at_once(parse, cells)
    np.testing.assert_array_equal(fast.values, slow.values)
    assert fast.problems.tolist() == slow.problems.tolist()


def test_the_common_forms_by_hand() -> None:
    texts = ["1.234,50", "1.234", "12,5", "1,234.56", "+7", "-0,5", "12 eur", "١٢", None, 3.0]
    taken, numbers = common_numbers(texts, values.NUMBER_FORMS)
    assert taken.tolist() == [True] * 6 + [False] * 4
    assert numbers[:6].tolist() == [1234.5, 1.234, 12.5, 1234.56, 7.0, -0.5]
    texts = ["03/05/2019", "2019-05-03", "31.02.2019", "3-5-2019", "3 mei 2019", "2019-05-03 10:00"]
    taken, days = common_dates(texts, values.COMMON_DATE_FORMS)
    assert taken.tolist() == [True, True, True, True, False, False]
    assert days[:4].astype(str).tolist() == ["2019-05-03", "2019-05-03", "NaT", "2019-05-03"]
