"""The key that signs the pages' session cookie and CSRF tokens.

GONGKAI_SECRET_KEY when set. Otherwise a random key generated once and kept as secret_key in
the installation's data directory, beside the default database (mode 0600), so every worker of
one installation signs with the same key and sign-ins survive a restart.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from gongkai.settings import data_dir

log = logging.getLogger(__name__)


def instance_secret_key(path: Path | None = None) -> str:
    """The key kept in `path` (secret_key of the data directory), created (atomically: the
    first worker wins) when missing."""
    path = path or data_dir() / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        log.warning(
            "cannot keep a secret key in %s (%s): using one for this process only; "
            "set GONGKAI_SECRET_KEY so all workers share one",
            path,
            exc,
        )
        return key
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key
