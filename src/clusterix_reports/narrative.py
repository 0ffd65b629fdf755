"""The analyst's narrative for a period's report: `INPUTS/narrative/PERIOD.md`.

Front matter (sign-off), `## KEY` sections that open the report's sections, and live
figures: `{clusters_served}`, `{coverage_pct.change}`, `{period}`, ... replaced by the
period's values as the report's tables print them. Markdown becomes HTML with raw HTML
off: a tag, an image or a link is shown as text, never fetched. Every mistake a person
can make in the file ends in one sentence naming the file, the line and what is valid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clusterix_reports.errors import UserError

NARRATIVE_FOLDER = "narrative"
SECTIONS = (
    "summary",
    "action-plan",
    "deviations",
    "next-steps",
    "indicators",
    "uptake",
    "intercluster",
    "benchmark",
    "budget",
    "data-quality",
)
FRONT_KEYS = ("prepared_by", "reviewed_by", "approved_by", "approved_on", "version")
SUFFIXES = ("previous", "year_ago", "change", "target", "pct_of_target")
PLAIN_PLACEHOLDERS = ("period", "data_through")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LEFT, _RIGHT = "\ue000", "\ue001"  # stand-ins for the literal braces {{ and }}


class NarrativeError(UserError):
    """A narrative file that cannot be used: bad front matter, section or placeholder."""


@dataclass(frozen=True)
class Narrative:
    """One period's narrative: where it came from, its sign-off and its sections."""

    path: str  # relative to INPUTS
    sha256: str
    front: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # key -> Markdown, placeholders in

    @property
    def approved(self) -> bool:
        """Signed off: both approved_by and approved_on are set."""
        return bool(self.front.get("approved_by") and self.front.get("approved_on"))


def narrative_path(inputs: Path, period_id: str) -> Path:
    """Where the narrative of a period lives."""
    return inputs / NARRATIVE_FOLDER / f"{period_id}.md"


def placeholder_names(indicator_ids: Iterable[str]) -> list[str]:
    """Every placeholder a narrative may use."""
    names = list(PLAIN_PLACEHOLDERS)
    for indicator in indicator_ids:
        names += [indicator, *(f"{indicator}.{suffix}" for suffix in SUFFIXES)]
    return names


def _nearest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _fail(where: str, line: int, text: str) -> NarrativeError:
    return NarrativeError(f"{where}, line {line}: {text}.")


def _front_matter(lines: list[str], where: str) -> tuple[dict[str, str], int]:
    """The front matter's keys and values, and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    front: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return front, index + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip().strip("\"'")
        if not colon or key not in FRONT_KEYS:
            raise _fail(
                where,
                index + 1,
                f"{key!r} is not a front-matter key{_nearest(key, FRONT_KEYS)}; "
                f"use {', '.join(FRONT_KEYS)}, each as 'key: value'",
            )
        if key == "approved_on" and value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise _fail(
                    where, index + 1, f"approved_on {value!r} is not a date; write 2020-01-20"
                ) from None
        front[key] = value
    raise _fail(where, 1, "the front matter opened with '---' is never closed by a '---' line")


def _check_placeholders(text: str, first_line: int, where: str, known: set[str]) -> None:
    for offset, line in enumerate(text.split("\n")):
        line = line.replace("{{", _LEFT).replace("}}", _RIGHT)
        for name in _PLACEHOLDER.findall(line):
            if name not in known:
                raise _fail(
                    where,
                    first_line + offset,
                    f"{{{name}}} is not a figure of the report{_nearest(name, known)}; a "
                    "placeholder is an indicator id, alone or with .previous, .year_ago, "
                    ".change, .target or .pct_of_target, or {period} or {data_through}",
                )


def parse_narrative(text: str, where: str, indicator_ids: Iterable[str]) -> Narrative:
    """A narrative's text checked and split: front matter, sections (keys checked),
    placeholders (names checked). `where` names the file in messages."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text.replace("\r\n", "\n"))
    lines = text.split("\n")
    front, start = _front_matter(lines, where)
    known = set(placeholder_names(indicator_ids))
    sections: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    current = None
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("## "):
            key = line[3:].strip().lower()
            if key not in SECTIONS:
                raise _fail(
                    where,
                    index + 1,
                    f"## {key} is not a section of the report{_nearest(key, SECTIONS)}; "
                    f"use {', '.join(SECTIONS)}",
                )
            if key in sections:
                raise _fail(where, index + 1, f"## {key} is given twice; write it once")
            current, sections[key], first[key] = key, [], index + 2
        elif current is None:
            if line.strip():
                raise _fail(
                    where,
                    index + 1,
                    "text before the first '## section' heading belongs to no section",
                )
        else:
            sections[current].append(line)
    for key, body in sections.items():
        _check_placeholders("\n".join(body), first[key], where, known)
    bodies = {key: "\n".join(body).strip() for key, body in sections.items()}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Narrative(where, digest, front, {k: v for k, v in bodies.items() if v})


def read_narrative(inputs: Path, period_id: str, indicator_ids: Iterable[str]) -> Narrative | None:
    """The period's narrative file, checked; None where there is none."""
    path = narrative_path(inputs, period_id)
    if not path.is_file():
        return None
    where = path.relative_to(inputs).as_posix()
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise NarrativeError(f"{where}: cannot be read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise NarrativeError(f"{where}: is not UTF-8 text; save it as UTF-8.") from None
    narrative = parse_narrative(text, where, indicator_ids)
    return Narrative(where, hashlib.sha256(raw).hexdigest(), narrative.front, narrative.sections)


def fill(text: str, values: dict[str, str]) -> str:
    """The text with every placeholder replaced by its value; {{ and }} are braces."""
    text = text.replace("{{", _LEFT).replace("}}", _RIGHT)
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
    return text.replace(_LEFT, "{").replace(_RIGHT, "}")


def latest_earlier(inputs: Path, period_id: str) -> Path | None:
    """The latest narrative file of an earlier period (by name order), where there is one."""
    folder = inputs / NARRATIVE_FOLDER
    if not folder.is_dir():
        return None
    earlier = sorted(p for p in folder.glob("*.md") if p.stem < period_id)
    return earlier[-1] if earlier else None


def new_narrative_text(period_id: str, values: dict[str, str], carried: dict[str, str]) -> str:
    """A new narrative file: front matter (the sign-off names carried over, approval and
    version left to fill in), every section heading, and a comment listing the
    placeholders with this period's values."""
    front = [f"{key}: {carried.get(key, '')}".rstrip() for key in FRONT_KEYS[:3]]
    listed = "\n".join(f"  {{{name}}} = {value}" for name, value in values.items())
    headings = "\n\n".join(f"## {key}\n" for key in SECTIONS)
    return (
        "---\n" + "\n".join(front) + "\napproved_on:\nversion: 1\n---\n"
        f"<!--\nNarrative for {period_id}. Write under each heading; an empty section is left\n"
        "out. Figures: write a placeholder and the report prints the period's value as its\n"
        "tables do ({{ and }} are braces). The report is marked draft until approved_by and\n"
        "approved_on are both filled in. The placeholders, with this period's values:\n"
        f"{listed}\n-->\n\n{headings}"
    )
