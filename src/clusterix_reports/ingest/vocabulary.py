"""The input contract's vocabulary (vocabulary.toml) as typed table and field definitions."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_UNIT = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")


def fold(text: str) -> str:
    """Fold text for matching: lower case, accents removed, only letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", plain.lower())


def header_keys(text: str) -> tuple[str, ...]:
    """The folded forms a header matches by: as written, then without a unit in brackets."""
    keys = [fold(text)]
    without_unit = _UNIT.sub("", str(text))
    if without_unit != str(text):
        keys.append(fold(without_unit))
    return tuple(k for k in keys if k)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a table kind: its name, type, whether it is required, its header aliases."""

    name: str
    type: str
    required: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    """One table kind of the input contract."""

    name: str
    label: str
    source: str
    fields: tuple[FieldSpec, ...]
    key: str | None
    in_programme: tuple[str, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required fields."""
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> FieldSpec:
        """The field called `name`."""
        return next(f for f in self.fields if f.name == name)

    @property
    def alias_candidates(self) -> dict[str, tuple[str, ...]]:
        """Folded header -> every field it is an alias of, in the fields' order."""
        return _alias_candidates(self)


@dataclass(frozen=True)
class Vocabulary:
    """All table kinds, value vocabularies and month names."""

    tables: dict[str, TableSpec]
    choices: dict[str, dict[str, str]]  # vocabulary -> folded spelling -> canonical value
    months: dict[str, int]  # folded month name -> month number


@cache
def _alias_candidates(spec: TableSpec) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for fld in spec.fields:
        for alias in fld.aliases:
            for key in header_keys(alias):
                names = found.setdefault(key, [])
                if fld.name not in names:
                    names.append(fld.name)
    return {key: tuple(names) for key, names in found.items()}


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, loaded once."""
    text = resources.files("clusterix_reports").joinpath("vocabulary.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    tables = {}
    for name, table in raw["tables"].items():
        fields = tuple(
            FieldSpec(fname, f["type"], bool(f.get("required", False)), tuple(f["aliases"]))
            for fname, f in table["fields"].items()
        )
        tables[name] = TableSpec(
            name=name,
            label=table["label"],
            source=table["source"],
            fields=fields,
            key=table.get("key"),
            in_programme=tuple(table.get("in_programme", ())),
        )
    choices = {
        vocab: {
            fold(spelling): canonical
            for canonical, spellings in values.items()
            for spelling in spellings
        }
        for vocab, values in raw["choices"].items()
    }
    months = {fold(n): int(m) for m, names in raw["months"].items() for n in names}
    return Vocabulary(tables=tables, choices=choices, months=months)
