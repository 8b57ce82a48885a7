"""`python -m gongkai.api > api/openapi.json`: print the OpenAPI document."""

from gongkai.api.app import create_app
from gongkai.api.openapi import document
from gongkai.settings import Settings
from gongkai.store.db import make_engine

# the document depends on the routes only: no database is opened
print(document(create_app(Settings(database_url="sqlite://"), make_engine("sqlite://"))), end="")
