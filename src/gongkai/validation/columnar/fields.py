"""Each field of the schemas compiled to SQL: its column type in the engine, and the cells whose
verdict the engine can reach on its own.

A column of a national year holds millions of cells, nearly all in one plain shape: a figure
as ASCII digits in range, an identifier that matches its pattern, a date as YYYY-MM-DD. For
those the verdict is certain — no issue, the value is the cell read as the type says — and SQL
reaches it in the scan. Every other cell ("odd": a word in a figure, a full-width digit, a
pattern broken, a leading zero, a space) is judged by the standard's own Frictionless field
once per distinct value (cells.judge). So SQL only ever says "this cell is plainly right";
what is wrong, and how, is always said by the row engine's own reading.

Patterns are handed to the engine (RE2) only when written in the part of the regular
expression language where RE2 and Python's `re` agree; a field with any constraint or format
not compiled here has no plain shape, and all its cells are judged.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from gongkai.standard import load_standard

NUMBER = "DECIMAL(18, 6)"  # figures with decimals; integers are BIGINT
SCALE, INTEGER_DIGITS = 6, 12  # what NUMBER holds; a value outside it goes to the row engine

# The regular expressions RE2 and Python read alike: literals, classes without POSIX names or
# nested sets, \xHH and escaped punctuation, groups (also non-capturing), alternation and the
# quantifiers *, +, ?, {m}, {m,}, {m,n}. Not \d, \w, \s (Unicode in Python, ASCII in RE2), \b,
# look-arounds, back-references, flags, {,n} (a quantifier in Python, literal text in RE2).
_SAFE_PATTERN = re.compile(
    r"(?:\\x[0-9A-Fa-f]{2}|\\[-\\.^$*+?()\[\]{}|/]|\{[0-9]+(?:,[0-9]*)?\}"
    r"|\((?:\?:)?(?!\?)|\[(?![:\[])|[^\\{}(\[])*"
)
_COMPILED = {"required", "minimum", "maximum", "pattern", "minLength", "maxLength", "enum"}


def _literal(text: str) -> str:
    """A SQL string literal, inside a template that is filled with str.format later."""
    quoted = "'" + text.replace("'", "''") + "'"
    return quoted.replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True)
class Column:
    """A field as the engine holds it."""

    name: str
    type: str  # the schema's
    sql_type: str  # BIGINT, NUMBER or VARCHAR (dates as ISO text)
    bit: int  # its bit in the row's `bad` mask
    plain: str | None  # SQL over the raw cell `{x}` (NULL when blank): the verdict is "no issue"
    value: str  # SQL: the typed value of a plain cell

    def plain_sql(self, raw: str) -> str:
        return (self.plain or "false").format(x=raw)

    def value_sql(self, raw: str) -> str:
        return self.value.format(x=raw)


_GLOB_PART = re.compile(r"(\[[0-9A-Za-z-]+\]|[0-9A-Za-z-])(?:\{([0-9]+)\})?")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, one enclosing group taken off (escapes and
    classes skipped: a | or a parenthesis in them is a character)."""
    bounds, depth, k, closes = [], 0, 0, -1
    while k < len(pattern):
        char = pattern[k]
        if char == "\\":
            k += 1
        elif char == "[":
            k = pattern.find("]", k + 2)  # a ] right after [ is a character
            if k < 0:
                return [pattern]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and closes < 0:
                closes = k
        elif char == "|" and depth == 0:
            bounds.append(k)
        k += 1
    enclosed = pattern.startswith("(") and not pattern.startswith("(?")
    if not bounds and enclosed and closes == len(pattern) - 1:
        return _alternatives(pattern[1:-1])
    edges = [-1, *bounds, len(pattern)]
    return [pattern[a + 1 : b] for a, b in itertools.pairwise(edges)]


def _as_glob(alternative: str) -> str | None:
    """A GLOB pattern matching exactly what a fixed-length alternative matches (ASCII classes
    and letters, digits or hyphens, each once or {n} times), else None."""
    found, end = [], 0
    for match in _GLOB_PART.finditer(alternative):
        if match.start() != end:
            return None
        found.append(match[1] * int(match[2] or 1))
        end = match.end()
    return "".join(found) if found and end == len(alternative) else None


def _digits(x: str) -> str:
    """SQL: the cell is an integer written in ASCII digits without a leading zero, at most
    INTEGER_DIGITS long — one GLOB per length (half the cost of a regular expression)."""
    cases = " ".join(
        f"WHEN {n} THEN {x} GLOB '{'[0-9]' if n == 1 else '[1-9]' + '[0-9]' * (n - 1)}'"
        for n in range(1, INTEGER_DIGITS + 1)
    )
    return f"CASE strlen({x}) {cases} ELSE false END"


def _bounds(constraints: dict[str, Any], cast: str) -> list[str]:
    tests = []
    if "minimum" in constraints:
        tests.append(f"{cast} >= {constraints['minimum']}")
    if "maximum" in constraints:
        tests.append(f"{cast} <= {constraints['maximum']}")
    return tests


