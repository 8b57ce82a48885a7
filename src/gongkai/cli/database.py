"""The database the service commands use (GONGKAI_DATABASE_URL), named on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gongkai.settings import Settings
from gongkai.store.db import make_engine


def service_settings() -> Settings:
    """The GONGKAI_* settings; a bad value is one line naming it, not a traceback."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def service_engine() -> Iterator[Engine]:
    url = service_settings().database_url
    click.echo(f"database: {shown_url(url)}", err=True)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
