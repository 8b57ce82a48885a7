"""Options that several commands share, so they read and behave the same everywhere."""

from __future__ import annotations

import click

lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the messages. 消息语言。",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable output. 输出 JSON。"
)
