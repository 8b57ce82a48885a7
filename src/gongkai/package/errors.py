"""Why a package could not be read at all (as opposed to being read and found invalid)."""

from __future__ import annotations

# code: (HTTP status an API should answer with, Chinese text, English text)
_MESSAGES: dict[str, tuple[int, str, str]] = {
    "not-found": (404, "找不到：{path}", "not found: {path}"),
    "not-a-package": (
        415,
        "{path} 不是报告包：应为含 datapackage.json 或 reports.csv 等四个 CSV 文件的文件夹、"
        "datapackage.json 或其 zip 压缩包",
        "{path} is not a report package: expected a folder with datapackage.json or the four CSV "
        "files (reports.csv, …), a datapackage.json, or a zip of one",
    ),
    "unsafe-path": (
        422,
        "{path} 含不安全的路径 “{detail}”（绝对路径、“..” 或网址），已拒绝",
        "{path} contains the unsafe path “{detail}” (absolute, “..” or a URL): refused",
    ),
    "too-large": (
        413,
        "{path} 过大（{detail}），已拒绝；上限为 {limit} 字节",
        "{path} is too large ({detail}): refused; the limit is {limit} bytes",
    ),
    "zip-bomb": (
        413,
        "{path} 解压后过大或压缩比异常（{detail}），疑为压缩炸弹，已拒绝",
        "{path} expands too much ({detail}): refused as a likely zip bomb",
    ),
    "not-a-file": (
        415,
        "{path} 不是普通文件（设备、管道或套接字），未读取",
        "{path} is not a regular file (a device, a pipe or a socket): not read",
    ),
    "unreadable": (
        422,
        "{path} 无法读取：{detail}",
        "{path} cannot be read: {detail}",
    ),
    "several-reports": (
        422,
        "{path} 的 reports.csv 有 {detail} 行报告；"
        "报送只接受一份报告（一个机关的一个年度），未校验",
        "the reports.csv of {path} has {detail} report rows; a filing is one report (one agency, "
        "one year): not validated",
    ),
    "bad-zip": (
        400,
        "{path} 不是有效的 zip 文件：{detail}",
        "{path} is not a valid zip file: {detail}",
    ),
    "bad-descriptor": (
        422,
        "{path} 的 datapackage.json 无法读取：{detail}",
        "the datapackage.json of {path} cannot be read: {detail}",
    ),
}


class PackageError(Exception):
    """The input cannot be read as a report package at all."""

    def __init__(self, code: str, path: str, detail: str = "", limit: int | None = None):
        self.code = code
        self.path = path
        self.detail = detail
        self.limit = limit
        super().__init__(self.message("en"))

    @property
    def status(self) -> int:
        return _MESSAGES[self.code][0]

    def message(self, lang: str = "zh") -> str:
        _, zh, en = _MESSAGES[self.code]
        template = zh if lang == "zh" else en
        return template.format(path=self.path, detail=self.detail, limit=self.limit)
