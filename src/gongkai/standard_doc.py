"""docs/standard.md, written from schemas/: every table and field, every item with its label,
every rule with its id, severity and meaning, and the prose of schemas/standard.json.

`gongkai standard --output docs/standard.md` writes it; a test fails when the file in the
repository differs from what the schemas give.
"""

from __future__ import annotations

import json
from typing import Any

from gongkai.standard import (
    FORMATS,
    TABLE_NAMES,
    Table,
    load_standard,
    schemas_dir,
    standard_text,
)

SECTIONS = {"reports": "2.1", "proactive": "2.2", "applications": "2.3", "reviews": "2.4"}
GENERATED = (
    "<!-- Written by `gongkai standard --output docs/standard.md` from schemas/: edit the "
    "schemas, not this file. -->"
)


def _cell(text: Any) -> str:
    """Table cell text: pipes escaped, line breaks folded."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraints(field: dict[str, Any]) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if "minLength" in c:
        parts.append(f"at least {c['minLength']} characters")
    if "maxLength" in c:
        parts.append(f"at most {c['maxLength']} characters")
    if "x-decimals" in field:
        parts.append(f"at most {field['x-decimals']} decimals")
    if "x-unit" in field:
        parts.append(f"in {field['x-unit']}")
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "enum" in c and field.get("name") != "item":
        labels = {k["value"]: k["label"] for k in field.get("categories", [])}
        parts.append(
            "one of "
            + ", ".join(f"`{v}`" + (f" ({labels[v]})" if v in labels else "") for v in c["enum"])
        )
    if field.get("name") == "item":
        parts.append("one of the items below")
    return "; ".join(parts)


def _type(field: dict[str, Any]) -> str:
    kind = str(field.get("type", "string"))
    return f"{kind} ({field['format']})" if field.get("format") else kind


def _fields(table: Table) -> list[str]:
    lines = [
        "| column | title | type | constraints | description |",
        "|---|---|---|---|---|",
    ]
    for f in table.descriptor["fields"]:
        lines.append(
            f"| `{f['name']}` | {_cell(f.get('title', ''))} | {_type(f)} | "
            f"{_cell(_constraints(f))} | {_cell(f.get('description', ''))} |"
        )
    return lines


def _keys(table: Table) -> list[str]:
    d = table.descriptor
    lines = []
    if d.get("primaryKey"):
        keys = d["primaryKey"] if isinstance(d["primaryKey"], list) else [d["primaryKey"]]
        lines.append("Primary key (" + ", ".join(f"`{k}`" for k in keys) + ").")
    for fk in d.get("foreignKeys", []):
        ref = fk["reference"]
        lines.append(
            "Foreign key ("
            + ", ".join(f"`{k}`" for k in fk["fields"])
            + f") to `{ref['resource']}.csv`."
        )
    return [" ".join(lines)] if lines else []


def _items(table: Table) -> list[str]:
    lines = ["| item | label | group |", "|---|---|---|"]
    for item in table.items:
        lines.append(f"| `{item.code}` | {_cell(item.label)} | {item.group} |")
    return lines


def _same_in_every_format(name: str) -> bool:
    standard = load_standard()
    first, *others = (standard.format(f).table(name).descriptor for f in FORMATS)
    return all(other == first for other in others)


def _table_section(name: str, notes: dict[str, str]) -> list[str]:
    standard = load_standard()
    out: list[str] = []
    title = standard.format(FORMATS[0]).table(name).title
    out += [f"### {SECTIONS[name]} `{name}.csv` — {title}", ""]
    if _same_in_every_format(name):
        per_format = [("the same in both formats", standard.format(FORMATS[0]).table(name))]
    else:
        per_format = [(f"{code} format", standard.format(code).table(name)) for code in FORMATS]
    for heading, table in per_format:
        if len(per_format) > 1:
            out += [f"#### {heading}", ""]
        out += [_cell(table.descriptor.get("description", "")), ""]
        out += [*_fields(table), "", *_keys(table), ""]
        if table.items:
            out += [f"Items, in the order of the printed table ({len(table.items)}):", ""]
            out += [*_items(table), ""]
    if name in notes:
        out += [notes[name], ""]
    return out


def _rules() -> list[str]:
    standard = load_standard()
    order: list[str] = []
    rules: dict[str, dict[str, Any]] = {}
    formats: dict[str, list[str]] = {}
    for code in FORMATS:
        for rule in standard.format(code).rules:
            if rule["id"] not in rules:
                order.append(rule["id"])
                rules[rule["id"]] = rule
            formats.setdefault(rule["id"], []).append(code)
    lines = [
        "| id | severity | formats | rule | meaning |",
        "|---|---|---|---|---|",
    ]
    for rule_id in order:
        rule = rules[rule_id]
        lines.append(
            f"| `{rule_id}` | {rule['severity']} | {', '.join(sorted(formats[rule_id]))} | "
            f"{_cell(rule['title'])}：{_cell(rule['description'])} | "
            f"{_cell(rule.get('description_en', ''))} |"
        )
    return lines


def render_standard() -> str:
    text = standard_text()
    standard = load_standard()
    out: list[str] = [GENERATED, "", f"# {text['title']}", "", text["intro"], ""]
    out += ["## 1. The domain in brief", "", text["domain"], ""]
    out += ["## 2. A report package", "", text["package"], ""]
    out += ["| file | content | rows |", "|---|---|---|"]
    out.append(
        "| `datapackage.json` | the descriptor: the resources below, with their table schemas | |"
    )
    for name in TABLE_NAMES:
        counts = {code: len(standard.format(code).table(name).items) or 1 for code in FORMATS}
        rows = (
            str(counts[FORMATS[0]])
            if len(set(counts.values())) == 1
            else ", ".join(f"{n} ({code} format)" for code, n in counts.items())
        )
        title = standard.format(FORMATS[0]).table(name).title
        out.append(f"| `{name}.csv` | {_cell(title)} | {rows} |")
    out += ["", text["package_after"], ""]
    for name in TABLE_NAMES:
        out += _table_section(name, text["table_notes"])
    agencies = standard.agencies
    out += [f"### 2.5 `agencies.csv` — {agencies.title}", ""]
    out += [_cell(agencies.descriptor.get("description", "")), ""]
    out += [*_fields(agencies), "", *_keys(agencies), ""]
    out += [text["table_notes"]["agencies"], ""]
    rules_doc = standard.format(FORMATS[0])
    out += ["## 3. Rules", "", _rules_intro(rules_doc.code), ""]
    out += [*_rules(), ""]
    out += ["### 3.1 Other issue codes", "", text["issues_intro"], ""]
    out += ["| code | severity | meaning |", "|---|---|---|"]
    out += [f"| `{i['code']}` | {i['severity']} | {_cell(i['meaning'])} |" for i in text["issues"]]
    out += ["", "## 4. Aggregation", "", text["aggregation"], ""]
    out += ["## 5. Identifiers", "", text["identifiers"], ""]
    return "\n".join(out)


def _rules_intro(code: str) -> str:
    declared = json.loads((schemas_dir() / code / "rules.json").read_text(encoding="utf-8"))
    return str(declared.get("description_en") or declared.get("description", ""))
