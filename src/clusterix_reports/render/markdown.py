"""The narrative's Markdown as HTML the report can hold: raw HTML, images and links as text.

markdown-it-py with HTML off escapes every tag an input holds; images become their text
and address, links their text followed by their address, so nothing in a narrative can
make the renderer fetch a file or reach the network.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup


def _image(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
    token = tokens[index]
    alt = "".join(child.content for child in token.children or [])
    return escape(f"[{alt}: {token.attrGet('src') or ''}]")


def _link_open(renderer: Any, tokens: list[Any], index: int, options: Any, env: dict) -> str:
    env.setdefault("links", []).append(tokens[index].attrGet("href") or "")
    return ""


def _link_close(renderer: Any, tokens: list[Any], index: int, options: Any, env: dict) -> str:
    address = env["links"].pop()
    return f' <span class="address">({escape(address)})</span>'


def _heading_open(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
    return '<p class="subhead"><strong>'


def _heading_close(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
    return "</strong></p>\n"


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.add_render_rule("image", _image)
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("link_close", _link_close)
    # a heading inside a section is a bold paragraph: the report's own headings keep their order
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("heading_close", _heading_close)
    return parser


def markdown_html(text: str) -> Markup:
    """Markdown as safe HTML: paragraphs, lists, emphasis; tags, images and links as text."""
    return Markup(_parser().render(text, {}))
