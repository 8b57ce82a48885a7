"""/healthz: whether this process can serve: the database answers and the standard is loaded.

For load balancers and the Docker HEALTHCHECK: 200 with what was checked, or 503 as a
problem naming what failed. Outside /api/v1, like every health probe.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.standard import load_standard
from gongkai.store.db import ping

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> Response:
    failed: dict[str, str] = {}
    checks: dict[str, Any] = {}
    try:
        ping(engine())
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        log.warning("health check: database unreachable: %s", exc)
        failed["database"] = type(exc).__name__
    try:
        checks["formats"] = sorted(load_standard().formats)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("health check: schemas not loaded: %s", exc)
        failed["schemas"] = type(exc).__name__
    if failed:
        raise ApiError(
            503,
            "unhealthy",
            f"not ready: {', '.join(sorted(failed))} failed",
            message_zh=f"服务未就绪：{'、'.join(sorted(failed))} 检查失败",
            failed=failed,
        )
    return jsonify({"status": "ok", **checks})
