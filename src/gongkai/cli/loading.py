"""`gongkai load PATHS`: file many packages, folders, zips or collections, in bulk."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gongkai.bulkload import load_paths
from gongkai.cli.database import database
from gongkai.cli.options import load_limit, max_bytes_option
from gongkai.cli.validate import expand


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--register", is_flag=True, help="add agencies missing from the registry")
@max_bytes_option
def load(paths: tuple[Path, ...], register: bool, max_bytes: int | None) -> None:
    """File many packages (folders, zips, collections such as /export writes): one filing per
    report, each the next version of its agency and year unless it equals the current one.
    Invalid reports are listed and skipped (exit 1)."""
    limit = load_limit(max_bytes)
    packages = [p for path in paths for p in expand(path)]
    with (
        database() as engine,
        click.progressbar(length=len(packages), label="filing", file=sys.stderr) as bar,
    ):

        def found(more: int) -> None:
            bar.length = (bar.length or 0) + more

        outcome = load_paths(
            engine, packages, register=register, max_bytes=limit, found=found, progress=bar.update
        )
    for source, lines in outcome.skipped:
        click.echo(f"skipped {source}:", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)
    if any("too-large" in line or "过大" in line for _, lines in outcome.skipped for line in lines):
        click.echo(
            f"(the limit for one package is {limit} bytes: raise it with --max-bytes N or "
            "GONGKAI_MAX_LOAD_BYTES, 0 for none)",
            err=True,
        )
    click.echo(
        f"{outcome.filed} filed, {outcome.same} already filed, {len(outcome.skipped)} skipped"
    )
    if outcome.skipped:
        sys.exit(1)