def _integer_bounds(constraints: dict[str, Any]) -> list[str]:
    """The bounds of a cell that passes _digits (ASCII digits, no sign, no leading zero, at
    most INTEGER_DIGITS): a bound its length settles is not cast for (a minimum of 0 or less
    holds always; a maximum of n digits holds for every shorter cell)."""
    cast = "TRY_CAST({x} AS BIGINT)"
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if not all(
        isinstance(b, int) and not isinstance(b, bool) for b in (low, high) if b is not None
    ):
        return _bounds(constraints, cast)
    tests = []
    if low is not None and low > 0:
        tests.append(
            f"CASE WHEN strlen({{x}}) > {len(str(low))} THEN true ELSE {cast} >= {low} END"
        )
    if high is not None and high < 10**INTEGER_DIGITS - 1:
        if high < 0:
            tests.append("false")
        else:
            tests.append(
                f"CASE WHEN strlen({{x}}) < {len(str(high))} THEN true ELSE {cast} <= {high} END"
            )
    return tests


def _string_tests(constraints: dict[str, Any], fmt: str | None) -> list[str] | None:
    tests = []
    if fmt == "uri":
        # rfc3986's reading, as Frictionless asks it: a URI reference with a scheme, i.e. one
        # that starts with `[^:/?#]+:` (its URI_MATCHER)
        tests.append("regexp_matches({x}, '^[^:/?#]+:')")
    elif fmt not in (None, "default"):
        return None
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        if not _SAFE_PATTERN.fullmatch(pattern):
            return None
        # Frictionless matches re.compile("^{pattern}$") from the start of the cell
        regex = f"regexp_matches({{x}}, {_literal('^(?:^' + pattern + '$)')})"
        # A GLOB that matches implies the pattern matches. Only literal ones are cheaper: a GLOB
        # of character classes costs ~3x RE2's full match (18 classes: 1.3 s against 0.4 s
        # over 3.56 M cells, DuckDB 1.5), so classes are left to RE2.
        globs = [
            g for a in _alternatives(pattern) if (g := _as_glob(a)) is not None and "[" not in g
        ]
        if globs:
            regex = (
                f"CASE WHEN {' OR '.join(f'{{x}} GLOB {_literal(g)}' for g in globs)} "
                f"THEN true ELSE {regex} END"
            )
        tests.append(regex)
    if "minLength" in constraints:
        tests.append(f"length({{x}}) >= {int(constraints['minLength'])}")
    if "maxLength" in constraints:
        tests.append(f"length({{x}}) <= {int(constraints['maxLength'])}")
    if "enum" in constraints:
        values = constraints["enum"]
        if not all(isinstance(v, str) for v in values):
            return None
        # list_contains over a constant list: a third of the cost of IN (...) in DuckDB 1.5
        tests.append(f"list_contains([{', '.join(_literal(v) for v in values)}], {{x}})")
    return tests


def _column(spec: dict[str, Any], bit: int, decimals: int | None) -> Column:
    kind = spec.get("type", "string")
    constraints = spec.get("constraints", {})
    fmt = spec.get("format")
    tests: list[str] | None
    sql_type, value = "VARCHAR", "{x}"
    if set(constraints) - _COMPILED:
        tests = None
    elif kind == "integer" and "enum" not in constraints and fmt in (None, "default"):
        sql_type, value = "BIGINT", "TRY_CAST({x} AS BIGINT)"
        tests = [_digits("{x}"), *_integer_bounds(constraints)]
    elif kind == "number" and "enum" not in constraints and fmt in (None, "default"):
        sql_type, value = NUMBER, f"CAST({{x}} AS {NUMBER})"
        places = min(SCALE, decimals if decimals is not None else SCALE)
        tests = [
            f"regexp_full_match({{x}}, '(0|[1-9][0-9]{{{{0,{INTEGER_DIGITS - 1}}}}})"
            f"(\\.[0-9]{{{{1,{places}}}}})?')"
        ]
        tests += _bounds(constraints, f"TRY_CAST({{x}} AS {NUMBER})")
    elif kind == "date" and "enum" not in constraints and fmt in (None, "default"):
        # strptime("%Y-%m-%d") reads a real date written YYYY-MM-DD (years 1000-9999 here:
        # the engine and Python disagree on year 0); its ISO form is the cell itself
        tests = [
            "regexp_full_match({x}, '[1-9][0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}}')",
            "TRY_CAST({x} AS DATE) IS NOT NULL",
        ]
        tests += _bounds(
            {k: _literal(str(v)) for k, v in constraints.items() if k in ("minimum", "maximum")},
            "{x}",
        )
    elif kind == "string":
        tests = _string_tests(constraints, fmt)
    else:
        tests = None
    if tests is None:
        plain = None
    else:
        blank = "false" if constraints.get("required") else "true"
        plain = f"CASE WHEN {{x}} IS NULL THEN {blank} ELSE ({' AND '.join(tests)}) END"
    return Column(spec["name"], kind, sql_type, bit, plain, value)


@cache
def columns(fmt: str, table: str) -> tuple[Column, ...]:
    """The fields of a table in the engine, in the schema's order."""
    spec = load_standard().format(fmt).table(table)
    return tuple(
        _column(field_spec, bit, spec.field(field_spec["name"]).decimals)  # type: ignore[union-attr]
        for bit, field_spec in enumerate(spec.descriptor["fields"])
    )


def column(fmt: str, table: str, name: str) -> Column:
    return next(c for c in columns(fmt, table) if c.name == name)


def bits(fmt: str, table: str, names: list[str] | tuple[str, ...]) -> int:
    """The `bad` mask of these fields."""
    return sum(1 << column(fmt, table, n).bit for n in names)
