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
    # the aggregate page (汇总)
    "agg.title": ("汇总", "Aggregate"),
    "agg.lead": (
        "按地区、层级汇总各机关报送的统计表：每个数字注明填报和空白的报告份数，空白不计为 0；"
        "右侧是应报、已报、逾期、未报送的机关。",
        "Sums of the filed tables by region or level: every figure says how many reports gave "
        "it and how many left it blank (a blank is not counted as 0); beside it, who was "
        "expected to file, who filed, who was late and who is missing.",
    ),
    "agg.form": ("查询条件", "Question"),
    "agg.form.table": ("统计表", "Table"),
    "agg.form.year": ("年度", "Year"),
    "agg.form.region": ("地区", "Region"),
    "agg.form.region_any": ("全部地区", "All regions"),
    "agg.form.level": ("层级", "Level"),
    "agg.form.level_any": ("全部层级", "All levels"),
    "agg.form.scope": ("报告范围", "Reports"),
    "agg.form.by": ("分组", "Grouping"),
    "agg.form.item": ("表三的行", "Row of table 3"),
    "agg.form.field": ("图表所示的栏", "Column in the charts"),
    "agg.form.submit": ("查询", "Show"),
    "agg.scope.agency": ("部门报告（默认）", "Agencies' own reports (default)"),
    "agg.scope.hint": (
        "本级政府报告往往已合并全区域数字，与部门报告相加会重复计算。",
        "A government's report often consolidates its area: added to its agencies' reports "
        "it would count twice.",
    ),
    "agg.scope.government": ("本级政府报告", "People's governments' reports"),
    "agg.scope.all": ("全部报告（可能重复计算）", "All reports (may count twice)"),
    "agg.by.province": ("按省", "By province"),
    "agg.by.city": ("按市", "By city"),
    "agg.by.county": ("按县（区）", "By county"),
    "agg.by.level": ("按层级", "By level"),
    "agg.errors": ("查询条件有误，请修改：", "Please correct the question:"),
    "agg.everywhere": ("全国", "All regions"),
    "agg.total": ("合计", "Total"),
    "agg.group": ("分组", "Group"),
    "agg.reports": ("报告（份）", "Reports"),
    "agg.reported": ("填报", "reported"),
    "agg.reports_count": ("{n} 份报告", "reports: {n}"),
    "agg.blank": ("空白", "blank"),
    "agg.all_blank": ("全部空白", "all blank"),
    "agg.blank_count": ("{n} 个空白", "{n} blank"),
    "agg.cell_title": ("填报 {reported} 份，空白 {blank} 份", "{reported} reported, {blank} blank"),
    "agg.no_report": ("无报告", "no report"),
    "agg.caption": ("{sheet}汇总 · {year}年 · {region}", "{sheet} summed · {year} · {region}"),
    "agg.legend": (
        "每格为填报该项的报告之和；“n 个空白”表示有 n 份报告未填报该项（不计为 0）；"
        "“—”表示没有报告填报该项。",
        "Each cell sums the reports that gave the figure; “n blank” says n reports left it "
        "blank (not counted as 0); “—” means no report gave it.",
    ),
    "agg.empty": (
        "所选范围内没有已报送的报告。",
        "No filed report in this slice.",
    ),
    "agg.empty.scope": (
        "本页默认只汇总部门报告；本级政府报告往往已合并全区域数字，单独查看：",
        "By default only agencies' own reports are summed; the governments' reports often "
        "consolidate their area already. See them on their own:",
    ),
    "agg.chart.bar": ("{year}年 {region} 按分组", "{region}, {year}, by group"),
    "agg.chart.line": ("{region} 历年", "{region}, over the years"),
    "agg.chart.nojs": (
        "图表需要 JavaScript；下面的表格列出全部数字。",
        "The charts need JavaScript; the tables below list every figure.",
    ),
    "agg.years": ("历年（同一范围）", "Over the years (same slice)"),
    "agg.whole": ("表三全表 · {region} 合计 · {year}年", "Table 3 in full · {region} · {year}"),
    "agg.whole.hint": (
        "点击行名，在图表和上表中查看该行。",
        "Choose a row by its name to see it in the charts and the table above.",
    ),
    "agg.item": ("项目", "Row"),
    "agg.csv_items": ("下载表三全表 CSV", "Download table 3 in full as CSV"),
    "agg.part_items_only": (
        "只有表三（applications）有全表 CSV（part=items）",
        "Only table 3 (applications) has a full-table CSV (part=items)",
    ),
    "agg.part_error": (
        "part 应为 groups（按分组的表）或 items（表三全表），而不是“{part}”",
        "part must be groups (the table by group) or items (table 3 in full), not '{part}'",
    ),
    "agg.year": ("年度", "Year"),
    "agg.sum": ("合计", "Sum"),
    "agg.downloads": ("下载与接口", "Download and API"),
    "agg.csv": ("下载本表 CSV", "Download this table as CSV"),
    "agg.api_json": ("本表数据的 API（JSON）", "This table from the API (JSON)"),
    "agg.api_csv": ("API 的 CSV（仅合计，不含空白计数）", "The API's CSV (sums only)"),
    "agg.api_years": ("历年数据的 API", "The years from the API"),
    "agg.api_coverage": ("报送情况的 API", "Coverage from the API"),
    "cov.title": ("{year}年报送情况", "Filing in {year}"),
    "cov.expected": ("应报机关", "Expected"),
    "cov.filed": ("已报送", "Filed"),
    "cov.valid": ("其中有效", "of which valid"),
    "cov.late": ("逾期公开", "Late"),
    "cov.missing": ("未报送", "Missing"),
    "cov.refused": ("被拒收（未通过校验）", "Refused (did not validate)"),
    "cov.filed_list": ("已报送的机关", "Agencies that filed"),
    "cov.version": ("第 {version} 版", "version {version}"),
    "cov.deadline": ("截止 {date}", "due {date}"),
    "cov.none": ("无", "none"),
    "cov.more": (
        "另有 {n} 个机关，完整名单见报送情况 CSV",
        "{n} more: every name is in the coverage CSV",
    ),
    "cov.no_registry": (
        "登记册中没有这一范围的机关，无法计算应报数。",
        "The registry holds no agency in this slice: nothing is expected.",
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
