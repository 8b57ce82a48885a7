"""Hostile and careless inputs, built from a real package: damaged zips, descriptors that are
JSON but not a descriptor, and the like. The API tests, the CLI tests, the fuzzers and
bench/hostile_cost.py all send these."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "datasets" / "huaian-city-2024"
AGENCY_ID, YEAR = "320800-huaian-government", 2024


def package_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(PACKAGE.iterdir()) if p.is_file()}


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_headers(data: bytes, patch: Callable[[bytearray, int, int], None]) -> bytes:
    """Apply `patch(buffer, header offset, offset of the flag field)` to every local and
    central header: a reader trusts either."""
    buffer = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := buffer.find(signature, start)) != -1:
            patch(buffer, at, at + flag_at)
            start = at + 4
    return bytes(buffer)


def zip_bad_crc() -> bytes:
    """A stored member with one byte changed: only reading it finds the CRC wrong."""
    data = bytearray(zip_of(package_files(), zipfile.ZIP_STORED))
    at = data.find(b"agency_id")
    data[at] = ord("A")
    return bytes(data)


def zip_bad_deflate() -> bytes:
    """Deflate data overwritten in the middle of every member."""
    data = bytearray(zip_of(package_files()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        for info in archive.infolist():
            name_len, extra_len = struct.unpack(
                "<HH", data[info.header_offset + 26 : info.header_offset + 30]
            )
            body = info.header_offset + 30 + name_len + extra_len
            middle = body + info.compress_size // 2
            data[middle : middle + 4] = b"\xff\xff\xff\xff"
    return bytes(data)


def zip_encrypted_flag() -> bytes:
    def flag(buffer: bytearray, _at: int, flag_at: int) -> None:
        buffer[flag_at] |= 0x01

    return _patch_headers(zip_of(package_files()), flag)


def zip_unknown_method() -> bytes:
    def method(buffer: bytearray, _at: int, flag_at: int) -> None:
        buffer[flag_at + 2 : flag_at + 4] = struct.pack("<H", 99)

    return _patch_headers(zip_of(package_files()), method)


def with_descriptor(descriptor_text: str) -> dict[str, bytes]:
    files = package_files()
    files["datapackage.json"] = descriptor_text.encode()
    return files


def descriptor_encoding_not_a_string() -> dict[str, bytes]:
    descriptor = json.loads(package_files()["datapackage.json"])
    descriptor["resources"][0]["encoding"] = 8
    return with_descriptor(json.dumps(descriptor))


def descriptor_list_as_resource_name() -> dict[str, bytes]:
    descriptor = json.loads(package_files()["datapackage.json"])
    descriptor["resources"][0]["name"] = ["reports"]
    return with_descriptor(json.dumps(descriptor))


def descriptor_nested_deep() -> dict[str, bytes]:
    return with_descriptor('{"resources": [], "x": ' + "[" * 5000 + "]" * 5000 + "}")


def descriptor_long_integer() -> dict[str, bytes]:
    return with_descriptor('{"resources": [], "x": ' + "9" * 5000 + "}")


def descriptor_lone_surrogate() -> dict[str, bytes]:
    """A title with half a surrogate pair: json reads it, UTF-8 cannot hold it."""
    descriptor = json.loads(package_files()["datapackage.json"])
    descriptor["title"] = "\ud800" + descriptor.get("title", "")
    return with_descriptor(json.dumps(descriptor))


DAMAGED_ZIPS: dict[str, Callable[[], bytes]] = {
    "bad-crc": zip_bad_crc,
    "bad-deflate": zip_bad_deflate,
    "encrypted-flag": zip_encrypted_flag,
    "unknown-method": zip_unknown_method,
}
BAD_DESCRIPTORS: dict[str, Callable[[], dict[str, bytes]]] = {
    "encoding-not-a-string": descriptor_encoding_not_a_string,
    "list-as-resource-name": descriptor_list_as_resource_name,
    "nested-5000-deep": descriptor_nested_deep,
    "integer-of-5000-digits": descriptor_long_integer,
    "lone-surrogate": descriptor_lone_surrogate,
}


def template_workbook() -> bytes:
    from gongkai.template import build_workbook

    buffer = io.BytesIO()
    build_workbook("2021").save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(workbook: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its first worksheet's XML changed."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = change(data)
            target.writestr(info, data)
    return buffer.getvalue()


def workbook_of_styled_blank_cells(rows: int = 20_000, columns: int = 26) -> bytes:
    """The template with rows of empty cells that carry a style: megabytes of XML that
    zip to little and that a full parse turns into millions of cell objects."""
    letters = [chr(ord("A") + i) for i in range(columns)]
    blank_rows = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="%s%d" s="1"/>' % (c.encode(), r) for c in letters)
        + b"</row>"
        for r in range(100, 100 + rows)
    )
    return _rewrite_sheet(
        template_workbook(), lambda xml: xml.replace(b"</sheetData>", blank_rows + b"</sheetData>")
    )


def workbook_with_a_missing_style() -> bytes:
    """A cell naming style 999 of a workbook that has a few dozen."""
    return _rewrite_sheet(
        template_workbook(), lambda xml: re.sub(rb' s="\d+"', b' s="999"', xml, count=3)
    )


def workbook_with_a_huge_dimension() -> bytes:
    return _rewrite_sheet(
        template_workbook(),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml),
    )


HOSTILE_WORKBOOKS: dict[str, Callable[[], bytes]] = {
    "styled-blank-cells": workbook_of_styled_blank_cells,
    "missing-style": workbook_with_a_missing_style,
    "huge-dimension": workbook_with_a_huge_dimension,
}


def package_of_many_reports(count: int = 25_000) -> dict[str, bytes]:
    """reports.csv naming `count` agencies: what a filing of one report must refuse before
    validating (the other tables are the one report's)."""
    files = package_files()
    header, row = files["reports.csv"].decode("utf-8").splitlines()[:2]
    rows = [row.replace(AGENCY_ID, f"320800-agency-{n}") for n in range(count - 1)]
    files["reports.csv"] = "\n".join([header, row, *rows, ""]).encode("utf-8")
    return files
