"""The pages: Flask blueprints in the API's app, Jinja2 templates and static assets shipped in
the package (no CDN). Pages call the library, never the API over HTTP."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

from gongkai.settings import Settings
from gongkai.web import agency, aggregate, filing, home, language, pages, session, validate
from gongkai.web.layout import cell_id
from gongkai.web.secret import instance_secret_key

HERE = Path(__file__).resolve().parent
# The templates of every page (the blueprint only adds them to the app's search path).
templates = Blueprint("web", __name__, template_folder="templates")


def register(app: Flask) -> None:
    """Add the pages to `app` (the API's app: one application)."""
    settings: Settings = app.extensions["gongkai.settings"]
    session.configure(app, settings.secret_key or instance_secret_key())
    app.jinja_env.globals.update(
        t=language.text,
        lang=language.current_lang,
        html_lang=lambda: language.HTML_LANG[language.current_lang()],
        switch_url=language.switch_url,
        cell_id=cell_id,
    )
    app.after_request(language.remember_choice)
    app.static_folder = HERE / "static"  # the app's /static/<file>: url_for("static", ...)
    app.register_blueprint(templates)
    for module in (pages, home, validate, filing, agency, aggregate):
        app.register_blueprint(module.bp)
