"""A datapackage.json is read as json.loads reads it, though mostly by orjson."""

from __future__ import annotations

import json

import pytest

from gongkai.package.errors import PackageError
from gongkai.package.reader import _loads, _parse_descriptor

SAME = [
    b'{"resources": [], "a": 1, "a": 2}',  # the last of a repeated key
    b'\xef\xbb\xbf{"resources": [{"name": "reports"}]}',  # a byte-order mark
    b'{"n": 12345678901234567890123, "m": -9223372036854775809}',  # past 64 bits
    b'{"x": 1e400, "y": NaN, "z": -Infinity}',  # json reads them, orjson not
    b'{"s": "\\ud800", "t": "\\u00e9", "f": [1.5e3, -0.0, 0.1]}',  # a lone surrogate
]


@pytest.mark.parametrize("data", SAME)
def test_json_is_read_as_json_loads_reads_it(data: bytes) -> None:
    expected = json.loads(data.decode("utf-8-sig"))
    found = _loads(data)
    assert json.dumps(found) == json.dumps(expected)
    assert type(found) is type(expected)


@pytest.mark.parametrize("fmt", ["2021"])
def test_a_written_descriptor_is_read_alike(fmt: str) -> None:
    from gongkai.package.descriptor_text import DescriptorText
    from gongkai.package.writer import descriptor

    raw = DescriptorText()(descriptor(fmt, name="agency-2024", title="某机关 2024"))
    assert _loads(raw) == json.loads(raw.decode("utf-8"))


@pytest.mark.parametrize(
    "data", [b'{"a": 1,}', b"\xff{}", b'{"a": "\x01"}', b"1" * 5000, b"[1]", b""]
)
def test_bad_json_is_refused_with_json_s_own_words(data: bytes) -> None:
    with pytest.raises(PackageError) as raised:
        _parse_descriptor(data, "here")
    try:
        json.loads(data.decode("utf-8-sig"))
        detail = "expected an object with a resources list"
    except ValueError as exc:
        detail = str(exc)
    assert raised.value.code == "bad-descriptor"
    assert detail in str(raised.value)


def test_json_nested_thousands_deep_is_refused() -> None:
    with pytest.raises(PackageError) as raised:
        _parse_descriptor(b"[" * 5000 + b"]" * 5000, "here")
    assert raised.value.code == "bad-descriptor"
    assert "nested too deep" in str(raised.value)


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "x\\udbff"])
def test_half_a_surrogate_pair_is_refused(escape: str) -> None:
    """json reads it, but no UTF-8 text holds it: it could be neither filed nor written."""
    data = ('{"resources": [], "title": "' + escape + '"}').encode()
    with pytest.raises(PackageError) as raised:
        _parse_descriptor(data, "here")
    assert raised.value.code == "bad-descriptor"
    assert "surrogate pair" in str(raised.value)


def test_a_whole_surrogate_pair_is_a_character() -> None:
    data = b'{"resources": [], "title": "\\ud83d\\ude00"}'
    assert _parse_descriptor(data, "here")["title"] == "\U0001f600"


def _schema_of(data: bytes) -> object:
    return _parse_descriptor(data, "here")["resources"][0]["schema"]


def test_equal_inlined_schemas_are_one_object_and_alike_ones_are_not() -> None:
    """Folders inlining the same schema share one copy of it; a schema that only compares
    equal in Python (1, 1.0, true) or that json read (NaN) keeps its own."""
    one = b'{"resources": [{"name": "reports", "schema": {"fields": [], "x-n": %s}}]}'
    first, again = _schema_of(one % b"1"), _schema_of(one % b"1")
    assert first is again
    for other in (b"1.0", b"true", b"NaN", b"12345678901234567890123"):
        found = _schema_of(one % other)
        assert found is not first
        expected = json.loads((one % other).decode())["resources"][0]["schema"]
        assert json.dumps(found) == json.dumps(expected)
