"""The Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask
from flask_cors import CORS
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from gongkai import web
from gongkai.api import (
    agencies,
    aggregate,
    docs,
    errors,
    export,
    filing,
    limits,
    openapi,
    reports,
    tables,
    validate,
)
from gongkai.api.health import bp as health_bp
from gongkai.settings import Settings
from gongkai.store.db import make_engine

PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, warm: bool = False
) -> Flask:
    """The API app on `engine` (or the database of the settings, GONGKAI_* by default).

    `warm=True` runs one validation first, so a fresh worker's first upload is not slow.
    """
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["gongkai.settings"] = settings
    app.extensions["gongkai.engine"] = engine or make_engine(
        settings.database_url, statement_timeout=settings.statement_timeout
    )
    if settings.proxy_hops:  # X-Forwarded-* of that many proxies: client address, https URLs
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    for module in (agencies, reports, filing, validate, tables, aggregate, export, openapi, docs):
        app.register_blueprint(module.bp, url_prefix=PREFIX)
    app.register_blueprint(docs.outside)
    app.register_blueprint(health_bp)  # /healthz, outside the API's prefix
    errors.register(app)
    web.register(app)
    limits.install(
        app,
        settings,
        filing=["filing.file", "file_page.file"],
        validation=["validate.validate_upload", "validate_page.check"],
    )
    anyone = settings.cors_origins == ("*",)
    CORS(
        app,
        resources={f"{PREFIX}/*": {"origins": "*" if anyone else list(settings.cors_origins)}},
        send_wildcard=anyone,
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=["ETag", "Link", "Location"],
    )
    if warm and settings.warmup:
        warm_up()
    return app


def warm_up() -> bool:
    """Validate one small package: the first validation in a process pays for imports and
    for compiling the schemas, so a worker does it before its first upload."""
    from gongkai.package import ReportPackage, package_files
    from gongkai.standard import load_standard
    from gongkai.validation import validate

    key = {"agency_id": "100000-warm-up", "year": 2024}
    report = {
        **key,
        "agency_name": "预热",
        "region_code": "100000",
        "level": "national",
        "scope": "agency",
        "format": "2021",
    }
    items = load_standard().formats["2021"].tables["applications"].item_codes
    tables = {
        "reports": [report],
        "proactive": [{**key, "regulations_issued": 0}],  # a report reports something
        "applications": [{**key, "item": item} for item in items],
        "reviews": [key],
    }
    files = package_files(tables, "2021", name="warm-up")
    csvs = {n.removesuffix(".csv"): data for n, data in files.items() if n.endswith(".csv")}
    result = validate(ReportPackage(source="warm-up", files=csvs))
    log.info("validator warmed up")
    return result.valid
