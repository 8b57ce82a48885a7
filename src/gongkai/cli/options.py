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


def load_limit(max_bytes: int | None) -> int:
    """--max-bytes, else GONGKAI_MAX_LOAD_BYTES: what the command line reads of one package
    (0: no limit). The API's uploads have their own limit."""
    from gongkai.settings import NO_LIMIT, max_load_bytes

    if max_bytes is not None:
        return max_bytes or NO_LIMIT
    try:
        return max_load_bytes()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


max_bytes_option = click.option(
    "--max-bytes",
    type=click.IntRange(min=0),
    help="The most one package (a collection) may hold, uncompressed, in bytes; 0: no limit "
    "[default: GONGKAI_MAX_LOAD_BYTES or 2000000000]. 单个报告包（汇总包）的大小上限。",
)
