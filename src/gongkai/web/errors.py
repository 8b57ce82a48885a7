"""Errors inside a page are pages too (in the reader's language), not problem+json bodies."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def page_errors(bp: Blueprint) -> None:
    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        status = exc.code or 500
        return render_template("error.html", status=status), status

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str, int]:
        log.exception("unhandled error in a page")
        return render_template("error.html", status=500), 500
