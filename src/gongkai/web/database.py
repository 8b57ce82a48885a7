"""The database the pages read: the app's engine, the same the API reads."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine


def engine() -> Engine:
    return current_app.extensions["gongkai.engine"]
