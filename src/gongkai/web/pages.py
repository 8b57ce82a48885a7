"""The frame's own pages: the standard."""

from __future__ import annotations

import re
from functools import cache

from flask import Blueprint, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from gongkai.standard_doc import render_standard
from gongkai.web.errors import page_errors

bp = Blueprint("pages", __name__)
page_errors(bp)


@cache
def standard_html() -> Markup:
    """The standard as HTML, written from the schemas the package carries (the same text as
    docs/standard.md); raw HTML in the text is escaped, not passed through."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # the file's note to editors (an HTML comment) is not for readers
    text = re.sub(r"^<!--.*?-->\n", "", render_standard(), flags=re.S)
    return Markup(parser.render(text))


@bp.get("/standard")
def standard() -> str:
    return render_template("standard.html", document=standard_html())
