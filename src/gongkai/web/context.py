"""What a page needs from the app: the database engine."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine


def engine() -> Engine:
    return current_app.extensions["gongkai.engine"]
