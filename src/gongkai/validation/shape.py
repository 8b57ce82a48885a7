"""The `table-shape` rule: all four tables, one row per report in the single-row tables, and
exactly the items of the format in 表三, once each."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any

from gongkai.package import ReportPackage
from gongkai.standard import TABLE_NAMES, Format
from gongkai.validation.issues import WARNING, Issue
from gongkai.validation.reports import ReportData
from gongkai.validation.tabular import Row


def _issue(rule: dict[str, Any], note: str, note_en: str, **where: Any) -> Issue:
    return Issue(code=rule["id"], severity=rule["severity"], note=note, note_en=note_en, **where)


# One function per finding, so that both executors say it in the same words.


def no_report_row(rule: dict[str, Any]) -> Issue:
    return _issue(
        rule, "reports.csv 没有数据行：应有一行报告信息", "reports.csv has no data row",
        resource="reports",
    )  # fmt: skip


def other_format(rule: dict[str, Any], fmt: Format, declared: str, row: int) -> Issue:
    return _issue(
        rule,
        f"一个报告包只能使用一种格式：本包按 {fmt.code} 格式读取，此行为 {declared}",
        f"a package holds one format: read as {fmt.code}, this row says {declared}",
        resource="reports",
        row=row,
        field="format",
    )


def not_one_row(
    rule: dict[str, Any], table: str, agency_id: str, year: int, rows: list[int]
) -> Issue:
    """`rows`: the lines of the report's rows in a one-row table (none, or more than one)."""
    return _issue(
        rule,
        f"{table}.csv 中 {agency_id} {year} 应恰有一行，实有 {len(rows)} 行",
        f"{table}.csv should hold one row for {agency_id} {year}, found {len(rows)}",
        resource=table,
        row=rows[1] if len(rows) > 1 else None,
    )


def missing_items(rule: dict[str, Any], fmt: Format, missing: list[str]) -> Issue:
    expected_items = fmt.table("applications").item_codes
    return _issue(
        rule,
        f"缺少事项：{'、'.join(missing)}（{fmt.code} 格式的表三应有 {len(expected_items)} 行）",
        f"missing items: {', '.join(missing)} (the {fmt.code} format has {len(expected_items)})",
        resource="applications",
        item=missing[0],
    )


def unknown_item(rule: dict[str, Any], fmt: Format, code: str, row: int) -> Issue:
    return _issue(
        rule,
        f"未知事项 “{code}”：{fmt.code} 格式的表三没有这一行",
        f"unknown item “{code}”: the {fmt.code} format has no such row",
        resource="applications",
        row=row,
        field="item",
    )


def repeated_item(rule: dict[str, Any], code: str, first: int, row: int) -> Issue:
    return _issue(
        rule,
        f"事项 {code} 重复（第 {first} 行已有）",
        f"item {code} repeats (already on row {first})",
        resource="applications",
        row=row,
        item=code,
        field="item",
    )


def check_shape(
    rule: dict[str, Any],
    fmt: Format,
    package: ReportPackage,
    rows: dict[str, list[Row]],
    reports: dict[tuple[str, int], ReportData],
    misread: set[str],
) -> Iterator[Issue]:
    """`misread` tables have a wrong header: their rows are not counted (the header errors
    come first; counting rows read under the wrong columns would only mislead)."""
    for table in TABLE_NAMES:
        if table in package.absent:
            path = package.absent[table]
            yield _issue(
                rule,
                f"datapackage.json 指明 {table} 表在 {path}，但包中没有这个文件",
                f"datapackage.json names {path} for table {table}, but the package has no such "
                "file",
                resource=table,
            )
        elif table not in package.files and table not in package.undecodable:
            yield _issue(
                rule,
                f"缺少表 {table}.csv（{fmt.table(table).title}）",
                f"table {table}.csv is missing",
                resource=table,
            )
    if "reports" in package.files and "reports" not in misread and not rows.get("reports"):
        yield no_report_row(rule)
    for row in rows.get("reports", []):
        declared = row.values.get("format")
        if declared and declared != fmt.code:
            yield other_format(rule, fmt, declared, row.number)
    expected_items = fmt.table("applications").item_codes
    for report in reports.values():
        for table in ("proactive", "reviews"):
            if table not in package.files or table in misread:
                continue
            found = report.tables.get(table, [])
            if len(found) != 1:
                lines = [r.number for r in found]
                yield not_one_row(rule, table, report.agency_id, report.year, lines).of(report.key)
        if "applications" not in package.files or "applications" in misread:
            continue
        missing = [code for code in expected_items if code not in report.items]
        if missing:
            yield missing_items(rule, fmt, missing).of(report.key)
        for code, item_rows in report.items.items():
            if code not in expected_items:
                yield unknown_item(rule, fmt, code, item_rows[0].number).of(report.key)
            for duplicate in item_rows[1:]:
                yield repeated_item(rule, code, item_rows[0].number, duplicate.number).of(
                    report.key
                )


def check_descriptor(fmt: Format, package: ReportPackage) -> Iterator[Issue]:
    """A datapackage.json whose inlined schema is not the standard's: gongkai checks against
    the standard, but another Frictionless tool would check against what the file says."""
    for resource in (package.descriptor or {}).get("resources", []):
        if not isinstance(resource, dict) or resource.get("name") not in fmt.tables:
            continue
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            continue
        standard = fmt.table(resource["name"]).descriptor["fields"]
        declared = schema.get("fields", [])
        if [(f.get("name"), f.get("type", "string")) for f in declared if isinstance(f, dict)] != [
            (f["name"], f.get("type", "string")) for f in standard
        ]:
            yield Issue(
                code="descriptor-schema",
                severity=WARNING,
                resource=resource["name"],
                note=f"datapackage.json 中 {resource['name']} 的表结构与 {fmt.code} 格式的"
                "标准不同；本工具按标准校验，其他工具会按文件中的表结构校验",
                note_en=f"the schema of {resource['name']} in datapackage.json differs from the "
                f"{fmt.code} standard's; gongkai validates against the standard, other tools "
                "would use the file's",
            )


def _codec(name: str) -> str:
    """The codec an encoding name means; UTF-8 with or without BOM are one (Frictionless
    reads both as utf-8)."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return "utf-8" if codec == "utf-8-sig" else codec


def check_encodings(package: ReportPackage) -> Iterator[Issue]:
    """A file saved in another encoding than its descriptor declares (GB18030 bytes said to be
    utf-8): gongkai reads what is there, other tools read what is declared and fail."""
    for table in TABLE_NAMES:
        declared = package.declared_encodings.get(table)
        actual = package.encodings.get(table)
        if declared and actual and _codec(declared) != _codec(actual):
            yield Issue(
                code="encoding-mismatch",
                severity=WARNING,
                resource=table,
                expected=declared,
                found=actual,
            )
