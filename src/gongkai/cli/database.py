"""The settings and the database of the service commands (db, agencies, tokens, load)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gongkai.settings import Settings
from gongkai.store.db import make_engine


def settings() -> Settings:
    """The GONGKAI_* settings; a bad value is one line naming it, not a traceback."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def database() -> Iterator[Engine]:
    """The engine of GONGKAI_DATABASE_URL, named on stderr (stdout stays the command's)."""
    url = settings().database_url
    click.echo(f"database: {shown_url(url)}", err=True)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
