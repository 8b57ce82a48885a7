"""Importers: published reports (text, HTML, Word, PDF) and the filled Excel template to
report packages.

    from gongkai.importers import import_file
    result = import_file("report.pdf", region_code="320800", level="city")
    result.tables["applications"]  # rows of 表三, blank cells None
"""

from gongkai.importers.files import KINDS, ImportFailure, import_file, write_result
from gongkai.importers.result import Details, ImportResult

__all__ = ["KINDS", "Details", "ImportFailure", "ImportResult", "import_file", "write_result"]
