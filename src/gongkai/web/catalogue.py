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
    # 首页 and search
    "home.about": (
        "各级行政机关每年发布政府信息公开工作年度报告。gongkai 把报告中的统计表（表二 主动公开、"
        "表三 依申请公开、表四 行政复议和行政诉讼）作为开放数据收集：按统一标准在线校验勾稽关系，"
        "保存报送的每一个版本，可按地区、层级汇总，并提供 CSV、JSON 和数据包下载以及 API。"
        "空白表示未填报，始终与 0 区分。",
        "Every government agency in China publishes an annual report on its information "
        "disclosure work. gongkai collects the statistical tables of these reports (table 2 "
        "proactive disclosure, table 3 applications, table 4 reviews and lawsuits) as open "
        "data: validated online against one standard, every filed version kept, aggregated by "
        "region and level, downloadable as CSV, JSON and data packages and through an API. A "
        "blank means not reported and is never taken for 0.",
    ),
    "home.latest": ("最新报送", "Latest filings"),
    "home.year": ("年度", "Year"),
    "home.all_agencies": ("全部机关 →", "All agencies →"),
    "home.no_filings": ("尚无报送的报告。", "No report has been filed yet."),
    "home.coverage": ("报送情况", "Coverage"),
    "home.coverage_year": (
        "{year} 年度报告，按应报告机关名录统计：",
        "Reports on {year}, counted against the registry of agencies that must report:",
    ),
    "home.count_expected": ("应报送", "Expected"),
    "home.count_filed": ("已报送", "Filed"),
    "home.count_late": ("其中逾期", "Late"),
    "home.count_unknown": ("是否逾期不详", "Lateness unknown"),
    "home.count_missing": ("未报送", "Missing"),
    "home.count_refused": ("被退回", "Refused"),
    "home.coverage_note": (
        "已报送：报送并通过校验；逾期：首次报送（或发布）晚于规定期限；未报送：尚无有效报告；"
        "被退回：报送过但未通过校验。",
        "Filed: filed and valid; late: first filed (or published) after the deadline; missing: "
        "no valid report yet; refused: filed but invalid.",
    ),
    "home.to_aggregate": ("查看 {year} 年度汇总 →", "Aggregates for {year} →"),
    "home.more": ("更多", "More"),
    "home.validate": (
        "上传报告数据包或填好的 Excel 模板，不报送也能校验。",
        "upload a package or the filled Excel template and check it without filing.",
    ),
    "home.file": ("凭机关令牌报送年度报告。", "file a report with your agency's token."),
    "home.api": (
        "全部数据的开放接口（OpenAPI），地址前缀",
        "the open API to all data (OpenAPI), under",
    ),
    "home.standard": (
        "报告数据标准：表、字段、事项和校验规则。",
        "the data standard: tables, fields, items and validation rules.",
    ),
    "search.title": ("查找机关", "Find an agency"),
    "search.title_for": ("查找“{query}”", "Search for “{query}”"),
    "search.label": ("查找机关", "Find an agency"),
    "search.placeholder": ("机关名称或行政区划代码", "agency name or region code"),
    "search.button": ("查找", "Search"),
    "search.hint": (
        "输入名称中的字（如“淮安”），或 6 位行政区划代码（如 320800 为淮安市及其所辖区县）。",
        "Part of a name (e.g. 淮安), or a 6-digit region code (e.g. 320800: 淮安市 and its "
        "districts and counties).",
    ),
    "search.found": ("与“{query}”相符的机关：", "Agencies matching “{query}”:"),
    "search.none": ("没有与“{query}”相符的机关。", "No agency matches “{query}”."),
    # 机关: the list, one agency, one report, two versions compared
    "list.title": ("机关名录", "Agencies"),
    "list.name": ("名称包含", "Name contains"),
    "list.region": ("行政区划代码", "Region code"),
    "list.region_hint": (
        "6 位，如 320800（含所辖区县）",
        "6 digits, e.g. 320800 (with its counties)",
    ),
    "list.any": ("全部", "any"),
    "list.filter": ("筛选", "Filter"),
    "list.clear": ("清除", "Clear"),
    "list.empty": ("没有符合条件的机关。", "No agency matches."),
    "list.pages": ("翻页", "Pages"),
    "list.first": ("← 第一页", "← First page"),
    "list.next": ("下一页 →", "Next page →"),
    "list.bad_region": (
        "行政区划代码应为 6 位数字，收到“{region}”。",
        "A region code has 6 digits; got “{region}”.",
    ),
    "list.bad_level": ("没有“{level}”这个层级。", "There is no level “{level}”."),
    "agency.name": ("机关名称", "Agency"),
    "agency.id": ("机关标识", "Identifier"),
    "agency.region": ("行政区划代码", "Region code"),
    "agency.level": ("层级", "Level"),
    "agency.scope": ("报告范围", "Scope"),
    "agency.parent": ("上级机关", "Parent"),
    "agency.parent_unknown": ("（不在名录中）", "(not in the registry)"),
    "agency.no_parent": ("无", "none"),
    "agency.registry": ("名录信息", "Registry"),
    "agency.filed": ("已报送的年度报告", "Reports filed"),
    "agency.nothing_filed": ("该机关尚未报送年度报告。", "This agency has not filed a report yet."),
    "agency.year_report": ("{year} 年度报告", "Report on {year}"),
    "agency.versions_of": ("{year} 年度报告的各个版本", "Versions of the report on {year}"),
    "agency.api": ("API", "API"),
    "agency.api_registry": ("名录信息", "registry entry"),
    "agency.api_versions": ("全部版本", "every version"),
    "agency.unknown": ("名录中没有机关“{agency_id}”。", "No agency “{agency_id}” in the registry."),
    "version.version": ("版本", "Version"),
    "version.number": ("第 {version} 版", "version {version}"),
    "version.current": ("现行", "current"),
    "version.received": ("接收时间", "Received"),
    "version.format": ("格式", "Format"),
    "version.actions": ("查看", "See"),
    "version.view": ("统计表", "tables"),
    "version.diff_previous": ("与上一版比较", "compare with the previous version"),
    "time.zone": ("北京时间", "UTC+8"),
    "report.bad_year": (
        "“{year}”不是可查询的年度（2008—2100）。",
        "“{year}” is not a year one can ask for (2008–2100).",
    ),
    "report.none": (
        "机关“{agency_id}”没有报送 {year} 年度报告。",
        "Agency “{agency_id}” has filed no report on {year}.",
    ),
    "report.bad_version": (
        "版本号应为正整数，收到“{version}”。",
        "A version is a positive whole number; got “{version}”.",
    ),
    "report.no_version": (
        "该年度报告没有第 {version} 版。",
        "The report on this year has no version {version}.",
    ),
    "report.not_current": (
        "这是第 {version} 版，不是现行版本（现行为第 {current} 版）。",
        "This is version {version}, not the current one (version {current}).",
    ),
    "report.see_current": ("查看现行版本", "See the current version"),
    "report.format": ("{format} 年版统计表", "the {format} tables"),
    "report.published_on": ("报告发布日期", "Published on"),
    "report.unknown": ("未填", "not given"),
    "report.source": ("报告原文", "Published report"),
    "report.versions": ("各版本：", "Versions:"),
    "report.warnings": ("报送时的提示（{count} 条）", "Warnings given when filed ({count})"),
    "report.warning": ("提示", "Warning"),
    "report.to_cell": ("查看单元格", "see the cell"),
    "report.tables": ("统计表", "The tables"),
    "report.downloads": ("下载", "Downloads"),
    "downloads.what": ("内容", "What"),
    "downloads.kind": ("格式", "Format"),
    "downloads.api": ("API 地址", "API URL"),
    "downloads.note": (
        "以上地址固定指向第 {version} 版，之后报送更正也不会改变其内容。CSV 为 UTF-8 编码；"
        "在 Excel 中打开可在地址后加 &bom=1。",
        "These URLs are pinned to version {version}: a later correction does not change what "
        "they give. CSV is UTF-8; add &bom=1 for Excel.",
    ),
    "downloads.json": ("整份报告（JSON，四张表）", "The whole report (JSON, four tables)"),
    "downloads.zip": (
        "数据包（datapackage.json 与原样报送的四个 CSV）",
        "Data package (datapackage.json and the four CSVs as filed)",
    ),
    "diff.title": (
        "{year} 年度报告：第 {old} 版与第 {new} 版比较",
        "Report on {year}: version {old} against version {new}",
    ),
    "diff.from": ("原版本", "From"),
    "diff.to": ("新版本", "To"),
    "diff.compare": ("比较", "Compare"),
    "diff.count": ("共有 {count} 处不同。", "{count} differences."),
    "diff.none": ("两个版本的数据相同。", "The two versions hold the same data."),
    "diff.formats_differ": (
        "两个版本使用不同格式的统计表（{old} 与 {new}），无法逐格比较。",
        "The two versions use different table formats ({old} and {new}): no cell-by-cell "
        "comparison.",
    ),
    "diff.list": ("不同之处", "Differences"),
    "diff.where": ("位置", "Where"),
    "diff.what": ("项目", "What"),
    "diff.old": ("第 {version} 版", "Version {version}"),
    "diff.new": ("第 {version} 版", "Version {version}"),
    "diff.report_info": ("报告信息", "Report"),
    "diff.blank": ("空白", "blank"),
    "diff.tables": ("第 {new} 版的统计表", "The tables of version {new}"),
    "diff.legend": (
        "有变化的单元格以蓝框标出，显示“原值 → 新值”；"
        "空白（未填报）与 0 不同，由空白改为 0 也算变化。",
        "Changed cells are framed in blue and show “old → new”; a blank (not reported) is not "
        "0, so blank → 0 is a change.",
    ),
    "standard.title": ("数据标准", "The data standard"),
    "standard.lead": (
        "本标准由 gongkai 所带的数据模式（schemas/）生成：表、字段、事项代码和校验规则。",
        "Written from the schemas gongkai carries (schemas/): tables, fields, item codes and "
        "validation rules.",
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
    "cov.unknown": ("是否逾期不详", "Lateness unknown"),
    "cov.unknown_note": (
        "报告未注明发布日期，且是批量导入的，无法判断是否逾期（不视为逾期）",
        "loaded or imported without its publication date: whether it was late cannot be told "
        "(not counted as late)",
    ),
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
    "error.method": ("此页面不接受这种请求。", "This page does not accept that request."),
    "error.server": (
        "服务器处理出错，请稍后再试；问题已记录。",
        "The server failed to answer; please try again later. The error was logged.",
    ),
    "error.too_many": (
        "提交过于频繁，请 {seconds} 秒后再试（校验与报送的次数有上限）。",
        "Too many submissions; please try again in {seconds} s (validation and filing are "
        "limited).",
    ),
    "error.statement_timeout": (
        "数据库未能按时完成查询，请缩小范围或稍后再试。",
        "The database did not answer in time; narrow the request or try again later.",
    ),
    "error.request_timeout": (
        "上传未能按时发送完毕，未保存任何内容，请重试。",
        "The upload stopped arriving in time; nothing was stored. Please try again.",
    ),
    "error.home": ("返回首页", "Back to the home page"),
    # the report tables
    "tables.blank": ("空白（未填报）", "blank (not reported)"),
    "tables.legend": (
        "标红的单元格有错误，标黄的有警告；斜纹底纹的单元格为空白（未填报），不等于 0。",
        "Cells marked red have errors, yellow warnings; hatched cells are blank (not "
        "reported), which is not 0.",
    ),
    "tables.unit": ("金额单位：万元", "Amounts in 万元 (10,000 yuan)"),
    # forms and uploads
    "form.csrf": (
        "表单已失效（安全校验未通过），请刷新页面后重新提交。",
        "The form has expired (security check failed): reload the page and submit again.",
    ),
    "upload.label": ("选择文件", "Choose files"),
    "upload.hint": (
        "报告包 zip、四个 CSV 文件（reports.csv、proactive.csv、applications.csv、"
        "reviews.csv，可多选），或填好的 Excel 模板（.xlsx）",
        "A report package zip, the four CSV files (reports.csv, proactive.csv, "
        "applications.csv, reviews.csv; select several), or the filled Excel template (.xlsx)",
    ),
    "upload.drop": ("也可以把文件拖放到这里。", "You can also drop the files here."),
    "upload.per_table": (
        "CSV 文件名不同？逐个选择四个表",
        "CSV files named differently? Choose each table",
    ),
    "upload.table.reports": ("报告信息", "Report details"),
    "upload.table.proactive": ("表二 主动公开", "Table 2, proactive disclosure"),
    "upload.table.applications": ("表三 依申请公开", "Table 3, applications"),
    "upload.table.reviews": ("表四 复议诉讼", "Table 4, reviews and lawsuits"),
    "upload.no_files": ("请选择要上传的文件。", "Choose the files to upload."),
    "upload.too_large": (
        "上传的文件过大（上限 {limit} 字节）。",
        "The upload is too large (the limit is {limit} bytes).",
    ),
    # 在线校验
    "validate.title": ("在线校验", "Validate a report"),
    "validate.lead": (
        "上传年度报告的统计表，按国家规定的格式和勾稽关系逐项检查。无需登录，"
        "上传的文件不会被保存。",
        "Upload the statistical tables of an annual report: every figure is checked against "
        "the national format and its arithmetic rules. No sign-in; nothing is kept.",
    ),
    "validate.submit": ("校验", "Validate"),
    # a validation result
    "result.title": ("校验结果", "Result"),
    "result.valid": ("通过：没有错误", "Valid: no errors"),
    "result.invalid": ("未通过：有错误", "Invalid: there are errors"),
    "result.counts": (
        "{errors} 个错误，{warnings} 个警告（{format} 格式）",
        "{errors} error(s), {warnings} warning(s) ({format} format)",
    ),
    "result.errors": ("错误", "Errors"),
    "result.others": ("警告和说明（{count} 条）", "Warnings and notes ({count})"),
    "result.tables": ("统计表", "The tables"),
    "result.show_cell": ("查看单元格", "show the cell"),
    "severity.error": ("错误", "Error"),
    "severity.warning": ("警告", "Warning"),
    "severity.info": ("说明", "Note"),
    "report.agency": ("机关", "Agency"),
    "report.year": ("年度", "Year"),
    # 报送
    "file.title": ("报送年度报告", "File an annual report"),
    "file.lead_signed_out": (
        "请用本机关的报送令牌登录。令牌由收集报告的机关发放（gongkai tokens create）。",
        "Sign in with your agency's filing token, issued by the office that collects the "
        "reports (gongkai tokens create).",
    ),
    "file.token": ("报送令牌", "Filing token"),
    "file.token_hint": ("以 gk_ 开头", "starts with gk_"),
    "file.sign_in": ("登录", "Sign in"),
    "file.sign_out": ("退出", "Sign out"),
    "file.signed_out": ("已退出。", "Signed out."),
    "file.sign_in_first": (
        "请先登录，再报送。未报送任何内容。",
        "Sign in first: nothing was filed.",
    ),
    "file.token_missing": ("请输入报送令牌。", "Enter the filing token."),
    "file.token_invalid": ("令牌无效或已被吊销。", "The token is unknown or revoked."),
    "file.signed_in_as": ("已登录：{kind} {scope}", "Signed in: {kind} {scope}"),
    "grant.agency": ("机关令牌", "agency token"),
    "grant.region": ("地区令牌", "region token"),
    "grant.admin": ("管理员令牌", "admin token"),
    "file.agency": ("报送机关", "Agency"),
    "file.no_agencies": (
        "此令牌可报送的机关不在应报告机关名录中，请联系收集报告的机关。",
        "No registered agency is covered by this token: ask the collecting office.",
    ),
    "file.year": ("统计年度", "Statistics year"),
    "file.year_hint": (
        "报告所统计的年度（2024 年度报告于 2025 年发布）",
        "The year the report is about (the report on 2024 is published in 2025)",
    ),
    "file.submit": ("报送", "File"),
    "file.choose": ("请选择报送机关并填写统计年度。", "Choose the agency and the year."),
    "file.forbidden": ("此令牌无权为机关 {agency} 报送。", "This token may not file for {agency}."),
    "file.invalid": (
        "未保存：报告包有 {errors} 个错误，逐条见下方。",
        "Not filed: the package has {errors} error(s), listed below.",
    ),
    "file.path_mismatch": (
        "未保存：reports.csv 填写的是 {said}，与所选的 {chosen} 不一致。",
        "Not filed: reports.csv is for {said}, not for {chosen} as chosen.",
    ),
    "file.registry_mismatch": (
        "未保存：reports.csv 与应报告机关名录不一致（报告 / 名录）：{said}",
        "Not filed: reports.csv does not match the registry (report / registry): {said}",
    ),
    "file.created": ("已报送：保存为第 {version} 版", "Filed: stored as version {version}"),
    "file.unchanged": (
        "与当前第 {version} 版内容相同，未新建版本",
        "Identical to the current version {version}: no new version",
    ),
    "receipt.version": ("版本", "Version"),
    "receipt.received_at": ("接收时间", "Received"),
    "receipt.format": ("格式", "Format"),
    "file.templates": ("下载 Excel 填报模板：", "Download the Excel template:"),
    "file.template_2021": ("2021 格式模板", "2021 format template"),
    "file.template_2019": ("2019 格式模板", "2019 format template"),
}
