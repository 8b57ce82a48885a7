"""schemathesis against the served OpenAPI document: every operation, bounded derandomized
examples, on SQLite with the registry of examples/ and the packages of datasets/ filed.

No response may be a server error, and every response must be what the document says:
a documented status, a documented content type, a body matching its schema, the headers.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gongkai.api import create_app
from gongkai.api.workbook import XLSX_TYPE
from gongkai.package import read_package
from gongkai.settings import Settings
from gongkai.store.db import make_engine, upgrade
from gongkai.store.filings import file_report, new_filing
from gongkai.store.registry import load_agencies
from gongkai.validation import validate

ROOT = Path(__file__).resolve().parents[2]


# The app is made at import (schemathesis reads the document when the module loads; the
# document needs no database) and its database filled once before the first case runs.
DATABASE = Path(tempfile.mkdtemp(prefix="gongkai-conformance-")) / "gongkai.sqlite3"
ENGINE = make_engine(f"sqlite:///{DATABASE}")
UNLIMITED = "100000 per minute"  # every generated upload reaches validation, none a 429
APP = create_app(
    Settings(
        database_url=str(ENGINE.url),
        page_max=50,
        max_upload_bytes=200_000,
        ratelimit_filing=UNLIMITED,
        ratelimit_validation=UNLIMITED,
    ),
    ENGINE,
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@schemathesis.serializer("application/zip", XLSX_TYPE)
def _as_bytes(ctx: object, value: object) -> bytes:
    """A filing body (binary in the document) as generated: bytes sent as they are."""
    if isinstance(value, bytes):
        return value
    data = getattr(value, "data", None)  # schemathesis' Binary
    return data if isinstance(data, bytes) else str(value).encode()


@pytest.fixture(scope="module", autouse=True)
def filed() -> Iterator[None]:
    upgrade(ENGINE)
    with (ROOT / "examples" / "agencies.csv").open(encoding="utf-8") as f:
        load_agencies(ENGINE, csv.DictReader(f))
    for folder in sorted((ROOT / "datasets").iterdir()):
        result = validate(read_package(folder))
        assert result.valid, folder
        file_report(ENGINE, new_filing(result))
    yield
    ENGINE.dispose()
    shutil.rmtree(DATABASE.parent)


# What the document promises. Not positive_data_acceptance: a schema cannot say which page
# tokens, item codes of a table or argument combinations exist; those are documented 400s.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.allow_header_conformance,
]


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_response_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
