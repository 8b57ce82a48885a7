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
    "error.method": ("此页面不接受这种请求。", "This page does not accept that request."),
    "error.server": (
        "服务器处理出错，请稍后再试；问题已记录。",
        "The server failed to answer; please try again later. The error was logged.",
    ),
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
