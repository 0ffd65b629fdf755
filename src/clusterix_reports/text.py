"""Text as every output can hold it."""

from __future__ import annotations

MESSAGE_VALUE_CHARS = 100  # of an input value quoted in a message; its own column holds it whole


def clipped(text: str, length: int) -> str:
    """`text` cut to at most `length` characters, the last of them "…" where it was cut."""
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"
