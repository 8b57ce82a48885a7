from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from conftest_db import engine, session_engine
from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.store.current import current_filings
from gongkai.store.registry import create_token

__all__ = ["engine", "session_engine"]


@pytest.fixture(autouse=True)
def _reads_see_earlier_changes(request: pytest.FixtureRequest) -> None:
    """The tables emptied after the test before are seen by this test's reads (a change made
    with SQL is announced to the cache of current versions just after its commit)."""
    if "engine" in request.fixturenames:
        current_filings(request.getfixturevalue("session_engine")).settle()


@pytest.fixture
def app(engine: Engine) -> Iterator[Flask]:
    settings = Settings(database_url=str(engine.url), max_upload_bytes=2_000_000, page_max=50)
    app = create_app(settings, engine)
    app.testing = False  # errors go through the handler, as in production
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def admin_token(engine: Engine) -> str:
    return create_token(engine, "admin")[1]
