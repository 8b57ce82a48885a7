"""The second executor of the declared rules: set-wise, on an embedded column engine (DuckDB),
for collections and many packages at once. It finds exactly the issues the row engine finds
(a differential test holds the two together) and has no rules of its own."""

from gongkai.validation.columnar.executor import validate_columnar

__all__ = ["validate_columnar"]
