"""`gongkai validate PATH...`: the validation engine on the command line."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import click

from gongkai.cli.options import json_option, lang_option, load_limit, max_bytes_option
from gongkai.package import PackageError, ReportPackage, read_package
from gongkai.validation import Issue, ValidationResult, validate_many

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
SHOWN_ALIKE = 10  # issues of one kind in one column shown before the rest are counted
# --engine auto: the columnar executor from this many packages, or this many bytes of CSV (a
# collection); below that the row engine, which costs less to start.
COLUMNAR_PACKAGES, COLUMNAR_BYTES = 20, 4 * 1024 * 1024
_MARKERS = ("datapackage.json", "reports.csv")


def expand(path: Path) -> list[Path]:
    """A folder that is no package itself but holds packages stands for those packages."""
    if path.is_dir() and not any((path / m).exists() for m in _MARKERS):
        inner = sorted(p for p in path.iterdir() if any((p / m).exists() for m in _MARKERS))
        if inner:
            return inner
    return [path]


def _read_all(paths: list[Path], limit: int) -> tuple[list[ReportPackage], list[PackageError]]:
    packages, failures = [], []
    for path in paths:
        try:
            packages.append(read_package(path, limit))
        except PackageError as exc:
            failures.append(exc)
    return packages, failures


def _read_each(
    paths: list[Path], failures: list[PackageError], limit: int
) -> Iterator[ReportPackage]:
    """Packages one at a time (the columnar executor keeps none of them); unreadable ones are
    added to `failures`."""
    for path in paths:
        try:
            yield read_package(path, limit)
        except PackageError as exc:
            failures.append(exc)


def _use_columns(engine: str, paths: list[Path]) -> bool:
    if engine != "auto":
        return engine == "columns"
    if len(paths) >= COLUMNAR_PACKAGES:
        return True
    size = sum(_csv_size(f) for p in paths if p.is_dir() for f in p.glob("*.csv"))
    return size >= COLUMNAR_BYTES


def _csv_size(path: Path) -> int:
    """Bytes of a regular file; 0 for anything else (a link loop, a pipe, an unreadable entry):
    this only chooses the executor, and reading the package says what is wrong with it."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _failure_dict(exc: PackageError, lang: str) -> dict[str, object]:
    return {
        "package": exc.path,
        "code": exc.code,
        "severity": "error",
        "resource": None,
        "row": None,
        "item": None,
        "field": None,
        "expected": None,
        "found": None,
        "cells": [],
        "rule": None,
        "message": exc.message(lang),
    }


_TEXT = {
    "zh": {
        "valid": "有效",
        "invalid": "无效",
        "unreadable": "无法读取",
        "error": "错误",
        "warning": "警告",
        "counts": "{e} 个错误，{w} 个警告（{fmt} 格式）",
        "grouped": "规则 {rule} 有 {n} 处因空白（未填报）单元格无法检查，如 {cells}"
        "（加 --verbose 逐条列出）",
        "more": "…… 另有 {n} 个同类问题（{code}，{where}；加 --verbose 全部列出）",
        "summary": "共 {n} 个报告包：{ok} 个有效，{bad} 个无效，{fail} 个无法读取",
        "unmatched": "注意：--previous {path} 不是所校验报告的同一机关上一年度报告，"
        "连续性规则未检查",
        "limit": "单个报告包的上限可用 --max-bytes N 或 GONGKAI_MAX_LOAD_BYTES 调整（0 为不限）",
    },
    "en": {
        "valid": "valid",
        "invalid": "invalid",
        "unreadable": "unreadable",
        "error": "error",
        "warning": "warning",
        "counts": "{e} error(s), {w} warning(s) ({fmt} format)",
        "grouped": "rule {rule} could not be checked in {n} places because of blank cells, "
        "e.g. {cells} (--verbose lists them)",
        "more": "... and {n} more of the same ({code}, {where}; --verbose lists them all)",
        "summary": "{n} packages: {ok} valid, {bad} invalid, {fail} unreadable",
        "unmatched": "note: --previous {path} is not last year's report of an agency being "
        "validated: the continuity rules were not checked against it",
        "limit": "the limit for one package is set by --max-bytes N or GONGKAI_MAX_LOAD_BYTES "
        "(0: none)",
    },
}


