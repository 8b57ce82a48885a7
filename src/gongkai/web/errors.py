"""Errors inside a page are pages too (in the reader's language), not problem+json bodies."""

from __future__ import annotations

import logging

from flask import Blueprint, g, render_template
from werkzeug.exceptions import ClientDisconnected, HTTPException, TooManyRequests

from gongkai.store.db import StatementTimeout
from gongkai.web.language import text

log = logging.getLogger(__name__)


def page_errors(bp: Blueprint) -> None:
    @bp.errorhandler(TooManyRequests)
    def _too_many(exc: TooManyRequests) -> tuple[str, int, dict[str, str]]:
        seconds = int(g.get("retry_after", 60))  # left by the app's rate limiter
        message = text("error.too_many", seconds=seconds)
        page = render_template("error.html", status=429, message=message)
        return page, 429, {"Retry-After": str(seconds)}

    @bp.errorhandler(StatementTimeout)
    def _statement_timeout(exc: StatementTimeout) -> tuple[str, int, dict[str, str]]:
        message = text("error.statement_timeout")
        page = render_template("error.html", status=503, message=message)
        return page, 503, {"Retry-After": "30"}

    @bp.errorhandler(ClientDisconnected)
    def _body_cut_short(exc: ClientDisconnected) -> tuple[str, int]:
        status = 408 if isinstance(exc.__context__, TimeoutError) else 400
        message = text("error.request_timeout") if status == 408 else None
        return render_template("error.html", status=status, message=message), status

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        status = exc.code or 500
        return render_template("error.html", status=status), status

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str, int]:
        log.exception("unhandled error in a page")
        return render_template("error.html", status=500), 500
