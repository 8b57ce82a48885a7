"""The descriptor filed by a bulk load is byte for byte `json.dumps(..., indent=2) + "\\n"`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gongkai.package import read_package
from gongkai.package.descriptor_text import DescriptorText
from tests.paths import DATASETS


def _plain(descriptor: Any) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_the_datasets_descriptors_are_written_as_json_dumps_writes_them() -> None:
    text = DescriptorText()
    found = [read_package(p).descriptor for p in sorted(DATASETS.iterdir())]
    descriptors = [d for d in found if d is not None]
    assert descriptors
    for descriptor in descriptors * 2:  # the second time from the remembered schemas
        assert text(descriptor) == _plain(descriptor)


@pytest.mark.parametrize(
    "descriptor",
    [
        {"name": "x"},
        {"resources": "odd"},
        {"resources": [{"name": "reports", "schema": "schema.json"}, 3]},
        {"title": '"gongkai-inlined-schema-0"', "resources": [{"schema": {"fields": []}}]},
        {"resources": [{"schema": {"fields": [{"name": "年"}]}}, {"schema": {"fields": []}}]},
    ],
)
def test_odd_descriptors_too(descriptor: Any) -> None:
    assert DescriptorText()(descriptor) == _plain(descriptor)


@pytest.mark.parametrize(
    "outside",
    [
        {"x-float": 1e16, "x-small": 1.5e-7, "x-half": 0.5},  # Python writes 1e+16, orjson 1e16
        {"x-big": 2**64, "x-neg": -(2**63) - 1},  # past what orjson writes
        {"x-nan": float("nan"), "x-inf": float("-inf")},
        {"x-controls": "".join(map(chr, range(32))) + '\x7f\u2028\\"'},
        {"x-empty": [{}, [], ""], "x-unicode": "公开 😀", "x-bool": [True, False, None]},
    ],
)
def test_descriptors_written_by_orjson_or_by_python_are_the_same_bytes(outside: Any) -> None:
    schema = {"fields": [{"name": "年", "constraints": {"minimum": 0.5}}], "x-n": 1e300}
    descriptor = {"name": "x", **outside, "resources": [{"name": "reports", "schema": schema}]}
    text = DescriptorText()
    for _ in range(2):  # the second time from the schema remembered by its object
        assert text(descriptor) == _plain(descriptor)
    copy = json.loads(json.dumps(descriptor))
    assert text(copy) == _plain(copy)  # an equal schema, another object