def _print_result(result: ValidationResult, lang: str, verbose: bool) -> None:
    text = _TEXT[lang]
    status = text["valid"] if result.valid else text["invalid"]
    color = "green" if result.valid else "red"
    counts = text["counts"].format(e=len(result.errors), w=len(result.warnings), fmt=result.format)
    mark = click.style(f"{'✔' if result.valid else '✘'} {result.package.source}", fg=color)
    click.echo(f"{mark}  {status}{'：' if lang == 'zh' else ': '}{counts}")
    incomplete: dict[str, list[Issue]] = defaultdict(list)
    alike: dict[tuple[str, str | None, str | None], list[Issue]] = defaultdict(list)
    for issue in result.issues:
        if issue.code == "incomplete" and not verbose:
            incomplete[issue.rule or ""].append(issue)
            continue
        same = alike[(issue.code, issue.resource, issue.field)]
        same.append(issue)
        if verbose or len(same) <= SHOWN_ALIKE:
            label = click.style(text[issue.severity], fg="red" if issue.is_error else "yellow")
            click.echo(f"  {label} [{issue.code}] {issue.message(lang)}")
    for (code, resource, field), issues in alike.items():
        if not verbose and len(issues) > SHOWN_ALIKE:
            where = ".".join(p for p in (resource, field) if p)
            n = len(issues) - SHOWN_ALIKE
            click.echo(f"  {text['more'].format(n=n, code=code, where=where)}")
    for rule, issues in incomplete.items():
        label = click.style(text["warning"], fg="yellow")
        cells = [c for i in issues for c in i.cells]
        example = ("、" if lang == "zh" else ", ").join(cells[:3])
        line = text["grouped"].format(rule=rule, n=len(issues), cells=example)
        click.echo(f"  {label} [incomplete] {line}")


def _results(
    streamed: Iterator[ValidationResult], lang: str, verbose: bool, print_each: bool
) -> list[ValidationResult]:
    """Results as they stream from the columnar executor, each printed as it comes."""
    results = []
    for result in streamed:
        if print_each:
            _print_result(result, lang, verbose)
        results.append(result)
    return results


def _unmatched_previous(
    previous: list[ValidationResult], results: list[ValidationResult]
) -> list[str]:
    """--previous packages holding no report of the year before a validated one: a mistyped
    path must not read as "continuity holds"."""
    wanted = {(agency, year - 1) for r in results for agency, year in r.reports}
    return [p.package.source for p in previous if not wanted & set(p.reports)]


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--previous",
    "previous_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Last year's package of the same agency, for the continuity rules. "
    "上一年度的报告包（用于连续性规则）。",
)
@lang_option
@json_option
@click.option("--verbose", is_flag=True, help="List every incomplete-rule warning. 逐条列出。")
@click.option(
    "--engine",
    type=click.Choice(["auto", "rows", "columns"]),
    default="auto",
    show_default=True,
    help="rows: the row engine; columns: the columnar executor (same findings, set-wise, for "
    f"collections and many packages); auto: columns from {COLUMNAR_PACKAGES} packages or "
    f"{COLUMNAR_BYTES // 1024 // 1024} MB. 校验执行方式（结果相同）。",
)
@max_bytes_option
def validate_command(
    paths: tuple[Path, ...],
    previous_paths: tuple[Path, ...],
    lang: str,
    as_json: bool,
    verbose: bool,
    engine: str,
    max_bytes: int | None,
) -> None:
    """Validate report packages: folders, datapackage.json files or zips.

    校验报告包（文件夹、datapackage.json 或 zip）。Exit 0: all valid (warnings allowed);
    1: errors found; 2: an input could not be read.
    """
    targets = [p for path in paths for p in expand(path)]
    limit = load_limit(max_bytes)
    failures: list[PackageError] = []
    previous_packages, previous_failures = _read_all(list(previous_paths), limit)
    previous_results = validate_many(previous_packages)
    if _use_columns(engine, targets):
        # imported here: the column engine costs a quarter second to import, and one package
        # is validated without it
        from gongkai.validation.columnar import validate_columnar

        streamed = validate_columnar(
            _read_each(targets, failures, limit), previous=previous_packages
        )
        results = _results(streamed, lang, verbose, print_each=not as_json)
    else:
        packages, failures = _read_all(targets, limit)
        results = validate_many(packages, previous=previous_results)
        if not as_json:
            for result in results:
                _print_result(result, lang, verbose)
    failures += previous_failures
    unmatched = _unmatched_previous(previous_results, results)
    if as_json:
        body = {
            "valid": not failures and all(r.valid for r in results),
            "packages": [
                {
                    "package": r.package.source,
                    "valid": r.valid,
                    "format": r.format,
                    "errors": len(r.errors),
                    "warnings": len(r.warnings),
                }
                for r in results
            ]
            + [
                {"package": f.path, "valid": False, "format": None, "errors": 1, "warnings": 0}
                for f in failures
            ],
            "issues": [i.to_dict(lang) for r in results for i in r.issues]
            + [_failure_dict(f, lang) for f in failures],
            "notices": [_TEXT[lang]["unmatched"].format(path=p) for p in unmatched],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        for failure in failures:
            click.echo(
                click.style(f"✘ {failure.path}  {_TEXT[lang]['unreadable']}", fg="red")
                + f"\n  {failure.message(lang)}",
                err=True,
            )
            if failure.code in ("too-large", "zip-bomb"):
                click.echo(f"  {_TEXT[lang]['limit']}", err=True)
        for path in unmatched:
            click.echo(click.style(_TEXT[lang]["unmatched"].format(path=path), fg="yellow"))
        if len(results) + len(failures) > 1:
            click.echo(
                _TEXT[lang]["summary"].format(
                    n=len(results) + len(failures),
                    ok=sum(r.valid for r in results),
                    bad=sum(not r.valid for r in results),
                    fail=len(failures),
                )
            )
    if failures:
        sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_VALID if all(r.valid for r in results) else EXIT_INVALID)
