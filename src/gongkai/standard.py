"""The report format, read from schemas/: formats, their tables, fields, items and rules.

This is the one module that knows where the contract lives. Everything else asks it
for table names, column names, item codes and labels instead of spelling them out.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

TABLE_NAMES = ("reports", "proactive", "applications", "reviews")
KEY_FIELDS = ("agency_id", "year")
FORMATS = ("2021", "2019")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    minimum: int | None
    decimals: int | None  # at most this many decimals (number fields)
    maximum: int | None = None  # every figure has one: what the databases store and sum

    @property
    def is_value(self) -> bool:
        """A figure of the report (not a key, not report metadata)."""
        return self.type in ("integer", "number") and self.name not in KEY_FIELDS


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    group: str  # intake, result, total or outcome


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    descriptor: dict[str, Any]
    fields: tuple[Field, ...]
    items: tuple[Item, ...]  # only applications has items

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def value_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_value]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]


@dataclass(frozen=True)
class Format:
    code: str
    tables: dict[str, Table]
    rules: tuple[dict[str, Any], ...]

    def table(self, name: str) -> Table:
        return self.tables[name]

    def rule(self, rule_id: str) -> dict[str, Any] | None:
        return next((r for r in self.rules if r["id"] == rule_id), None)


@dataclass(frozen=True)
class Standard:
    formats: dict[str, Format]
    agencies: Table

    def format(self, code: str) -> Format:
        return self.formats[code]


def schemas_dir() -> Traversable:
    """The standard's files: schemas/ of the repository, which the build maps into the
    package as gongkai.schemas (the wheel carries it; an editable install points at it)."""
    return files("gongkai.schemas")


def _read_json(path: Traversable) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _table(name: str, descriptor: dict[str, Any]) -> Table:
    fields = tuple(
        Field(
            name=f["name"],
            type=f.get("type", "string"),
            title=f.get("title", f["name"]),
            description=f.get("description", ""),
            minimum=f.get("constraints", {}).get("minimum"),
            decimals=f.get("x-decimals"),
            maximum=f.get("constraints", {}).get("maximum"),
        )
        for f in descriptor["fields"]
    )
    items: tuple[Item, ...] = ()
    item_field = next((f for f in descriptor["fields"] if f["name"] == "item"), None)
    if item_field is not None:
        groups = item_field.get("x-item-groups", {})
        items = tuple(
            Item(code=c["value"], label=c["label"], group=groups.get(c["value"], ""))
            for c in item_field["categories"]
        )
    return Table(
        name=name,
        title=descriptor.get("title", name),
        descriptor=descriptor,
        fields=fields,
        items=items,
    )


@cache
def load_standard() -> Standard:
    root = schemas_dir()
    formats = {}
    for code in FORMATS:
        folder = root / code
        tables = {
            name: _table(name, _read_json(folder / f"{name}.schema.json")) for name in TABLE_NAMES
        }
        rules = tuple(_read_json(folder / "rules.json")["rules"])
        formats[code] = Format(code=code, tables=tables, rules=rules)
    agencies = _table("agencies", _read_json(root / "agencies.schema.json"))
    return Standard(formats=formats, agencies=agencies)


@cache
def standard_text() -> dict[str, Any]:
    """schemas/standard.json: what the standard says besides its tables and rules (the
    domain, the package layout, the other issue codes, aggregation, identifiers)."""
    result: dict[str, Any] = _read_json(schemas_dir() / "standard.json")
    return result


def find_field(table: str, name: str) -> Field | None:
    """The field of that name in that table, from whichever format has it (labels for
    messages; a column's meaning does not change between formats)."""
    for fmt in load_standard().formats.values():
        if table in fmt.tables and (found := fmt.tables[table].field(name)):
            return found
    return None


def format_for_year(year: int) -> str | None:
    """The format a report on `year` should use, from the `format-year` rule's declared years."""
    for fmt in load_standard().formats.values():
        rule = fmt.rule("format-year")
        if rule is None:
            continue
        for code, (first, last) in rule["years"].items():
            if year >= first and (last is None or year <= last):
                return str(code)
    return None


def publication_deadline(year: int, scope: str, fmt: str = "2021") -> dt.date | None:
    """When a report on `year` of that scope must be published, as the `late-publication`
    rule declares it (STANDARD.md §1: 31 January, or 31 March for government reports)."""
    rule = load_standard().format(fmt).rule("late-publication")
    month_day = rule["by_scope"].get(scope) if rule else None
    if not month_day:
        return None
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year + 1, month, day)
