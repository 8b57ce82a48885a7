"""How the pages name the registry's coded values: levels and scopes by the labels of
agencies.schema.json in Chinese, by the code itself in English."""

from __future__ import annotations

from functools import cache

from gongkai.standard import load_standard
from gongkai.web.language import current_lang


@cache
def _categories(field_name: str) -> tuple[tuple[str, str], ...]:
    fields = load_standard().agencies.descriptor["fields"]
    found = next(f for f in fields if f["name"] == field_name)
    return tuple((c["value"], c["label"]) for c in found.get("categories", []))


def choices(field_name: str) -> list[tuple[str, str]]:
    """(code, label) of every value of `level` or `scope`, in the schema's order."""
    english = current_lang() == "en"
    return [(code, code if english else label) for code, label in _categories(field_name)]


def label(field_name: str, code: str | None) -> str:
    """The label of one coded value (the code itself when the schema does not know it)."""
    if code is None:
        return ""
    return dict(choices(field_name)).get(code, code)
