"""Signing in to 报送 with an agency's token: the token is kept in the session cookie
(signed, HttpOnly, SameSite=Lax) and checked against the store on every request, so a
revoked token signs the browser out."""

from __future__ import annotations

from typing import Any

from flask import session

from gongkai.store.registry import Grant, find_grant, get_agency, list_agencies
from gongkai.web.context import engine

TOKEN = "token"
MAX_CHOICES = 5000  # agencies offered in the form to a region or admin token


def current_grant() -> Grant | None:
    token = session.get(TOKEN)
    if not token:
        return None
    grant = find_grant(engine(), token)
    if grant is None:
        session.pop(TOKEN, None)
    return grant


def sign_in(token: str) -> Grant | None:
    grant = find_grant(engine(), token.strip())
    if grant is not None:
        session.clear()
        session[TOKEN] = token.strip()
    return grant


def sign_out() -> None:
    session.clear()


def agencies_for(grant: Grant) -> list[dict[str, Any]]:
    """The registered agencies this token may file for, by id."""
    if grant.kind == "agency":
        with engine().connect() as conn:
            agency = get_agency(conn, str(grant.scope_value))
        return [agency] if agency else []
    region = grant.scope_value if grant.kind == "region" else None
    return list_agencies(engine(), region=region, limit=MAX_CHOICES)
