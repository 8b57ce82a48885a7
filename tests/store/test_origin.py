"""A filing knows how it came: a package an importer made from a published report is an
import, whatever path it is filed by."""

from __future__ import annotations

from pathlib import Path

from gongkai.importers import import_file, write_result
from gongkai.importers.files import NOTES_PROPERTY
from gongkai.package import read_package
from gongkai.store.filings import IMPORT_NOTES, new_filing, origin_of
from gongkai.validation import validate

ROOT = Path(__file__).resolve().parents[2]


def test_an_importers_package_files_as_an_import(tmp_path: Path) -> None:
    assert IMPORT_NOTES == NOTES_PROPERTY
    result = import_file(
        ROOT / "tests" / "data" / "importers" / "huaian_city_2024.layout.txt",
        agency_id="320800-huaian-government",
        region_code="320800",
    )
    imported = new_filing(validate(read_package(write_result(result, tmp_path / "p"))))
    assert imported.imported is True
    assert (origin_of(imported, None), origin_of(imported, 7)) == ("import", "import")
    loaded = new_filing(validate(read_package(ROOT / "datasets" / "huaian-city-2024")))
    assert loaded.imported is False
    assert (origin_of(loaded, None), origin_of(loaded, 7)) == ("load", "api")
