"""Driving the browser in the page tests."""

from __future__ import annotations

from typing import Any

START_DEADLINE = 120  # seconds a page may take on a busy machine


def click_and_load(browser: Any, element: Any) -> None:
    """Click `element` and wait (generously) until the browser has left the page for the
    next one, so what follows reads the new page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, START_DEADLINE).until(expected_conditions.staleness_of(page))
    WebDriverWait(browser, START_DEADLINE).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )
