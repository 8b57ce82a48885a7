"""One validation engine for the CLI, uploads and CI: Frictionless plus the declared rules."""

from gongkai.validation.engine import ValidationResult, detect_format, validate, validate_many
from gongkai.validation.issues import ERROR, WARNING, Issue

__all__ = [
    "ERROR",
    "WARNING",
    "Issue",
    "ValidationResult",
    "detect_format",
    "validate",
    "validate_many",
]
