"""`gongkai export`: a year or a slice of it out of the database, as CSV or Parquet.

gongkai export --year 2024 --format parquet --output china-2024/          # a package folder
gongkai export --year 2024 --region 320000 --output jiangsu-2024.zip      # a package zip
gongkai export --year 2024 --table applications --format parquet --output t3-2024.parquet

The files are those of the API (/export, /tables/{table}.csv and .parquet): the same slice
gives the same bytes of CSV and the same rows of Parquet. They are written beside PATH first
and put in its place only when whole, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gongkai.cli.database import database, settings
from gongkai.exporting import (
    Progress,
    has_report,
    package_stream,
    slice_descriptor,
    write_table,
)
from gongkai.package.writer import FILE_FORMATS
from gongkai.settings import license_entry
from gongkai.standard import FORMATS, TABLE_NAMES, format_for_year, load_standard
from gongkai.store.queries import RowFilter, count_rows

EXIT_NOTHING = 1  # nothing matched (usage errors and unwritable paths exit 2, as click's)


def _choices(field: str) -> list[str]:
    """The values the standard allows for a reports field (level, scope)."""
    descriptor = load_standard().format("2021").table("reports").descriptor
    spec = next(f for f in descriptor["fields"] if f["name"] == field)
    return list(spec["constraints"]["enum"])


def _region(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise click.BadParameter("a 6-digit region code (GB/T 2260), such as 320800")
    return value


@click.command("export")
@click.option("--year", type=click.IntRange(2008, 2100), required=True, help="the report year")
@click.option("--region", callback=_region, help="agencies whose region code lies under it")
@click.option("--level", type=click.Choice(_choices("level")))
@click.option("--scope", type=click.Choice(_choices("scope")))
@click.option(
    "--report-format",
    type=click.Choice(FORMATS),
    help="reports of this format only (default: the format of the year)",
)
@click.option("--agency", "agencies", multiple=True, help="these agencies only (repeat, or a,b)")
@click.option("--table", type=click.Choice(TABLE_NAMES), help="one table instead of a package")
@click.option("--item", "items", multiple=True, help="with --table applications: these items")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FILE_FORMATS),
    default="csv",
    show_default=True,
    help="CSV, or Parquet (typed columns: what DuckDB, pandas and R read fastest)",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="the file of --table; else the package: a .zip, or a folder",
)
def export_command(
    year: int,
    region: str | None,
    level: str | None,
    scope: str | None,
    report_format: str | None,
    agencies: tuple[str, ...],
    table: str | None,
    items: tuple[str, ...],
    file_format: str,
    output: Path,
) -> None:
    """Write a year's current reports, or a slice of them, from the database to PATH.

    Without --table: a data package (datapackage.json with the schemas and the licence, and
    the four tables), as a zip when PATH ends in .zip, else as a folder. With --table: that
    table's rows in one file. Exit 1 when no report matches; 2 on bad usage or a path that
    cannot be written.
    """
    fmt = report_format or format_for_year(year) or "2021"
    # repeated, or separated by commas as in the API's query strings
    agencies, items = _split(agencies), _split(items)
    _check_items(table, items, fmt)
    _check_output(output, table)
    where = RowFilter(
        year=year,
        region=region,
        level=level,
        scope=scope,
        # a package holds one format; a table, like /tables, every format unless asked
        format=report_format or (fmt if table in (None, "proactive") else None),
        agencies=agencies,
        items=items,
    )
    license = license_entry(settings().license)
    with database() as engine, _database_errors():
        if not has_report(engine, fmt, where):
            raise click.ClickException(f"nothing matched: {_described(where)}")
        with _progress(engine, fmt, where, table) as progress:
            if table is not None:
                rows = _write_atomically(
                    output,
                    lambda path: write_table(
                        engine, path, table, fmt, where, file_format, progress=progress
                    ),
                )
            else:
                meta = slice_descriptor(fmt, where, license, file_format)
                rows = _write_package(engine, output, fmt, where, meta, file_format, progress)
    what = f"{table} ({rows:,} rows)" if table else f"data package ({rows:,} rows in 4 tables)"
    click.echo(f"{output}: {what}, {file_format}, {_size(output)}")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for value in values for part in value.split(",") if part)


def _check_items(table: str | None, items: tuple[str, ...], fmt: str) -> None:
    if not items:
        return
    if table != "applications":
        raise click.BadParameter(
            "only with --table applications (表三 has items)", param_hint="--item"
        )
    known = load_standard().formats[fmt].tables["applications"].item_codes
    unknown = [i for i in items if i not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown {', '.join(unknown)}; one of {', '.join(known)}", param_hint="--item"
        )


def _check_output(output: Path, table: str | None) -> None:
    """PATH's folder exists and can be written; a folder package is not poured into a folder
    that holds files already."""
    folder = output.parent
    problem = None
    if not folder.is_dir():
        problem = f"{folder} is not a folder"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = f"{folder} cannot be written"
    elif output.is_dir() and (table is not None or output.suffix == ".zip"):
        problem = f"{output} is a folder"
    elif output.is_dir() and any(output.iterdir()):
        problem = f"{output} is a folder that is not empty"
    elif output.exists() and not output.is_dir() and table is None and output.suffix != ".zip":
        problem = f"{output} is a file (a package goes to a folder, or to a .zip)"
    if problem:
        raise click.BadParameter(problem, param_hint="--output")


@contextmanager
def _database_errors() -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise click.ClickException(
            f"cannot read the database: {reason} (`gongkai db upgrade` creates its tables)"
        ) from exc


def _described(where: RowFilter) -> str:
    parts = [f"year {where.year}"]
    for name in ("region", "level", "scope"):
        if getattr(where, name):
            parts.append(f"{name} {getattr(where, name)}")
    if where.agencies:
        parts.append(f"agency {', '.join(where.agencies)}")
    kind = f"{where.format}-format report" if where.format else "report"
    return f"no {kind} filed for {', '.join(parts)}"


@contextmanager
def _progress(engine: Engine, fmt: str, where: RowFilter, table: str | None) -> Iterator[Progress]:
    """Rows written so far, per table, on stderr: a bar on a terminal, else a line for each
    table written."""
    terminal = sys.stderr.isatty()
    bars: dict[str, Any] = {}
    done: dict[str, int] = {}

    def finish(name: str) -> None:
        if terminal:
            bars[name].render_finish()
        else:
            click.echo(f"{name}: {done[name]:,} rows", err=True)

    def heard(name: str, count: int) -> None:
        if name not in done:
            if done:
                finish(list(done)[-1])
            if terminal:
                total = count_rows(engine, name, fmt, where)
                bars[name] = click.progressbar(length=total, label=name, file=sys.stderr)
            done[name] = 0
        if terminal:
            bars[name].update(count - done[name])
        done[name] = count

    if table is not None:
        heard(table, 0)
    yield heard
    if done:
        finish(list(done)[-1])


def _write_atomically(output: Path, write: Any) -> int:
    """`write(path)` to a file beside `output`, then put in its place."""
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    os.close(handle)
    try:
        rows: int = write(Path(partial))
        _as_created(Path(partial), 0o666)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return rows


def _write_package(
    engine: Engine,
    output: Path,
    fmt: str,
    where: RowFilter,
    meta: dict[str, Any],
    file_format: str,
    progress: Progress,
) -> int:
    counts: dict[str, int] = {}

    def counted(name: str, count: int) -> None:
        counts[name] = count
        progress(name, count)

    if output.suffix == ".zip":

        def write_zip(path: Path) -> int:
            with path.open("wb") as out:
                for chunk in package_stream(engine, fmt, where, meta, file_format, counted):
                    out.write(chunk)
            return sum(counts.values())

        return _write_atomically(output, write_zip)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}."))
    try:
        descriptor = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        (staging / "datapackage.json").write_text(descriptor, encoding="utf-8")
        rows = 0
        for name in TABLE_NAMES:
            path = staging / f"{name}.{file_format}"
            rows += write_table(engine, path, name, fmt, where, file_format, progress=progress)
        _as_created(staging, 0o777)
        if output.is_dir():
            output.rmdir()  # empty (checked): replaced by the whole package
        os.replace(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return rows


def _as_created(path: Path, mode: int) -> None:
    """The permissions a plain open() or mkdir() would have given (mkstemp and mkdtemp make
    what they create private to the user)."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(mode & ~umask)


def _size(path: Path) -> str:
    size = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
