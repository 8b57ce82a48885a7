"""The README tells the truth: it shows every CLI command and lists every GONGKAI_* setting."""

from __future__ import annotations

import re

import click

from gongkai.cli import main
from gongkai.settings import SETTINGS
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "gongkai") -> list[str]:
    paths = []
    with click.Context(group) as ctx:  # a lazy group names its commands without importing them
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            path = f"{prefix} {name}"
            if isinstance(command, click.Group):
                paths.extend(_command_paths(command, path))
            else:
                paths.append(path)
    return paths


def test_every_cli_command_is_shown() -> None:
    missing = [path for path in _command_paths(main) if path not in README]
    assert missing == []


def test_every_setting_is_in_the_configuration_table() -> None:
    used = set()
    for source in [*(ROOT / "src").rglob("*.py"), ROOT / "Dockerfile"]:
        used |= set(re.findall(r"GONGKAI_[A-Z_]+[A-Z]", source.read_text(encoding="utf-8")))
    table = set(re.findall(r"^\| `(GONGKAI_[A-Z_]+)` \|", README, flags=re.M))
    assert used - table == set()
    assert table - used == set()


def test_the_two_setup_commands_are_the_makefile_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_configuration_tables_give_the_defaults_of_settings() -> None:
    """settings.SETTINGS is the list the service reads; both tables state its defaults."""
    configuration = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for text in (README, configuration):
        rows = dict(re.findall(r"^\| `(GONGKAI_[A-Z_]+)` \| ([^|]+) \|", text, flags=re.M))
        for name, (default, _meaning) in SETTINGS.items():
            assert name in rows, name
            shown = rows[name].strip()
            assert shown in (f"`{default}`", default), (name, shown, default)
