"""The `gongkai` command: validate, import, file and serve report packages."""

from __future__ import annotations

import click

from gongkai.cli.importing import import_command, template_command
from gongkai.cli.server import COMMANDS as SERVICE_COMMANDS
from gongkai.cli.standard import standard_command
from gongkai.cli.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：政府信息公开工作年度报告的开放数据工具。

    Annual reports on government information disclosure as validated open data.
    """


main.add_command(validate_command)
main.add_command(import_command)
main.add_command(template_command)
main.add_command(standard_command)
for _command in SERVICE_COMMANDS:
    main.add_command(_command)
