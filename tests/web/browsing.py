"""Driving the browser in the page tests."""

from __future__ import annotations

from typing import Any

START_DEADLINE = 120  # seconds a page may take on a busy machine


def click_and_load(browser: Any, element: Any) -> None:
    """Click `element` and wait (generously) until the browser has left the page for the
    next one, so what follows reads the new page.

    The old page is marked on its window object: a new document has a fresh one. Any error the
    driver gives while the page changes is retried (asking a node of a page being replaced can
    fail in several ways), until the deadline."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    browser.execute_script("window.__gongkaiOldPage = true;")
    element.click()
    WebDriverWait(browser, START_DEADLINE, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return window.__gongkaiOldPage === undefined && document.readyState === 'complete'"
        )
    )
