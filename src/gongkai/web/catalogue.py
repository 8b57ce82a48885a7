"""Every string the pages show, in Chinese and English. Issue messages are not here: they come
from the validation catalogue (gongkai.validation.messages), like the CLI's and the API's."""

from __future__ import annotations

# key -> (Chinese, English)
STRINGS: dict[str, tuple[str, str]] = {
    # the frame
    "product": ("公开 gongkai", "gongkai 公开"),
    "tagline": (
        "政府信息公开工作年度报告 · 开放数据",
        "Annual reports on government information disclosure, as open data",
    ),
    "nav.home": ("首页", "Home"),
    "nav.validate": ("在线校验", "Validate"),
    "nav.file": ("报送", "File"),
    "nav.aggregate": ("汇总", "Aggregate"),
    "nav.api": ("API 文档", "API docs"),
    "nav.standard": ("标准", "Standard"),
    "nav.main": ("主导航", "Main navigation"),
    "lang.switch": ("English", "中文"),
    "footer": (
        "数据依据《中华人民共和国政府信息公开条例》第五十条规定的年度报告统计表；"
        "空白表示未填报，不等于 0。",
        "Figures from the statistical tables of the annual reports (Regulations on the "
        "Disclosure of Government Information, art. 50); a blank means not reported, never 0.",
    ),
    "home.title": ("政府信息公开工作年度报告数据", "Annual report data"),
    "home.lead": (
        "各机关报送年度报告统计表（表二、表三、表四），在线校验勾稽关系，汇总查看。",
        "Agencies file the statistical tables (tables 2, 3 and 4) of their annual reports; "
        "they are validated online and can be aggregated.",
    ),
    "standard.title": ("数据标准", "The data standard"),
    "standard.missing": (
        "本安装未包含标准文档。",
        "This installation does not include the standard.",
    ),
    "error.title": ("出错了", "Something went wrong"),
    "error.not_found": ("没有这个页面。", "There is no such page."),
    # the report tables
    "tables.blank": ("空白（未填报）", "blank (not reported)"),
    "tables.legend": (
        "标红的单元格有错误，标黄的有警告；斜纹底纹的单元格为空白（未填报），不等于 0。",
        "Cells marked red have errors, yellow warnings; hatched cells are blank (not "
        "reported), which is not 0.",
    ),
    "tables.unit": ("金额单位：万元", "Amounts in 万元 (10,000 yuan)"),
}
