"""A Hypothesis fuzzer of package bytes: zips, CSV text, descriptors and workbooks, mutated
from a real package and the template, sent to POST /api/v1/validate and `gongkai validate`.

Whatever the bytes, the answer is a verdict or a 4xx problem with message_zh (API), exit 0,
1 or 2 without a traceback (CLI): never a server error. Bounded: derandomized, a modest
number of examples per strategy, so CI runs it every time. An input that once broke this is
kept in tests/fuzz/found/ and replayed by the last test.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from gongkai.api import create_app
from gongkai.cli import main
from gongkai.settings import Settings
from gongkai.store.db import make_engine, upgrade
from tests import hostile

FOUND = Path(__file__).resolve().parent / "found"
URL = "/api/v1/validate"
EXAMPLES = 100
FUZZ = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# what the runs of this module sent and what came back, for docs/hardening.md
TALLY: dict[str, int] = {"requests": 0, "server_errors": 0, "cli_runs": 0, "tracebacks": 0}


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    """GONGKAI_FUZZ_TALLY=<file>: write what the run sent and got (bench/hardening_counts.py)."""
    yield
    if target := os.environ.get("GONGKAI_FUZZ_TALLY"):
        Path(target).write_text(json.dumps(TALLY), encoding="utf-8")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    path = tmp_path_factory.mktemp("fuzz") / "gongkai.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    app: Flask = create_app(
        Settings(database_url=str(engine.url), max_upload_bytes=2_000_000), engine
    )
    app.testing = False  # errors through the handler, as in production
    yield app.test_client()
    engine.dispose()


def _check(response: TestResponse) -> None:
    TALLY["requests"] += 1
    if response.status_code >= 500:
        TALLY["server_errors"] += 1
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.json and response.json["message_zh"]
    else:
        assert response.status_code == 200 and isinstance(response.json["valid"], bool)


def _post_zip(client: FlaskClient, data: bytes) -> None:
    _check(client.post(URL, data=data, content_type="application/zip"))


def _post_files(client: FlaskClient, files: dict[str, bytes]) -> None:
    fields = {name: FileStorage(io.BytesIO(data), name) for name, data in files.items()}
    boundary, body = encode_multipart(fields)  # in memory: no temporary file left open
    _check(client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"))


def _cli(tmp: Path, data: bytes, name: str) -> None:
    path = tmp / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", str(path), "--lang", "en"])
    TALLY["cli_runs"] = TALLY.get("cli_runs", 0) + 1
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        TALLY["tracebacks"] += 1
    assert result.exit_code in (0, 1, 2), result.output
    assert not (result.exception and not isinstance(result.exception, SystemExit)), repr(
        result.exception
    )


# --- strategies -------------------------------------------------------------------------

VALID_ZIP = hostile.zip_of(hostile.package_files())
STORED_ZIP = hostile.zip_of(hostile.package_files(), zipfile.ZIP_STORED)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few bytes overwritten, a slice cut out or inserted, or truncated."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del out[at:]
    return bytes(out)


CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e15",
            "Infinity",
            "NaN",
            "9" * 30,
            "=1+1",
            "@x",
            "\x00",
            '"',
            "a,b",
            "１２",
            "2024",
            "320800-huaian-government",
            "granted",
            "results_total",
        ]
    ),
    st.text(max_size=12),
    st.integers(-(2**70), 2**70).map(str),
)


@st.composite
def csv_table(draw: st.DrawFn, real: bytes) -> bytes:
    """A table with its real header and rows of drawn cells, in one of the encodings."""
    header = real.decode("utf-8").splitlines()[0]
    width = header.count(",") + 1
    rows = draw(st.lists(st.lists(CELL, min_size=width - 1, max_size=width + 1), max_size=6))
    text = "\n".join([header, *(",".join(r) for r in rows)]) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(encoding, "replace")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def descriptor(draw: st.DrawFn) -> bytes:
    """The real descriptor with values replaced by drawn JSON, or drawn JSON altogether."""
    real = json.loads(hostile.package_files()["datapackage.json"])
    if draw(st.booleans()):
        return json.dumps(draw(JSON_VALUE)).encode()
    resource = draw(st.integers(0, len(real["resources"]) - 1))
    key = draw(st.sampled_from(["name", "path", "encoding", "schema", "format", "dialect"]))
    real["resources"][resource][key] = draw(JSON_VALUE)
    if draw(st.booleans()):
        real[draw(st.sampled_from(["resources", "name", "profile"]))] = draw(JSON_VALUE)
    return json.dumps(real).encode()


def _workbook_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(hostile.template_workbook())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


WORKBOOK_PARTS = _workbook_parts()


@st.composite
def workbook(draw: st.DrawFn) -> bytes:
    """The template with one of its XML parts mutated, rezipped (a byte mutation of the zip
    itself is what the zip fuzzer does)."""
    parts = dict(WORKBOOK_PARTS)
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(mutated(parts[name]))
    return hostile.zip_of(parts)


# --- properties -------------------------------------------------------------------------


@FUZZ
@given(data=st.one_of(mutated(VALID_ZIP), mutated(STORED_ZIP)))
def test_zip_bytes(
    client: FlaskClient, data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _post_zip(client, data)
    _cli(tmp_path_factory.mktemp("zip"), data, "package.zip")


@FUZZ
@given(
    table=st.sampled_from(["reports", "proactive", "applications", "reviews"]),
    content=st.data(),
)
def test_csv_text(client: FlaskClient, table: str, content: st.DataObject) -> None:
    files = hostile.package_files()
    files[f"{table}.csv"] = content.draw(csv_table(files[f"{table}.csv"]))
    del files["datapackage.json"]
    _post_files(client, files)
    _post_zip(client, hostile.zip_of(files))


@FUZZ
@given(data=descriptor())
def test_descriptor(
    client: FlaskClient, data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    files = hostile.package_files()
    files["datapackage.json"] = data
    _post_zip(client, hostile.zip_of(files))
    folder = tmp_path_factory.mktemp("descriptor")
    for name, content in files.items():
        (folder / name).write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(folder), "--lang", "en"])
    TALLY["cli_runs"] = TALLY.get("cli_runs", 0) + 1
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        TALLY["tracebacks"] += 1
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@FUZZ
@given(data=st.one_of(workbook(), mutated(hostile.template_workbook())))
def test_workbook_bytes(client: FlaskClient, data: bytes) -> None:
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "report.xlsx")})
    _check(client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"))


def test_inputs_the_fuzzer_found_still_answer(client: FlaskClient) -> None:
    """Each file was an input that once gave a server error or a traceback."""
    found = sorted(FOUND.iterdir())
    assert found, "the fuzzer's findings are kept"
    for path in found:
        if path.suffix == ".md":
            continue
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), path.name)})
            _check(
                client.post(
                    URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
                )
            )
        else:
            _post_zip(client, data)
