"""The downloads of one filed version, each with the API URL that serves it (pinned to the
version, so the link keeps giving the same bytes after a correction)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from gongkai.standard import TABLE_NAMES, load_standard
from gongkai.web.catalogue import STRINGS

# Where the API is mounted (gongkai.api.app.PREFIX; the pages do not import the API).
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Download:
    kind: str  # CSV, JSON or ZIP
    title_zh: str
    title_en: str
    path: str  # the API path with its query


def report_path(agency_id: str, year: int) -> str:
    return f"{API_PREFIX}/agencies/{quote(agency_id, safe='')}/reports/{year}"


def report_downloads(agency_id: str, year: int, version: int, fmt: str) -> list[Download]:
    base = report_path(agency_id, year)
    pinned = f"?version={version}"
    tables = load_standard().format(fmt).tables
    csvs = [
        Download("CSV", tables[name].title, f"{name}.csv", f"{base}/{name}.csv{pinned}")
        for name in TABLE_NAMES
    ]
    return [
        *csvs,
        Download("JSON", *STRINGS["downloads.json"], base + pinned),
        Download("ZIP", *STRINGS["downloads.zip"], f"{base}/datapackage.zip{pinned}"),
    ]
