"""The message catalogue: every label of the reports, per language, from one file each."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterix_reports.compute.definitions import BY_ID
from clusterix_reports.render.format import Wording, shown
from clusterix_reports.text import MESSAGE_VALUE_CHARS, clipped


@dataclass(frozen=True)
class Messages:
    """Labels by section and key; indicator labels fall back to the English definitions."""

    language: str
    catalogue: dict[str, Any]

    def __call__(self, key: str, **values: Any) -> str:
        """The label `section.key`, with `{name}` placeholders filled in."""
        section, name = key.split(".", 1)
        text = self.catalogue[section][name]
        values = {key: shown(value) for key, value in values.items()}
        return Wording(text.format(**values) if values else text)

    def indicator_label(self, indicator_id: str) -> str:
        """The indicator's label in this language."""
        return Wording(
            self.catalogue.get("indicator", {})
            .get(indicator_id, {})
            .get("label", BY_ID[indicator_id].label)
        )

    def indicator_definition(self, indicator_id: str) -> str:
        """The indicator's definition in this language."""
        return Wording(
            self.catalogue.get("indicator", {})
            .get(indicator_id, {})
            .get("definition", BY_ID[indicator_id].definition)
        )

    def indicator_rule(self, indicator_id: str) -> str:
        """The indicator's counting rule, a plain sentence, in this language."""
        return Wording(
            self.catalogue.get("indicator", {})
            .get(indicator_id, {})
            .get("rule", BY_ID[indicator_id].counting_rule)
        )

    def unit(self, unit: str) -> str:
        """An indicator's unit in this language."""
        return self.catalogue.get("unit", {}).get(unit, unit)

    def reason(self, code: str) -> str:
        """A rejected row's reason code as words in this language (the code where unknown)."""
        return self.catalogue.get("reason", {}).get(code, code)

    def reason_message(self, code: str, message: str, **values: object) -> str:
        """What to do about a rejected row, in this language: the catalogue's text where it
        has one for the reason, else the message the row came with (English)."""
        template = self.catalogue.get("reason_message", {}).get(code)
        if not template:
            return message
        if isinstance(value := values.get("value"), str):
            values["value"] = clipped(value, MESSAGE_VALUE_CHARS)
        return template.format(**values)

    def file_reason(self, text: str) -> str:
        """Why a file or sheet was not read, in this language: each "; "-separated part that
        a pattern of the catalogue's [file_reason] matches, in its words (else as it is)."""
        patterns = _patterns(tuple(self.catalogue.get("file_reason", {}).items()))
        if not text or not patterns:
            return text
        parts = []
        for part in _clauses(text):
            for pattern, template in patterns:
                if found := pattern.fullmatch(part):
                    part = template.format(**found.groupdict())
                    for english, own in self.catalogue.get("file_reason_words", {}).items():
                        part = part.replace(english, own)
                    break
            parts.append(part)
        return "; ".join(parts)

    def status(self, value: str | None) -> str:
        """A status, position or cluster type in this language."""
        if value is None:
            return self.catalogue["text"]["none"]
        return self.catalogue["status"].get(value, value)


def _clauses(text: str) -> list[str]:
    """The "; "-separated clauses of a text, not splitting inside brackets."""
    clauses, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and text.startswith("; ", i):
            clauses.append(text[start:i])
            start = i + 2
    return [*clauses, text[start:]]


@functools.cache
def _patterns(pairs: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern), template) for pattern, template in pairs]


def load_messages(templates: Path, language: str) -> Messages:
    """The catalogue `messages.LANGUAGE.toml` of a templates folder."""
    path = templates / f"messages.{language}.toml"
    with path.open("rb") as handle:
        return Messages(language, tomllib.load(handle))
