"""The session cookie: HttpOnly, SameSite=Lax, and Secure whenever the page came over https
(directly or, behind a proxy that says so, X-Forwarded-Proto)."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

COOKIE = "gongkai_session"


class SessionCookie(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def configure(app: Flask, secret_key: str) -> None:
    app.secret_key = secret_key
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session cookie
    )
    app.session_interface = SessionCookie()
