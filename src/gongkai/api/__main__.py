"""`python -m gongkai.api > api/openapi.json`: print the OpenAPI document."""

from gongkai.api.openapi import document

print(document(), end="")
