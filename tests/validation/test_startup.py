"""`gongkai validate` imports only what validation needs (issue 10, item 5): not the importers'
libraries, not the server's, and not the column engine for one package."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.paths import DATASETS, ROOT

PROBE = """
import sys
from gongkai.cli import main
try:
    main(["validate", sys.argv[1]])
except SystemExit as exc:
    assert exc.code == 0, exc.code
heavy = ("flask", "sqlalchemy", "alembic", "openpyxl", "pdfplumber", "docx", "bs4",
         "marshmallow", "gunicorn", "duckdb")
print(sorted({m.split(".")[0] for m in sys.modules} & set(heavy)))
"""


@pytest.mark.slow
def test_validating_one_package_imports_no_importer_server_or_column_engine() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(DATASETS / "huaian-city-2024")],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_is_still_there() -> None:
    import click

    from gongkai.cli import main

    with click.Context(main) as ctx:
        names = main.list_commands(ctx)
        assert {"validate", "import", "template", "standard", "load", "serve", "db"} <= set(names)
        assert all(main.get_command(ctx, name) is not None for name in names)
