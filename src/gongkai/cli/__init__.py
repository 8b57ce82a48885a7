"""The `gongkai` command: validate, import, file and serve report packages."""

from __future__ import annotations

import click


class _Commands(click.Group):
    """Imports the command modules when first asked for them: `gongkai validate` needs none of
    the importers (openpyxl, pdfplumber) nor the server (Flask, SQLAlchemy)."""

    _loaded = False

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        if not self._loaded:
            self._loaded = True
            from gongkai.cli.importing import import_command, template_command
            from gongkai.cli.server import COMMANDS as SERVICE_COMMANDS
            from gongkai.cli.validate import validate_command

            for command in (validate_command, import_command, template_command):
                self.add_command(command)
            for command in SERVICE_COMMANDS:
                self.add_command(command)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "validate" and not self._loaded:
            from gongkai.cli.validate import validate_command

            return validate_command
        return super().get_command(ctx, cmd_name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._commands[name or cmd.name or ""] = cmd  # without loading the others first


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：政府信息公开工作年度报告的开放数据工具。

    Annual reports on government information disclosure as validated open data.
    """
