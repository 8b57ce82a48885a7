"""The frame in a real browser: Chinese renders, the navigation works, a phone can use it."""

from __future__ import annotations

from typing import Any

from PIL import Image

from tests.web.browsing import click_and_load


def test_home_in_chromium(live_server: str, browser: Any, screenshot: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".site-nav a")]
    assert links == ["首页", "在线校验", "报送", "汇总", "API 文档", "标准"]
    # the stylesheet applied: the header band is dark red
    band = browser.find_element(By.CSS_SELECTOR, ".site-header")
    assert band.value_of_css_property("background-color") == "rgba(163, 31, 36, 1)"
    path = screenshot("home")
    with Image.open(path) as image:
        assert image.width == 1280
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".lang-switch"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    browser.get(live_server + "/")  # the cookie keeps English
    assert browser.find_element(By.CSS_SELECTOR, ".site-nav a").text == "Home"


def test_the_navigation_fits_a_phone(live_server: str, browser: Any, screenshot: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    browser.get(live_server + "/")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen
    assert browser.find_element(By.CSS_SELECTOR, ".site-nav").is_displayed()
    screenshot("home-phone", width=390)


def test_files_dropped_on_the_form_go_into_its_file_input(live_server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/validate")
    assert browser.find_element(By.CSS_SELECTOR, ".drop-hint").is_displayed()
    names = browser.execute_script(
        """
        const zone = document.querySelector("[data-dropzone]");
        const files = new DataTransfer();
        files.items.add(new File(["agency_id,year\\n"], "reports.csv", {type: "text/csv"}));
        files.items.add(new File(["agency_id,year\\n"], "reviews.csv", {type: "text/csv"}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true}));
        return Array.from(document.getElementById("files").files).map(f => f.name);
        """
    )
    assert names == ["reports.csv", "reviews.csv"]
