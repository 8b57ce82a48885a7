"""Rate limits on what costs the service most: filing (per token, or per address without one)
and validation (per address), counted together for the API and the pages' forms.

Flask-Limiter keeps the counts in GONGKAI_RATELIMIT_STORAGE_URI (memory:// counts per worker
process; redis:// shares them). A request over a limit is refused before its body is read:
429 with Retry-After (problem+json from the API, a page from the pages): the seconds to wait
are left in flask.g.retry_after for whichever error handler answers.
"""

from __future__ import annotations

import hashlib
import time

from flask import Flask, g, request, session
from flask_limiter import Limiter, RequestLimit

from gongkai.settings import Settings

# the pages keep a signed-in agency's token in the session under this key (web/account.py)
SESSION_TOKEN = "token"


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For once GONGKAI_PROXY_HOPS says so)."""
    return request.remote_addr or "unknown"


def filer() -> str:
    """Who files: the token given (its hash, never the token), else the address."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    token = token or str(session.get(SESSION_TOKEN) or "")
    if not token:
        return "address:" + client_address()
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def install(app: Flask, settings: Settings, *, filing: list[str], validation: list[str]) -> None:
    """Limit the views of the `filing` and `validation` endpoints of `app`."""
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=settings.ratelimit_storage_uri,
        strategy="moving-window",
        headers_enabled=False,  # Retry-After only on a 429 (_note_retry_after)
        on_breach=_note_retry_after,
        in_memory_fallback_enabled=True,  # Redis gone: count in the worker rather than fail
    )
    shared = (
        (filing, limiter.shared_limit(settings.ratelimit_filing, "filing", key_func=filer)),
        (validation, limiter.shared_limit(settings.ratelimit_validation, "validation")),
    )
    for endpoints, limit in shared:
        for endpoint in endpoints:
            app.view_functions[endpoint] = limit(app.view_functions[endpoint])  # type: ignore[assignment]
    _only_for(app, limiter, {*filing, *validation})


def _only_for(app: Flask, limiter: Limiter, endpoints: set[str]) -> None:
    """Run the limiter's request hook for `endpoints` only. They are the only ones with limits
    (there are no default, application or meta limits): for any other request the hook would
    search the blueprint's and the route's limits and exemptions to find none, which costs more
    than serving a stored report does."""
    hooks = app.before_request_funcs[None]
    position = hooks.index(limiter._check_request_limit)
    check = hooks[position]

    def check_limited() -> None:
        if request.endpoint in endpoints:
            check()

    hooks[position] = check_limited


def _note_retry_after(limit: RequestLimit) -> None:
    g.retry_after = max(1, int(limit.reset_at - time.time()))
