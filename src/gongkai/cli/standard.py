"""`gongkai standard`: the data standard as one Markdown document, written from the schemas."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.standard_doc import render_standard


@click.command("standard")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the document here (docs/standard.md in the repository) instead of stdout",
)
def standard_command(output: Path | None) -> None:
    """Write the standard (tables, fields, items, rules) from the schemas as Markdown."""
    text = render_standard()
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
