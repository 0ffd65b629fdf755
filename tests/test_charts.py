"""The charts, read back as SVG: where values land, with positions computed by hand."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from clusterix_reports.render import category_charts, charts
from clusterix_reports.render.svg import WIDTH, Canvas, nice_range, nice_ticks, number, text_width

NS = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def points(element: ET.Element) -> list[tuple[float, float]]:
    pairs = element.get("points", "").split()
    return [(float(x), float(y)) for x, y in (p.split(",") for p in pairs)]


def test_axis_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(23, 5) == [0, 5, 10, 15, 20, 25]  # 23 / 5 = 4.6: steps of 5
    assert nice_ticks(12, 3) == [0, 5, 10, 15]
    assert nice_ticks(10, 5) == [0, 2, 4, 6, 8, 10]  # the top itself when it is a step
    assert nice_ticks(0) == [0.0, 1.0]  # nothing to show: still an axis
    assert nice_range(2.2, 4.35, 6) == [2.0, 2.5, 3.0, 3.5, 4.0, 4.5]  # 2.15 / 6 = 0.36: 0.5


def test_coordinates_are_written_with_two_decimals_at_most() -> None:
    assert [number(v) for v in (1.0, 2.345, -0.001, 10.5)] == ["1", "2.35", "0", "10.5"]


def test_text_width_grows_with_the_text_and_its_size() -> None:
    assert text_width("ill", 10) < text_width("mmm", 10)
    assert text_width("Total", 16) == pytest.approx(2 * text_width("Total", 8))
    assert text_width("é", 8) == text_width("e", 8)  # accents count as their letter


def test_trend_line_points_sit_at_their_values() -> None:
    svg = charts.trend_lines(
        ["2019Q1", "2019Q2", "2019Q3"], {"Total": [0, 5, 10]}, "Title", "Period", "Clusters"
    )
    root = parsed(svg)
    (line,) = root.iter(f"{NS}polyline")
    # y: 0 at the plot's bottom (24 + 140), 10 (the top tick) at its top (24);
    # x: first and last period 8 points inside the plot (44 .. WIDTH - 6)
    last = WIDTH - 14
    assert points(line) == [(52, 164), ((52 + last) / 2, 94), (last, 24)]
    words = texts(root)
    assert {"Period", "Clusters", "Total", "2019Q1", "2019Q3"} <= set(words)
    # the title names the drawing for assistive technology; the figure caption is the one shown
    assert "Title" not in words and root.find(f"{NS}title").text == "Title"
    assert [w for w in words if w.isdigit()] == ["0", "2", "4", "6", "8", "10"]  # y ticks


def test_each_series_has_its_own_dash_pattern() -> None:
    svg = charts.trend_lines(
        ["2019Q1", "2019Q2"], {"A": [1, 2], "B": [2, 1], "C": [0, 0]}, "T", "x", "y"
    )
    lines = list(parsed(svg).iter(f"{NS}polyline"))
    dashes = [line.get("stroke-dasharray") for line in lines]
    assert len(lines) == 3 and len(set(dashes)) == 3


def test_small_multiples_share_one_scale() -> None:
    svg = charts.small_multiples(
        ["2019Q1", "2019Q2"], {"A": [0, 10], "B": [0, 5]}, "Uses", "Period", "Uses (number)"
    )
    areas = list(parsed(svg).iter(f"{NS}polygon"))
    tops = [min(y for _, y in points(a)) for a in areas]
    bottoms = [max(y for _, y in points(a)) for a in areas]
    assert bottoms[0] == bottoms[1]
    # both panels 64 points high from 0 to the top tick 10: 5 reaches half way
    assert bottoms[1] - tops[1] == pytest.approx((bottoms[0] - tops[0]) / 2)


def test_timeline_bars_are_as_long_as_the_planned_spans() -> None:
    row = category_charts.TimelineRow
    steps = [
        row("1. One year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), None, dt.date(2020, 6, 1)),
        row("2. Two years", dt.date(2021, 1, 1), dt.date(2022, 12, 31)),
    ]
    svg = category_charts.timeline(
        steps,
        (dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
        "Timeline",
        "Date",
        ("Planned", "Done", "2020Q4", "Actual", "Delayed"),
    )
    root = parsed(svg)
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#fff"]
    widths = [float(r.get("width", "0")) for r in bars[:2]]
    assert widths[0] / widths[1] == pytest.approx(366 / 730, abs=0.002)  # 2020 is a leap year
    diamonds = [p for p in root.iter(f"{NS}polygon") if len(points(p)) == 4]
    assert len(diamonds) == 2  # the completed step, and the legend's key
    assert {"1. One year", "2. Two years", "2020Q4", "Done", "Planned"} <= set(texts(root))
    assert "2021-01" in texts(root)  # month ticks


def test_benchmark_positions_follow_the_scores() -> None:
    svg = category_charts.benchmark_dots(
        ["Low", "High"],
        [2.0, 4.0],
        [3.0, 3.0],
        [3.0, 3.5],
        0.25,
        "B",
        "Score",
        ("s", "m", "d", "b"),
    )
    root = parsed(svg)
    diamonds = [p for p in root.iter(f"{NS}polygon") if len(points(p)) == 4]
    centres = [sum(x for x, _ in points(d)) / 4 for d in diamonds[:2]]
    assert centres[0] < centres[1]
    bands = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#e0e0e0"]
    # each band is 2 x 0.25 = 0.5 wide; the two scores lie 2.0 apart: four band widths
    assert float(bands[0].get("width", "0")) == pytest.approx(float(bands[1].get("width", "0")))
    band = float(bands[0].get("width", "0"))
    assert centres[1] - centres[0] == pytest.approx(4 * band, abs=0.02)  # two decimals each


def test_hatching_stays_inside_its_box() -> None:
    canvas = Canvas(100, 100)
    canvas.rect(10, 20, 30, 8, fill="#fff", stroke="#000", hatched=True)
    (path,) = ET.fromstring(canvas.to_svg()).iter(f"{NS}path")
    numbers = [float(v) for v in path.get("d", "").replace("M", " ").replace("L", " ").split()]
    xs, ys = numbers[0::2], numbers[1::2]
    assert min(xs) >= 10 and max(xs) <= 40 and min(ys) >= 20 and max(ys) <= 28


DRAW_IN_A_FRESH_PROCESS = """
import sys
from clusterix_reports.render import category_charts, charts
series = {"spearhead": [1.0, 2.0, 4.0], "ibn": [0.0, 3.0, 1.0], "total": [1.0, 5.0, 5.0]}
sys.stdout.write(charts.trend_lines(["2019Q1", "2019Q2", "2019Q3"], series, "t", "p", "v"))
"""


def test_the_same_chart_gives_the_same_bytes_in_any_process() -> None:
    """Two interpreters with other hash seeds (set and dict orders of strings differ) draw
    the same SVG: nothing in a chart depends on the process that drew it."""
    import os
    import subprocess
    import sys

    drawn = [
        subprocess.run(
            [sys.executable, "-c", DRAW_IN_A_FRESH_PROCESS],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert drawn[0].startswith("<svg") and drawn[0] == drawn[1]
