"""The frame's own pages: the standard."""

from __future__ import annotations

from flask import Blueprint, render_template

from gongkai.settings import PROJECT_ROOT
from gongkai.web.errors import page_errors

bp = Blueprint("pages", __name__)
page_errors(bp)

STANDARD = PROJECT_ROOT / "docs" / "standard.md"


@bp.get("/standard")
def standard() -> tuple[str, int]:
    """docs/standard.md as text (when the installation has it)."""
    if not STANDARD.is_file():
        return render_template("standard.html", text=None), 404
    return render_template("standard.html", text=STANDARD.read_text(encoding="utf-8")), 200
