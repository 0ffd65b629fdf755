"""A small SVG canvas in points: lines, shapes, hatched bars and text, written out in order.

Coordinates are written with at most two decimals, so the same chart gives the same bytes.
Text stays text (the PDF embeds the report's own font); its width is estimated from the
advance widths of DejaVu Sans, the report's font, to size margins and place legends.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from html import escape

FONT = "DejaVu Sans"
WIDTH = 504.0  # the report's text column: A4 less two margins of 16 mm, in points
GRID = "#d9d9d9"
SHADE = "#e0e0e0"

# DejaVu Sans advance widths in em; other characters count as their unaccented letter or 0.62
_NARROW = dict.fromkeys("il.,:;'|!", 0.29) | dict.fromkeys("fjI()[]/-", 0.35) | {" ": 0.318}
_WIDE = {"m": 0.974, "w": 0.818, "M": 0.863, "W": 0.989, "%": 0.95, "&": 0.78, "…": 1.0}
_OTHER = {"r": 0.411, "t": 0.392, "s": 0.521, "z": 0.525, "c": 0.55}


def _em(char: str) -> float:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    if base in _NARROW or base in _WIDE or base in _OTHER:
        return _NARROW.get(base) or _WIDE.get(base) or _OTHER[base]
    if base.isupper():
        return 0.70
    return 0.62


def text_width(text: str, size: float) -> float:
    """The estimated width of one line of text at `size` points."""
    return sum(_em(c) for c in text) * size


def number(value: float) -> str:
    """A coordinate with at most two decimals: the same bytes on every run."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{number(x)},{number(y)}" for x, y in points)


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """Round axis ticks from 0 to at least `top` (1, 2 or 5 times a power of ten apart)."""
    if not top > 0:
        return [0.0, 1.0]
    return nice_range(0.0, top, most)


def nice_range(low: float, high: float, most: int = 6) -> list[float]:
    """Round axis ticks covering [low, high] (for axes that need not start at 0)."""
    span = high - low if high > low else 1.0
    rough = span / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def tick_label(value: float, decimal: str = ".") -> str:
    """An axis tick as people write it: 5, 2.5, 0.25 (2,5 with a decimal comma)."""
    return f"{value:g}".replace(".", decimal)


class Canvas:
    """An SVG drawing of `width` x `height` points; shapes are drawn in the order they are added."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.parts: list[str] = []

    def _add(self, tag: str, text: str | None = None, **attributes: object) -> None:
        pairs = []
        for key, value in attributes.items():
            if value is None:
                continue
            shown = number(value) if isinstance(value, float | int) else str(value)
            pairs.append(f'{key.rstrip("_").replace("_", "-")}="{escape(shown)}"')
        opening = f"<{tag} {' '.join(pairs)}" if pairs else f"<{tag}"
        if text is not None:  # a control character in an input's name would break the SVG
            text = _NOT_XML.sub("", text)
        self.parts.append(f"{opening}/>" if text is None else f"{opening}>{escape(text)}</{tag}>")

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        stroke: str = "#000",
        width: float = 0.8,
        dash: str | None = None,
    ) -> None:
        """A straight line."""
        self._add(
            "line",
            x1=x1,
            y1=y1,
            x2=x2,
            y2=y2,
            stroke=stroke,
            stroke_width=width,
            stroke_dasharray=dash,
        )

    def polyline(
        self,
        points: Sequence[tuple[float, float]],
        stroke: str = "#000",
        width: float = 1.0,
        dash: str | None = None,
    ) -> None:
        """Connected line segments through the points."""
        self._add(
            "polyline",
            points=_points(points),
            fill="none",
            stroke=stroke,
            stroke_width=width,
            stroke_dasharray=dash,
            stroke_linejoin="round",
        )

    def polygon(self, points: Sequence[tuple[float, float]], fill: str) -> None:
        """A filled shape without outline."""
        self._add("polygon", points=_points(points), fill=fill)

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        fill: str = "none",
        stroke: str | None = None,
        stroke_width: float = 0.6,
        hatched: bool = False,
    ) -> None:
        """A rectangle; `hatched` fills it with diagonal lines (black and white print)."""
        self._add(
            "rect",
            x=x,
            y=y,
            width=max(width, 0.0),
            height=max(height, 0.0),
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width if stroke else None,
        )
        if hatched and width > 0 and height > 0:
            self._hatch(x, y, width, height)
            if stroke:
                self._add(
                    "rect",
                    x=x,
                    y=y,
                    width=width,
                    height=height,
                    fill="none",
                    stroke=stroke,
                    stroke_width=stroke_width,
                )

    def _hatch(self, x: float, y: float, width: float, height: float, gap: float = 3.0) -> None:
        """Diagonal lines (bottom left to top right) `gap` apart, cut to the rectangle."""
        segments = []
        offset = gap / 2
        while (
            offset < width + height
        ):  # along a line, (distance from left) + (from bottom) = offset
            u_start, u_end = max(0.0, offset - height), min(width, offset)
            start = (x + u_start, y + height - (offset - u_start))
            end = (x + u_end, y + height - (offset - u_end))
            segments.append(
                f"M{number(start[0])} {number(start[1])}L{number(end[0])} {number(end[1])}"
            )
            offset += gap
        self._add("path", d="".join(segments), stroke="#000", stroke_width=0.5, fill="none")

    def marker(
        self, shape: str, x: float, y: float, size: float, fill: str = "#000", stroke: str = "#000"
    ) -> None:
        """A data point: "o" circle, "s" square, "^" triangle, "D" diamond, "|" tick; `size` across."""
        r = size / 2
        if shape == "o":
            self._add("circle", cx=x, cy=y, r=r, fill=fill, stroke=stroke, stroke_width=0.7)
        elif shape == "s":
            self._add(
                "rect",
                x=x - r,
                y=y - r,
                width=size,
                height=size,
                fill=fill,
                stroke=stroke,
                stroke_width=0.7,
            )
        elif shape == "|":
            self.line(x, y - r, x, y + r, stroke=stroke, width=1.2)
        else:
            points = {
                "^": [(x, y - r * 1.15), (x + r, y + r * 0.85), (x - r, y + r * 0.85)],
                "D": [(x, y - r * 1.2), (x + r * 0.85, y), (x, y + r * 1.2), (x - r * 0.85, y)],
            }[shape]
            self._add(
                "polygon",
                points=_points(points),
                fill=fill,
                stroke=stroke,
                stroke_width=0.7,
            )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 8.0,
        anchor: str = "start",
        bold: bool = False,
        rotate: float | None = None,
        fill: str = "#000",
    ) -> None:
        """Text with its baseline at y; several lines (split on newlines) go down from there."""
        for i, line in enumerate(text.split("\n")):
            top = y + i * size * 1.2
            self._add(
                "text",
                line,
                x=x,
                y=top,
                font_size=size,
                text_anchor=None if anchor == "start" else anchor,
                font_weight="bold" if bold else None,
                transform=f"rotate({number(rotate)} {number(x)} {number(top)})" if rotate else None,
                fill=fill if fill != "#000" else None,
            )

    def title(self, text: str) -> None:
        """The drawing's name for assistive technology; not drawn (the figure caption is
        the one visible title)."""
        self._add("title", text)

    def to_svg(self) -> str:
        """The drawing as an SVG document."""
        w, h = number(self.width), number(self.height)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT}">'
        )
        return "\n".join([head, *self.parts, "</svg>"]) + "\n"
