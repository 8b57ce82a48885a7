"""在线校验 and 报送 in headless Chromium: files chosen through the file input, the marked
cells seen, a filing's receipt seen. Screenshots are saved (GONGKAI_SCREENSHOTS to keep)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from conftest_db import DATASETS, registry_row
from gongkai.package import read_package
from gongkai.store.registry import create_token, load_agencies
from gongkai.validation import validate
from tests.paths import DATA
from tests.web.browsing import click_and_load

HONGZE_2023 = DATA / "hongze-2023-as-printed"
HONGZE_2024 = DATASETS / "hongze-district-2024"
CSVS = ("reports.csv", "proactive.csv", "applications.csv", "reviews.csv")


def _choose(browser: Any, folder: Any) -> None:
    from selenium.webdriver.common.by import By

    paths = "\n".join(str(folder / name) for name in CSVS)
    browser.find_element(By.ID, "files").send_keys(paths)


def test_validate_the_broken_hongze_package(
    live_server: str, browser: Any, screenshot: Any
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/validate")
    screenshot("validate-form")
    _choose(browser, HONGZE_2023)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form.panel button[type=submit]"))
    verdict = browser.find_element(By.CSS_SELECTOR, ".verdict")
    assert verdict.text.startswith("未通过：有错误")
    marked = browser.find_elements(By.CSS_SELECTOR, "#table-reviews td.marked.error")
    assert [td.get_attribute("id") for td in marked] == [
        "cell-reviews-review_total",
        "cell-reviews-suit_after_review_total",
    ]
    assert [td.text for td in marked] == ["0", "0"]
    assert "之和为 11" in marked[0].get_attribute("title")
    # the marking is visible: a red outline and a tinted background
    assert marked[0].value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
    screenshot("validate-hongze-2023")
    browser.find_elements(By.CSS_SELECTOR, ".issues a.place")[1].click()  # same page
    assert browser.current_url.endswith("#cell-reviews-suit_after_review_total")
    browser.set_window_size(390, 844)
    screenshot("validate-hongze-2023-phone", width=390)


def test_sign_in_and_file_a_valid_package(
    live_server: str, live_engine: Engine, browser: Any, screenshot: Any
) -> None:
    from selenium.webdriver.common.by import By

    load_agencies(live_engine, [registry_row(validate(read_package(HONGZE_2024)).tables)])
    token = create_token(live_engine, "agency", "320813-hongze-government")[1]
    browser.get(live_server + "/file")
    screenshot("file-sign-in")
    browser.find_element(By.ID, "token").send_keys(token)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form.panel button[type=submit]"))
    assert "已登录" in browser.find_element(By.CSS_SELECTOR, ".signed-in").text
    year = browser.find_element(By.ID, "year")
    year.clear()
    year.send_keys("2024")
    _choose(browser, HONGZE_2024)
    click_and_load(
        browser, browser.find_element(By.CSS_SELECTOR, "form.panel[enctype] button[type=submit]")
    )
    assert browser.find_element(By.CSS_SELECTOR, ".verdict").text == "已报送：保存为第 1 版"
    assert browser.find_element(By.ID, "receipt-version").text == "1"
    sha = browser.find_element(By.ID, "receipt-sha256").text
    assert sha == read_package(HONGZE_2024).sha256
    screenshot("file-receipt")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".signed-in button"))
    assert browser.find_element(By.ID, "token").is_displayed()
