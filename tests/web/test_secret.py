"""The generated secret key: made once per instance, private, shared by every worker."""

from __future__ import annotations

import stat
from pathlib import Path

from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.web.secret import instance_secret_key


def test_the_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = instance_secret_key(path)
    assert len(first) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret_key(path) == first  # a second worker reads the same key


def test_the_setting_wins_over_the_generated_key() -> None:
    settings = Settings.from_env({"GONGKAI_SECRET_KEY": "from-the-environment"})
    assert settings.secret_key == "from-the-environment"
    assert create_app(settings).secret_key == "from-the-environment"
    assert Settings.from_env({}).secret_key is None
