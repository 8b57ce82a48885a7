"""/export → `gongkai load` round-trips: the same figures, and loading again files nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from gongkai.store.tables import metadata
from tests.cli.loading import load, register, reports, write_collection


def _tables(client: FlaskClient) -> dict[str, bytes]:
    response = client.get("/api/v1/export?year=2024")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.endswith(".csv")}


@pytest.mark.parametrize("row_engine_below", [1, 10**6], ids=["columns", "rows"])
def test_an_export_loads_into_a_fresh_database_as_the_same_reports(
    engine: Engine,
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    row_engine_below: int,
) -> None:
    monkeypatch.setattr("gongkai.bulkload.ROW_ENGINE_BELOW", row_engine_below)
    each = reports(5, seed=3)
    register(engine, each)
    assert load(engine, str(write_collection(tmp_path / "given", each))).exit_code == 0
    exported = _tables(client)
    download = tmp_path / "export.zip"
    download.write_bytes(client.get("/api/v1/export?year=2024").data)
    with engine.begin() as conn:  # a fresh database: nothing but the registry
        for table in reversed(metadata.sorted_tables):
            if table.name != "agencies":
                conn.execute(table.delete())
    first = load(engine, str(download))
    assert (first.exit_code, first.stdout) == (0, "5 filed, 0 already filed, 0 skipped\n")
    assert _tables(client) == exported
    again = load(engine, str(download))
    assert again.stdout == "0 filed, 5 already filed, 0 skipped\n"
