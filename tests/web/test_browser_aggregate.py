"""The aggregate page in headless Chromium: 江苏 2024 with the sample data, the charts drawn
by the vendored ECharts (canvas pixels, not only an instance), the coverage beside them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from tests.web.browsing import START_DEADLINE
from tests.web.sample_data import load_samples

JIANGSU_2024 = "/aggregate?table=applications&year=2024&region=320000&scope=government"
# the bar colour of static/aggregate.js (#a31f24) and the line's (#1d3f73)
COLOURED_PIXELS = """
const [id, r, g, b] = arguments;
const canvas = document.querySelector('#' + id + ' canvas');
if (!canvas) { return -1; }
const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
let n = 0;
for (let i = 0; i < data.length; i += 4) {
  if (data[i + 3] > 200 && Math.abs(data[i] - r) < 30 && Math.abs(data[i + 1] - g) < 30
      && Math.abs(data[i + 2] - b) < 30) { n++; }
}
return n;
"""


def test_the_aggregate_page_draws_its_charts(
    live_engine: Engine, live_server: str, browser: Any, screenshot: Any
) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load_samples(live_engine)
    browser.get(live_server + JIANGSU_2024)
    assert browser.find_element(By.TAG_NAME, "h1").text == "汇总"
    # the charts are drawn once the script has run: wait generously, never on a timer
    WebDriverWait(browser, START_DEADLINE, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script("return !!(window.gongkaiCharts && window.gongkaiCharts[0])")
    )
    assert browser.execute_script(
        "return echarts.getInstanceByDom(document.getElementById('chart-bar')) !== undefined"
    )
    bars = browser.execute_script(COLOURED_PIXELS, "chart-bar", 0xA3, 0x1F, 0x24)
    line = browser.execute_script(COLOURED_PIXELS, "chart-line", 0x1D, 0x3F, 0x73)
    assert bars > 500, "the bars of 淮安市 and 宿迁市 are drawn"
    assert line > 50, "the line over 2023 and 2024 is drawn"
    # what the bars show is what the table says
    option = browser.execute_script(
        "const o = window.gongkaiCharts[0].getOption();return [o.xAxis[0].data, o.series[0].data];"
    )
    assert option[0] == ["淮安市", "宿迁市"]
    totals = [
        cell.text.split("\n")[0]
        for cell in browser.find_elements(
            By.CSS_SELECTOR, "#aggregate-table tbody td[data-column='total'] .sum"
        )
    ]
    assert [str(v) for v in option[1]] == totals
    # coverage beside: the names are there
    coverage = browser.find_element(By.CSS_SELECTOR, ".aggregate-coverage").text
    assert "淮安市人民政府" in coverage and "宿迁市人民政府" in coverage
    screenshot("aggregate-jiangsu-2024")
    # the wide table scrolls inside its box on a phone, the page itself does not
    browser.set_window_size(390, 844)
    browser.get(live_server + JIANGSU_2024)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("aggregate-jiangsu-2024-phone", width=390)
