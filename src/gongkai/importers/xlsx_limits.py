"""What a workbook costs, read from its zip before any spreadsheet library parses it.

An .xlsx is zipped XML: 4 MB of empty styled cells unpack to millions of `<c>` elements,
which a full parse turns into a gigabyte of cell objects. Counting elements in the raw XML
is cheap and bounded (the archive's unpacked size is checked first), so a workbook is
refused on its declared dimension or its number of cells, shared strings or styles before
openpyxl sees it. The template gongkai writes holds about 500 cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from openpyxl.utils import range_boundaries

from gongkai.importers.files import ImportFailure

MAX_CELLS = 100_000  # cell elements in all sheets, styled or not
MAX_DIMENSION_ROWS = 10_000
MAX_DIMENSION_COLUMNS = 1_000
MAX_SHARED_STRINGS = 100_000
MAX_STYLES = 65_000  # Excel's own limit on cell formats is 64,000
CHUNK = 1024 * 1024
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*ref="([A-Za-z0-9:$]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Za-z0-9:$]+)"')
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")
_STYLE = re.compile(rb"<(?:\w+:)?xf[\s/>]")


def _refused(name: str, zh: str, en: str) -> ImportFailure:
    return ImportFailure(f"{name}：{zh}，未读取", f"{name}: {en}; not read")


def _extent(ref: bytes) -> tuple[int, int]:
    """(rows, columns) a dimension or range reference spans."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii").replace("$", ""))
    return (max_row or 1) - (min_row or 1) + 1, (max_col or 1) - (min_col or 1) + 1


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's XML in pieces that each end before a `<`: no element is cut in two, and a
    sheet of millions of cells is never held whole."""
    carry = b""
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


def _refuse_cells(name: str) -> ImportFailure:
    return _refused(
        name,
        f"单元格过多（超过 {MAX_CELLS} 个，含空白但有格式的单元格）",
        f"too many cells (more than {MAX_CELLS}, counting empty styled cells)",
    )


def _check_dimension(name: str, ref: bytes) -> None:
    try:
        rows, columns = _extent(ref)
    except (ValueError, TypeError):
        return  # openpyxl recomputes a malformed dimension
    if rows > MAX_DIMENSION_ROWS or columns > MAX_DIMENSION_COLUMNS:
        raise _refused(
            name,
            f"工作表范围过大（{rows} 行 × {columns} 列，上限 "
            f"{MAX_DIMENSION_ROWS} 行 × {MAX_DIMENSION_COLUMNS} 列）",
            f"a sheet spans too much ({rows} rows × {columns} columns, the "
            f"limit is {MAX_DIMENSION_ROWS} × {MAX_DIMENSION_COLUMNS})",
        )


def _count(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes], limit: int
) -> int:
    """Elements matching `pattern`, counted until past `limit`."""
    count = 0
    for chunk in _chunks(archive, info):
        count += sum(1 for _ in pattern.finditer(chunk))
        if count > limit:
            break
    return count


def check_workbook(data: bytes, name: str) -> dict[str, list[tuple[int, int, int, int]]]:
    """Refuse a workbook too large to read; return each worksheet's merged ranges (by its
    path in the archive) as (min_col, min_row, max_col, max_row), which read-only mode of
    openpyxl does not give."""
    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    cells = 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return merged  # not a zip at all: the reader reports it unreadable
    with archive:
        for info in archive.infolist():
            path = info.filename
            if path.startswith("xl/worksheets/") and path.endswith(".xml"):
                ranges = []
                for chunk in _chunks(archive, info):
                    if dimension := _DIMENSION.search(chunk):
                        _check_dimension(name, dimension.group(1))
                    for _ in _CELL.finditer(chunk):
                        cells += 1
                        if cells > MAX_CELLS:
                            raise _refuse_cells(name)
                    for ref in _MERGE.findall(chunk):
                        try:
                            ranges.append(range_boundaries(ref.decode("ascii").replace("$", "")))
                        except (ValueError, TypeError):
                            continue
                merged[path] = [r for r in ranges if None not in r]
            elif path == "xl/sharedStrings.xml":
                count = _count(archive, info, _SHARED_STRING, MAX_SHARED_STRINGS)
                if count > MAX_SHARED_STRINGS:
                    raise _refused(
                        name,
                        f"共享字符串过多（超过 {MAX_SHARED_STRINGS} 个）",
                        f"too many shared strings (more than {MAX_SHARED_STRINGS})",
                    )
            elif path == "xl/styles.xml":
                count = _count(archive, info, _STYLE, MAX_STYLES)
                if count > MAX_STYLES:
                    raise _refused(
                        name,
                        f"单元格格式过多（超过 {MAX_STYLES} 个）",
                        f"too many cell formats (more than {MAX_STYLES})",
                    )
    return merged
