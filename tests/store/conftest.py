import pytest

from conftest_db import engine, session_engine
from gongkai.store.current import current_filings

__all__ = ["engine", "session_engine"]


@pytest.fixture(autouse=True)
def _reads_see_earlier_changes(request: pytest.FixtureRequest) -> None:
    """The tables emptied after the test before are seen by this test's reads (a change made
    with SQL is announced to the cache of current versions just after its commit)."""
    if "engine" in request.fixturenames:
        current_filings(request.getfixturevalue("session_engine")).settle()
