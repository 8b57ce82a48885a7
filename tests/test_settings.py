"""Where the embedded database goes by default, and settings that refuse bad values."""

from __future__ import annotations

import pytest

from gongkai.settings import Settings, checkout_root, default_database_path
from tests.paths import ROOT


def test_a_development_install_keeps_its_database_in_var_of_the_checkout() -> None:
    """`make install` installs in development mode: `make run` uses var/ as before. An
    ordinary install uses the user data directory (tests/test_wheel.py runs one)."""
    root = checkout_root()
    assert root is not None and root.resolve() == ROOT
    assert default_database_path() == root / "var" / "gongkai.sqlite3"
    assert Settings.from_env({}).database_url == f"sqlite:///{root / 'var' / 'gongkai.sqlite3'}"


def test_bad_values_are_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="GONGKAI_WORKERS must be an integer"):
        Settings.from_env({"GONGKAI_WORKERS": "two"})
    with pytest.raises(ValueError, match="GONGKAI_LICENSE"):
        Settings.from_env({"GONGKAI_LICENSE": "a b c"})
