"""PDF files read directly (pdfplumber): PDFs made here from the real reports' text give the
same figures as the `pdftotext -layout` text of the original PDFs."""

from __future__ import annotations

import pytest

from gongkai.importers import import_file
from tests.importers.pdf_maker import make_pdf
from tests.paths import DATA

REPORTS = DATA / "importers"


@pytest.mark.parametrize(
    "name",
    [
        "huaian_city_2024.layout.txt",
        "hongze_district_2023.layout.txt",
        "hongze_district_2024.layout.txt",
    ],
)
def test_pdf_gives_the_same_tables_as_its_layout_text(name: str):
    text = (REPORTS / name).read_text(encoding="utf-8")
    from_pdf = import_file(make_pdf(text), filename=name.replace(".layout.txt", ".pdf"))
    from_text = import_file(REPORTS / name)
    assert from_pdf.kind == "pdf"
    assert from_pdf.missing_tables == []
    assert from_pdf.tables == from_text.tables
    assert [i.code for i in from_pdf.issues] == [i.code for i in from_text.issues]


def test_pdf_figures_spot_check():
    text = (REPORTS / "huaian_city_2024.layout.txt").read_text(encoding="utf-8")
    result = import_file(make_pdf(text), filename="huaian.pdf")
    t3 = {r["item"]: r for r in result.tables["applications"]}
    assert (t3["new_received"]["total"], t3["results_total"]["total"]) == (3119, 3050)
    assert t3["withheld_inquiry"]["natural_person"] == 105
    assert result.tables["reviews"][0]["suit_after_review_total"] == 20
