"""The HTTP API: a Flask app with one blueprint per URL noun and one error handler."""

from gongkai.api.app import create_app

__all__ = ["create_app"]
