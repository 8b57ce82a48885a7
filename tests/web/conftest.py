"""Fixtures of the page tests: the app under Flask's test client, and the same app under a
real server on 127.0.0.1 driven by headless Debian Chromium through Selenium."""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from werkzeug.serving import make_server

from conftest_db import engine, session_engine
from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.store.db import make_engine, upgrade

__all__ = ["engine", "session_engine"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SECRET = "test-secret-key-for-pages"
START_DEADLINE = 120  # seconds a starting server may take


def page_app(engine: Engine) -> Flask:
    settings = Settings(database_url=str(engine.url), max_upload_bytes=2_000_000, secret_key=SECRET)
    app = create_app(settings, engine)
    app.testing = False  # errors go through the handlers, as in production
    return app


@pytest.fixture
def app(engine: Engine) -> Flask:
    return page_app(engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- a real server and a real browser --------------------------------------------------


@pytest.fixture
def live_engine(tmp_path: Path) -> Iterator[Engine]:
    """An SQLite database of its own: the server thread and the test share it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'pages.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def live_server(live_engine: Engine) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 and a free port; yields its base URL once
    it answers (every error of a starting server is retried until the deadline)."""
    server = make_server("127.0.0.1", 0, page_app(live_engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    deadline = time.monotonic() + START_DEADLINE
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=10) as answer:
                if answer.status == 200:
                    break
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)
    yield base
    server.shutdown()
    thread.join(timeout=START_DEADLINE)


def _browser_missing() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return None
    return (
        f"no browser: {', '.join(missing)} missing "
        "(apt-get install chromium chromium-driver fonts-noto-cjk; .ci/run does it)"
    )


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Debian Chromium under Selenium. Skips without it, except in CI (CI=true),
    where a missing browser fails. Selenium Manager is never asked to download anything."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: browser tests must run)")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(START_DEADLINE)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser: object, tmp_path: Path) -> object:
    """screenshot(name): the whole page as PNG under the test's tmp folder, and under
    GONGKAI_SCREENSHOTS=<dir> when set (to keep and look at)."""

    def take(name: str, width: int = 1280) -> Path:
        height = browser.execute_script(  # type: ignore[attr-defined]
            "return document.documentElement.scrollHeight"
        )
        browser.set_window_size(width, max(600, int(height) + 40))  # type: ignore[attr-defined]
        browser.execute_script("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
        path = tmp_path / f"{name}.png"
        browser.save_screenshot(str(path))  # type: ignore[attr-defined]
        keep = os.environ.get("GONGKAI_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / path.name).write_bytes(path.read_bytes())
        browser.set_window_size(1280, 900)  # type: ignore[attr-defined]
        return path

    return take
