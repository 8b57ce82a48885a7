"""`gongkai import` (published reports and filled templates to report packages) and
`gongkai template` (the Excel template agencies fill in)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from gongkai.cli.options import json_option, lang_option
from gongkai.importers import KINDS, ImportFailure, ImportResult, import_file, write_result
from gongkai.importers.result import TABLE_TITLES
from gongkai.package import read_package
from gongkai.standard import FORMATS
from gongkai.template import write_template
from gongkai.validation import ValidationResult, validate_many

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2

_TEXT = {
    "zh": {
        "imported": "已导入",
        "valid": "校验通过",
        "invalid": "校验未通过",
        "missing": "缺少表格：{tables}。未生成报告包"
        "（如需只含已有内容的报告包，请加 --allow-partial）",
        "partial": "缺少表格：{tables}；按 --allow-partial 生成了部分报告包，缺少的表格留空",
        "no_agency_id": "缺少 agency_id：请用 --agency-id 指定"
        "（统一社会信用代码或 6位区划代码-英文短名）。未生成报告包",
        "cells": "{title}：读到 {filled}/{total} 个单元格",
        "summary": "共 {n} 份报告：导入 {ok} 份，其中校验通过 {valid} 份（含警告的 {warned} 份），"
        "失败 {failed} 份",
        "failed": "失败",
        "template": "已写出 {fmt} 格式的模板：{path}",
        "errors": "校验：{e} 个错误，{w} 个警告",
        "invalid_n": "已导入，校验未通过（{n} 个错误）",
        "more": "……另有 {n} 个错误",
    },
    "en": {
        "imported": "imported",
        "valid": "valid",
        "invalid": "invalid",
        "missing": "missing tables: {tables}. No package written (add --allow-partial for a "
        "package holding only what the report has)",
        "partial": "missing tables: {tables}; a partial package was written (--allow-partial), "
        "the missing tables are blank",
        "no_agency_id": "agency_id missing: give it with --agency-id (the unified social credit "
        "code, or a 6-digit region code and a short English name: RRRRRR-name). No package "
        "written",
        "cells": "{title}: {filled}/{total} cells read",
        "summary": "{n} reports: {ok} imported, {valid} of them valid ({warned} with warnings), "
        "{failed} failed",
        "failed": "failed",
        "template": "template of the {fmt} format written: {path}",
        "errors": "validation: {e} errors, {w} warnings",
        "invalid_n": "imported, invalid ({n} errors)",
        "more": "… {n} more errors",
    },
}


@dataclass
class Outcome:
    source: str
    result: ImportResult | None = None
    package: Path | None = None
    validation: ValidationResult | None = None
    failure: str | None = None  # why nothing was written
    unreadable: bool = False
    issues: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None and self.validation is not None and self.validation.valid


def _inputs(paths: tuple[Path, ...]) -> tuple[list[Path], bool]:
    files: list[Path] = []
    bulk = False
    for path in paths:
        if path.is_dir():
            bulk = True
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in KINDS)
        else:
            files.append(path)
    return files, bulk or len(files) > 1


def _folder_name(result: ImportResult, path: Path, taken: set[str]) -> str:
    agency, year = result.details.agency_id, result.details.year
    base = f"{agency}-{year}" if agency and year else path.name.split(".")[0]
    base = re.sub(r"[^\w.-]+", "-", base).strip("-") or "report"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _missing_titles(result: ImportResult, lang: str) -> str:
    index = 0 if lang == "zh" else 1
    return ("、" if lang == "zh" else ", ").join(
        TABLE_TITLES[t][index] for t in result.missing_tables
    )


def _import_one(
    path: Path,
    out: Path,
    overrides: dict[str, Any],
    allow_partial: bool,
    lang: str,
    taken: set[str],
) -> list[Outcome]:
    """The outcomes of one file: one report, or several when the file prints several."""
    try:
        first = import_file(path, **overrides)
    except ImportFailure as exc:
        return [Outcome(source=str(path), failure=exc.message(lang), unreadable=True)]
    outcomes = []
    for result in (*first.companions, first):
        outcome = Outcome(source=str(path), result=result, issues=list(result.issues))
        reasons = []
        if result.missing_tables and not allow_partial:
            reasons.append(_TEXT[lang]["missing"].format(tables=_missing_titles(result, lang)))
        if not result.details.agency_id:  # not in the source and not given: never made up
            reasons.append(_TEXT[lang]["no_agency_id"])
        if reasons:
            outcome.failure = "\n  ".join(reasons)
        else:
            outcome.package = write_result(result, out / _folder_name(result, path, taken))
        outcomes.append(outcome)
    written = [o for o in outcomes if o.package is not None]
    # validated together: consecutive years in one file are checked for continuity
    validations = validate_many([read_package(o.package) for o in written if o.package])
    for outcome, validation in zip(written, validations, strict=True):
        outcome.validation = validation
    return outcomes


def _print(outcome: Outcome, lang: str) -> None:
    text = _TEXT[lang]
    result = outcome.result
    if outcome.failure and outcome.package is None:
        click.echo(click.style(f"✘ {outcome.source}  {text['failed']}", fg="red"))
        click.echo(f"  {outcome.failure}")
        if result is None:
            return
    else:
        status = text["valid"] if outcome.ok else text["invalid"]
        colour = "green" if outcome.ok else "red"
        click.echo(
            click.style(
                f"{'✔' if outcome.ok else '✘'} {outcome.source} → {outcome.package}", fg=colour
            )
            + f"  {status}"
        )
    assert result is not None
    click.echo(
        f"  {result.details.agency_name or '?'} · {result.details.year or '?'} · "
        f"{result.format} · {result.kind}"
    )
    if result.missing_tables and outcome.package is not None:
        click.echo("  " + text["partial"].format(tables=_missing_titles(result, lang)))
    for issue in result.issues:  # notes on the report details (报告信息) or the whole file
        if issue.resource not in TABLE_TITLES:
            click.echo(f"    · {issue.message(lang)}")
    for table, (zh, en) in TABLE_TITLES.items():
        filled, total = result.filled_cells(table)
        title = zh if lang == "zh" else en
        click.echo("  " + text["cells"].format(title=title, filled=filled, total=total))
        for issue in result.table_notes(table):
            mark = "⚠" if issue.severity == "warning" else "·"
            click.echo(f"    {mark} {issue.message(lang)}")
    if outcome.validation is not None:
        v = outcome.validation
        click.echo("  " + text["errors"].format(e=len(v.errors), w=len(v.warnings)))
        for issue in v.issues:
            mark = "✘" if issue.is_error else "⚠"
            click.echo(f"    {mark} {issue.message(lang)}")


def _as_dict(outcome: Outcome, lang: str) -> dict[str, Any]:
    result, v = outcome.result, outcome.validation
    body: dict[str, Any] = {
        "source": outcome.source,
        "package": str(outcome.package) if outcome.package else None,
        "imported": outcome.package is not None,
        "valid": outcome.ok,
        "failure": outcome.failure,
    }
    if result is not None:
        details = {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in vars(result.details).items()
        }
        body.update(
            format=result.format,
            kind=result.kind,
            details=details,
            missing_tables=result.missing_tables,
            tables={
                t: dict(zip(("filled", "cells"), result.filled_cells(t), strict=True))
                for t in TABLE_TITLES
            },
            import_issues=[i.to_dict(lang) for i in result.issues],
        )
    if v is not None:
        body.update(
            errors=len(v.errors),
            warnings=len(v.warnings),
            issues=[i.to_dict(lang) for i in v.issues],
        )
    return body


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the packages, one sub-folder per report. 报告包的输出文件夹。",
)
@click.option("--agency-id", help="统一社会信用代码 or provisional id RRRRRR-slug. 机关标识。")
@click.option("--agency-name", help="Agency name, when the text lacks it. 机关名称。")
@click.option("--region", "region_code", help="6-digit 行政区划代码. 行政区划代码。")
@click.option(
    "--level",
    type=click.Choice(["national", "province", "city", "county", "township"]),
    help="Level of the agency. 层级。",
)
@click.option(
    "--scope", type=click.Choice(["agency", "government"]), help="Report scope. 报告范围。"
)
@click.option("--year", type=int, help="Statistics year. 统计年度。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Report format. 报告格式。")
@click.option("--source-url", help="Where the report was published. 来源网址。")
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Write a package even when tables are missing (left blank). 缺表时仍生成报告包。",
)
@lang_option
@json_option
def import_command(
    paths: tuple[Path, ...],
    out: Path,
    agency_id: str | None,
    agency_name: str | None,
    region_code: str | None,
    level: str | None,
    scope: str | None,
    year: int | None,
    fmt: str | None,
    source_url: str | None,
    allow_partial: bool,
    lang: str,
    as_json: bool,
) -> None:
    """Import published reports (.txt .html .docx .pdf) or filled templates (.xlsx) as report
    packages, validate them and summarise per table. A folder imports every report in it.

    导入已发布的年度报告或填好的模板，生成并校验报告包。Exit 0: all imported and valid
    (warnings allowed); 1: a report is invalid or has missing tables; 2: unreadable input.
    """
    overrides = {
        "agency_id": agency_id,
        "agency_name": agency_name,
        "region_code": region_code,
        "level": level,
        "scope": scope,
        "year": year,
        "format": fmt,
        "source_url": source_url,
    }
    overrides = {k: v for k, v in overrides.items() if v is not None}
    files, bulk = _inputs(paths)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = {p.name for p in out.iterdir()} if bulk else set()
    outcomes: list[Outcome] = []
    if bulk:
        with click.progressbar(
            files,
            file=sys.stderr,
            label="导入 import",
            item_show_func=lambda p: p.name if p else "",
        ) as bar:
            for path in bar:
                outcomes += _import_one(path, out, overrides, allow_partial, lang, taken)
    else:
        for path in files:
            outcomes += _import_one(path, out, overrides, allow_partial, lang, taken)
    if as_json:
        click.echo(
            json.dumps(
                {"reports": [_as_dict(o, lang) for o in outcomes], "summary": _summary(outcomes)},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for outcome in outcomes:
            _print(outcome, lang)
        if bulk:
            click.echo(_TEXT[lang]["summary"].format(**_summary(outcomes)))
            _recap(outcomes, lang)
    if any(o.unreadable for o in outcomes):
        sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_OK if outcomes and all(o.ok for o in outcomes) else EXIT_INVALID)


RECAP_ERRORS = 3  # errors shown per invalid report in the bulk summary


def _recap(outcomes: list[Outcome], lang: str) -> None:
    """Why each report failed or is invalid: the reason, or its first errors."""
    text, sep = _TEXT[lang], ("：" if lang == "zh" else ": ")
    for outcome in outcomes:
        if outcome.failure:
            click.echo(f"  ✘ {outcome.source}{sep}{outcome.failure}")
        elif outcome.validation is not None and not outcome.ok:
            errors = outcome.validation.errors
            shown = f"{outcome.source} → {outcome.package}"
            click.echo(f"  ✘ {shown}{sep}{text['invalid_n'].format(n=len(errors))}")
            for issue in errors[:RECAP_ERRORS]:
                click.echo(f"      {issue.message(lang)}")
            if len(errors) > RECAP_ERRORS:
                click.echo("      " + text["more"].format(n=len(errors) - RECAP_ERRORS))


def _summary(outcomes: list[Outcome]) -> dict[str, int]:
    imported = [o for o in outcomes if o.package is not None]
    valid = [o for o in imported if o.ok]
    return {
        "n": len(outcomes),
        "ok": len(imported),
        "valid": len(valid),
        "warned": sum(
            1
            for o in valid
            if o.validation
            and (o.validation.warnings or any(i.severity == "warning" for i in o.issues))
        ),
        "failed": len(outcomes) - len(imported),
    }


@click.command("template")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="2021",
    show_default=True,
    help="Report format of the template. 模板的报告格式。",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx to write (default: report-template-FORMAT.xlsx). 输出文件。",
)
@lang_option
def template_command(fmt: str, out: Path | None, lang: str) -> None:
    """Write the Excel template for agencies to fill in: 表二, 表三, 表四 in the official layout
    and a sheet for the report details. Import it back with `gongkai import`.

    生成供填报的 Excel 模板（表二、表三、表四及报告信息），填好后用 gongkai import 导入。
    """
    path = out or Path(f"report-template-{fmt}.xlsx")
    write_template(path, fmt)
    click.echo(_TEXT[lang]["template"].format(fmt=fmt, path=path))
