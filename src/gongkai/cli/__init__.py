"""The `gongkai` command: validate, import, file and serve report packages."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute". A command's module is imported only when that command runs (or
# --help lists them all): `gongkai validate` needs none of the importers (openpyxl,
# pdfplumber) nor the server (Flask, SQLAlchemy), and starts faster without them.
COMMANDS = {
    "validate": "gongkai.cli.validate:validate_command",
    "import": "gongkai.cli.importing:import_command",
    "template": "gongkai.cli.importing:template_command",
    "standard": "gongkai.cli.standard:standard_command",
    "db": "gongkai.cli.server:db",
    "agencies": "gongkai.cli.server:agencies",
    "tokens": "gongkai.cli.server:tokens",
    "load": "gongkai.cli.loading:load",
    "export": "gongkai.cli.export:export_command",
    "serve": "gongkai.cli.server:serve",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：政府信息公开工作年度报告的开放数据工具。

    Annual reports on government information disclosure as validated open data.
    """
