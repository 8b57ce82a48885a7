"""What a view needs from its app: the database engine and the settings."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine

from gongkai.settings import Settings


def engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def settings() -> Settings:
    return current_app.extensions["gongkai.settings"]
