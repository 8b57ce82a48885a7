"""Bearer tokens: who may file for which agency."""

from __future__ import annotations

from typing import Any

from flask import request

from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.store.registry import Grant, find_grant

CHALLENGE = 'Bearer realm="gongkai"'


def current_grant() -> Grant:
    """The request's token grant; 401 when missing, unknown or revoked."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "unauthorized",
            "filing needs a token: Authorization: Bearer <token>",
            message_zh="报送需要令牌：Authorization: Bearer <令牌>",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    grant = find_grant(engine(), token.strip())
    if grant is None:
        raise ApiError(
            401,
            "invalid-token",
            "the token is unknown or revoked",
            message_zh="令牌无效或已被吊销",
            headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'},
        )
    return grant


def check_may_file(grant: Grant, agency: dict[str, Any] | None, agency_id: str) -> None:
    """403 unless the grant covers the agency (registered) — admins may file for anyone."""
    if grant.kind == "admin":
        return
    if agency is None:
        raise ApiError(
            404,
            "unknown-agency",
            f"agency {agency_id} is not in the registry; ask the collecting office to add it "
            "(gongkai agencies load) or to file it with an admin token",
            agency_id=agency_id,
            message_zh=f"机关 {agency_id} 不在应报告机关名录中；请收集报告的机关将其加入名录"
            "（gongkai agencies load），或用管理员令牌报送",
        )
    if grant.covers(agency_id, agency["region_code"]):
        return
    raise ApiError(
        403,
        "forbidden",
        f"this {grant.kind} token may not file for agency {agency_id}",
        agency_id=agency_id,
        message_zh=f"此令牌无权为机关 {agency_id} 报送",
    )
