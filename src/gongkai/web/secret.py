"""The key that signs the pages' session cookie and CSRF tokens.

GONGKAI_SECRET_KEY when set. Otherwise a random key generated once and kept in
var/secret_key of the instance (mode 0600), so every worker of one installation signs with
the same key and sign-ins survive a restart.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from gongkai.settings import PROJECT_ROOT

KEY_FILE = PROJECT_ROOT / "var" / "secret_key"
log = logging.getLogger(__name__)


def instance_secret_key(path: Path = KEY_FILE) -> str:
    """The key kept in `path`, created (atomically: the first worker wins) when missing."""
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
