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
