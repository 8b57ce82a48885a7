"""Database fixtures shared by tests/store and tests/api: SQLite and PostgreSQL.

PostgreSQL comes from GONGKAI_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432, database
test). Each test run works in a fresh schema that it drops at the end. When no server is
reachable the PostgreSQL cases skip, except when CI=true, where they fail.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gongkai.package import package_files
from gongkai.standard import load_standard
from gongkai.store.db import make_engine, upgrade
from gongkai.store.tables import metadata

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
POSTGRES_URL = os.environ.get(
    "GONGKAI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_engine() -> tuple[Engine, str]:
    schema = f"gk_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any connection failure
        admin.dispose()
        reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    admin.dispose()
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, schema


def postgres_url_with_schema(schema: str) -> str:
    """The URL a separate process (gunicorn) uses to reach the same schema."""
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def session_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "gongkai.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        engine.info_url = f"sqlite:///{path}"  # type: ignore[attr-defined]
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    engine, schema = _postgres_engine()
    engine.info_url = postgres_url_with_schema(schema)  # type: ignore[attr-defined]
    upgrade(engine)
    yield engine
    engine.dispose()
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(session_engine: Engine) -> Iterator[Engine]:
    """A migrated, empty database (tables emptied after each test)."""
    yield session_engine
    with session_engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


# --- packages ---------------------------------------------------------------------------

APPLICANTS = [
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
]


def report_tables(
    agency_id: str,
    year: int,
    *,
    region_code: str,
    level: str = "county",
    scope: str = "agency",
    agency_name: str | None = None,
    seed: int = 0,
    blank_proactive: tuple[str, ...] = (),
    published_on: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """A valid 2021-format report with random, consistent figures (totals add up)."""
    rng = random.Random(f"{agency_id}-{year}-{seed}")
    fmt = load_standard().formats["2021"]
    key = {"agency_id": agency_id, "year": year}
    proactive: dict[str, Any] = dict(key)
    for f in fmt.tables["proactive"].value_fields:
        if f.name in blank_proactive:
            proactive[f.name] = None
        elif f.type == "number":
            proactive[f.name] = Decimal(rng.randint(0, 10**6)) / 100
        else:
            proactive[f.name] = rng.randint(0, 500)
    items = fmt.tables["applications"].item_codes
    results = items[items.index("granted") : items.index("results_total")]
    rows: dict[str, dict[str, int]] = {}
    for item in [*results, "carried_over"]:
        rows[item] = {c: rng.randint(0, 9) for c in APPLICANTS}
    rows["results_total"] = {c: sum(rows[i][c] for i in results) for c in APPLICANTS}
    rows["carried_forward"] = {c: rng.randint(0, 5) for c in APPLICANTS}
    rows["new_received"] = {
        c: rows["results_total"][c] + rows["carried_forward"][c] - rows["carried_over"][c]
        for c in APPLICANTS
    }
    for c in APPLICANTS:  # keep new_received >= 0
        if rows["new_received"][c] < 0:
            rows["carried_forward"][c] -= rows["new_received"][c]
            rows["new_received"][c] = 0
    applications = []
    for item in items:
        row = {**key, "item": item, **rows[item]}
        row["total"] = sum(rows[item].values())
        applications.append(row)
    reviews: dict[str, Any] = dict(key)
    for group in ("review", "suit_direct", "suit_after_review"):
        parts = {p: rng.randint(0, 20) for p in ("upheld", "corrected", "other", "pending")}
        for p, v in parts.items():
            reviews[f"{group}_{p}"] = v
        reviews[f"{group}_total"] = sum(parts.values())
    reports = {
        **key,
        "agency_name": agency_name or f"机关{agency_id}",
        "region_code": region_code,
        "level": level,
        "scope": scope,
        "format": "2021",
        "published_on": published_on,
        "source_url": None,
    }
    return {
        "reports": [reports],
        "proactive": [proactive],
        "applications": applications,
        "reviews": [reviews],
    }


def csv_files(tables: dict[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    """The four CSVs of a package (file name -> bytes), as a multipart upload sends them."""
    files = package_files(tables, "2021", name="upload")
    return {n: c for n, c in files.items() if n.endswith(".csv")}


def registry_row(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    r = tables["reports"][0]
    return {k: r[k] for k in ("agency_id", "agency_name", "region_code", "level", "scope")}


def zip_folder(folder: Path) -> bytes:
    """A package folder as zip bytes (members under the folder's name)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
