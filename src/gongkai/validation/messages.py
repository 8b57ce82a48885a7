"""Messages in Chinese and English, from one catalogue keyed by the stable issue code.

The people who file these reports read Chinese, so Chinese is the default. Each message
says where (file, row, item, column) and, for arithmetic rules, what was expected and found.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from gongkai.standard import FORMATS, find_field, load_standard

if TYPE_CHECKING:
    from gongkai.validation.issues import Issue

# code -> (Chinese, English). Placeholders: where, expected, found, note, cells, rule, code.
CATALOGUE: dict[str, tuple[str, str]] = {
    "t3-row-total": (
        "{where}：总计为 {found}，但六类申请人之和为 {expected}",
        "{where}: total is {found} but the six applicant columns add up to {expected}",
    ),
    "t3-results-total": (
        "{where}：（七）总计为 {found}，但（一）至（六）各项办理结果之和为 {expected}",
        "{where}: results_total is {found} but the result rows add up to {expected}",
    ),
    "t3-balance": (
        "{where}：办理结果总计加结转下年度为 {found}，但本年新收加上年结转为 {expected}"
        "（第一项加第二项之和应等于第三项加第四项之和）",
        "{where}: results_total + carried_forward is {found} but new_received + carried_over "
        "is {expected}",
    ),
    "t4-total": (
        "{where}：总计为 {found}，但结果维持、结果纠正、其他结果、尚未审结之和为 {expected}",
        "{where}: total is {found} but upheld + corrected + other + pending is {expected}",
    ),
    "carryover-continuity": (
        "{where}：上年结转为 {found}，但上一年度报告的结转下年度继续办理为 {expected}",
        "{where}: carried_over is {found} but last year's carried_forward is {expected}",
    ),
    "in-force-continuity": (
        "{where}：现行有效件数为 {found}，但上一年度现行有效件数加本年制发减本年废止为 {expected}",
        "{where}: in force is {found} but last year's in force + issued − repealed is {expected}",
    ),
    "agency-id-checksum": (
        "{where}：统一社会信用代码 {found} 的校验位不对，按 GB 32100 应为 {expected}",
        "{where}: the check character of {found} is wrong; by GB 32100 it should be {expected}",
    ),
    "table-shape": ("{where}：{note}", "{where}: {note}"),
    "regulations-authority": (
        "{where}：乡镇（街道）不能制定规章，此处应为 0 或空白，实为 {found}",
        "{where}: a township cannot make 规章; expected 0 or blank, found {found}",
    ),
    "late-publication": (
        "{where}：发布日期 {found} 晚于法定期限 {expected}",
        "{where}: published on {found}, after the deadline {expected}",
    ),
    "format-year": (
        "{where}：该年度的报告应使用 {expected} 格式，实为 {found} 格式",
        "{where}: a report on this year should use the {expected} format, found {found}",
    ),
    "incomplete": (
        "{where}：有空白（未填报）单元格，规则 {rule} 无法检查：{cells}",
        "{where}: rule {rule} cannot be checked because these cells are blank (not reported): "
        "{cells}",
    ),
    "descriptor-schema": ("{where}：{note}", "{where}: {note}"),
    "format-deviation": ("{where}：印制的表格与格式不符：{note}", "{where}: {note}"),
    "narrative-mismatch": ("{where}：正文与表格不一致：{note}", "{where}: {note}"),
    "type-error": (
        "{where}：“{found}” 不是{expected}{note}",
        "{where}: “{found}” is not {expected}{note}",
    ),
    "constraint-error": (
        "{where}：“{found}” 不符合要求：{expected}",
        "{where}: “{found}” breaks the constraint: {expected}",
    ),
    "missing-cell": ("{where}：缺少单元格（这一行的列数少于表头）", "{where}: the cell is missing"),
    "extra-cell": (
        "{where}：多出的单元格 “{found}”（这一行的列数多于表头）",
        "{where}: extra cell “{found}”",
    ),
    "incorrect-label": (
        "{where}：表头应为 “{expected}”，实为 “{found}”",
        "{where}: the header should be “{expected}”, found “{found}”",
    ),
    "missing-label": ("{where}：缺少列 “{expected}”", "{where}: column “{expected}” is missing"),
    "extra-label": ("{where}：多出的列 “{found}”", "{where}: unexpected column “{found}”"),
    "duplicate-label": ("{where}：列名 “{found}” 重复", "{where}: column “{found}” appears twice"),
    "blank-label": ("{where}：列名为空", "{where}: a column has no header"),
    "blank-row": ("{where}：空行", "{where}: blank row"),
    "primary-key": (
        "{where}：与前面的行重复（{note}）",
        "{where}: duplicates an earlier row ({note})",
    ),
    "foreign-key": (
        "{where}：agency_id 和 year 在 reports.csv 中找不到",
        "{where}: agency_id and year are not in reports.csv",
    ),
    "encoding-mismatch": (
        "{where}：datapackage.json 声明编码为 {expected}，文件实为 {found}。"
        "本工具已按 {found} 读取，其他按声明读取的工具（如 frictionless）会读错；"
        "请改正声明或以 {expected} 重新保存",
        "{where}: datapackage.json declares {expected} but the file is {found}; gongkai read it "
        "as {found}, tools that trust the declaration (frictionless) will not: fix the "
        "declaration or save the file as {expected}",
    ),
    "nothing-reported": (
        "{where}：表二、表三、表四的数字全部为空。空白表示未填报，不等于 0："
        "什么也没有填报的报告不能作为报送；请填写实际数字（没有发生的事项填 0）",
        "{where}: every figure of 表二, 表三 and 表四 is blank. Blank means not reported, never "
        "0: a report that reports nothing is not a filing; enter the figures (0 where nothing "
        "happened)",
    ),
    "encoding-error": (
        "{where}：无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030、UTF-16）",
        "{where}: unknown encoding (UTF-8, UTF-8 with BOM, GB18030 and UTF-16 are read)",
    ),
}
_FALLBACK = ("{where}：{code}：{note}", "{where}: {code}: {note}")

_TYPES = {
    "integer": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "date": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "string": ("文本", "text"),
}


def _item_label(item: str) -> str | None:
    for fmt in FORMATS:
        if found := load_standard().format(fmt).table("applications").item(item):
            return found.label
    return None


def where(issue: Issue, lang: str) -> str:
    zh = lang == "zh"
    parts: list[str] = []
    if issue.resource:
        parts.append(f"{issue.resource}.csv")
    if issue.row is not None:
        parts.append(f"第{issue.row}行" if zh else f"row {issue.row}")
    if issue.item:
        label = _item_label(issue.item) if zh else None
        parts.append(f"事项 {issue.item}（{label}）" if label else f"item {issue.item}")
    if issue.field:
        spec = find_field(issue.resource or "", issue.field) if zh else None
        title = spec.title if spec else None
        parts.append(f"列 {issue.field}（{title}）" if title else f"column {issue.field}")
    if not parts:
        return "报告包" if zh else "package"
    return ("，" if zh else ", ").join(parts)


def _expected(issue: Issue, lang: str) -> Any:
    if issue.code == "type-error" and issue.expected in _TYPES:
        return _TYPES[issue.expected][0 if lang == "zh" else 1]
    if issue.code == "constraint-error" and isinstance(issue.expected, str):
        if lang == "zh" and issue.expected.startswith("pattern "):
            # a regular expression means little to the people filing: say what is meant
            spec = find_field(issue.resource or "", issue.field or "")
            if spec and spec.description:
                return f"应为{spec.description}"
        return _constraint_text(issue.expected, lang)
    return issue.expected


def _constraint_text(constraint: str, lang: str) -> str:
    match = re.match(r"(\w+) (.*)", constraint)
    if not match:
        return constraint
    name, value = match.groups()
    zh = {
        "minimum": f"不能小于 {value}",
        "maximum": f"不能大于 {value}",
        "required": "不能为空",
        "enum": f"应为以下之一：{value}",
        "pattern": f"格式应为 {value}",
        "minLength": f"至少 {value} 个字符",
        "decimals": f"最多 {value} 位小数",
    }
    en = {
        "minimum": f"must not be less than {value}",
        "maximum": f"must not be more than {value}",
        "required": "must not be blank",
        "enum": f"must be one of: {value}",
        "pattern": f"must match {value}",
        "minLength": f"at least {value} characters",
        "decimals": f"at most {value} decimals",
    }
    return (zh if lang == "zh" else en).get(name, constraint)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(value: Any) -> Any:
    """A found value as a message shows it: control characters escaped (\\x1b, not an
    escape sequence a terminal would run), a long cell cut."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return text if len(text) <= 200 else text[:200] + "…"


def render(issue: Issue, lang: str = "zh") -> str:
    zh, en = CATALOGUE.get(issue.code, _FALLBACK)
    note = issue.note if lang == "zh" else (issue.note_en or issue.note)
    if issue.code == "type-error":
        note = f"（{note}）" if note and lang == "zh" else (f" ({note})" if note else "")
    return (zh if lang == "zh" else en).format(
        where=where(issue, lang),
        expected=_expected(issue, lang),
        found=_shown(issue.found),
        note=note or "",
        cells=("、" if lang == "zh" else ", ").join(issue.cells),
        rule=issue.rule,
        code=issue.code,
    )
