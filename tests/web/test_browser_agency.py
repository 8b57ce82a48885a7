"""The agency pages and the home page in a real browser: find 淮安市 from the home page's
search box, open its 2024 report and see 表三 drawn; compare two versions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.web.agency_data import HUAIAN, file_dataset, load_registry
from tests.web.browsing import START_DEADLINE


def arrive(browser: Any, condition: Any) -> None:
    """Wait for the next page (a generous deadline: the test must not depend on timing);
    errors the driver gives while a page is replaced are retried."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, START_DEADLINE, ignored_exceptions=(WebDriverException,)).until(
        condition
    )


@pytest.fixture
def filed(live_engine: Engine) -> None:
    """淮安市 2024 (version 2 changes 表二 B4 and blanks B11) and 宿迁市 2024."""
    load_registry(live_engine)
    file_dataset(live_engine, "suqian-city-2024")
    file_dataset(live_engine, "huaian-city-2024")
    file_dataset(
        live_engine,
        "huaian-city-2024",
        {"proactive": {"regulations_issued": "2", "penalty_decisions": ""}},
    )


def test_find_huaian_and_see_its_table_three(
    filed: None, live_server: str, browser: Any, screenshot: Any
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "政府信息公开工作年度报告数据"
    latest = browser.find_elements(By.CSS_SELECTOR, "table.latest tbody th a")
    assert [a.text for a in latest] == ["淮安市人民政府", "淮安市人民政府", "宿迁市人民政府"]
    screenshot("home-with-filings")

    box = browser.find_element(By.ID, "q")
    box.send_keys("淮安")
    browser.find_element(By.CSS_SELECTOR, ".search-box button").click()
    arrive(browser, lambda b: "/search?q=" in b.current_url)
    browser.find_element(By.LINK_TEXT, "淮安市人民政府").click()
    arrive(browser, lambda b: b.current_url.endswith(f"/agencies/{HUAIAN}"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "淮安市人民政府"
    screenshot("agency")

    browser.find_element(By.LINK_TEXT, "2024 年度报告").click()
    arrive(browser, lambda b: b.current_url.endswith(f"/agencies/{HUAIAN}/2024"))
    table = browser.find_element(By.ID, "table-applications")
    assert table.find_element(By.TAG_NAME, "caption").text.startswith("表三")
    assert table.size["height"] > 400 and table.size["width"] > 600  # drawn, not hidden
    assert browser.find_element(By.ID, "cell-applications-new_received-total").text == "3119"
    groups = [th.text for th in table.find_elements(By.CSS_SELECTOR, 'th[scope="rowgroup"]')]
    assert "三、本年度办理结果" in groups
    blank = browser.find_element(By.ID, "cell-proactive-penalty_decisions")
    # drawn hatched, never 0; the words are there for screen readers, clipped from sight
    assert "blank" in blank.get_attribute("class").split()
    assert blank.text == "空白（未填报）"
    words = blank.find_element(By.CSS_SELECTOR, ".visually-hidden")
    assert words.size["width"] <= 1 and words.size["height"] <= 1
    screenshot("agency-report")


def test_the_diff_frames_the_changed_cells(
    filed: None, live_server: str, browser: Any, screenshot: Any
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server}/agencies/{HUAIAN}/2024/diff?from=1&to=2")
    changed = browser.find_elements(By.CSS_SELECTOR, "td.marked.changed")
    assert sorted(c.get_attribute("id") for c in changed) == [
        "cell-proactive-penalty_decisions",
        "cell-proactive-regulations_issued",
    ]
    assert changed[0].value_of_css_property("outline-color") == "rgba(29, 63, 115, 1)"
    cell = browser.find_element(By.ID, "cell-proactive-penalty_decisions")
    assert cell.text == "3985758 → 空白"
    screenshot("agency-diff")


def test_the_report_fits_a_phone(
    filed: None, live_server: str, browser: Any, screenshot: Any
) -> None:
    browser.set_window_size(390, 844)
    browser.get(f"{live_server}/agencies/{HUAIAN}/2024")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # the wide tables scroll inside their box, the page does not
    screenshot("agency-report-phone", width=390)
