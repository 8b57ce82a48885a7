"""Settings from GONGKAI_* environment variables (each one is listed in the README).

`Settings.from_env()` reads them once; the app factory and the CLI pass the result down.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from platformdirs import user_data_dir


def checkout_root() -> Path | None:
    """The repository gongkai is installed from in development mode (`pip install -e`, what
    `make install` does), or None for an ordinary install (a wheel, pipx, the Docker image)."""
    try:
        direct = metadata.distribution("gongkai").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    info = json.loads(direct or "{}")
    if not info.get("dir_info", {}).get("editable"):
        return None
    url = urlparse(info.get("url", ""))
    return Path(unquote(url.path)) if url.scheme == "file" else None


def data_dir() -> Path:
    """Where the service keeps its own files (the SQLite database, the pages' secret key):
    var/ of the checkout in development; otherwise the user's data directory
    (~/.local/share/gongkai on Linux, ~/Library/Application Support/gongkai on macOS,
    %LOCALAPPDATA%\\gongkai on Windows)."""
    root = checkout_root()
    if root is not None:
        return root / "var"
    return Path(user_data_dir("gongkai", appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "gongkai.sqlite3"


def default_database_url() -> str:
    """SQLite at default_database_path(): the embedded default."""
    return f"sqlite:///{default_database_path()}"


NO_LIMIT = (
    2**62
)  # GONGKAI_MAX_LOAD_BYTES=0: a size no file reaches (and bytes can still count past)

# name -> (default, meaning); the README table is written from this list.
SETTINGS: dict[str, tuple[str, str]] = {
    "GONGKAI_DATABASE_URL": (
        "SQLite in the user data directory (var/ of the checkout in development)",
        "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db",
    ),
    "GONGKAI_MAX_UPLOAD_BYTES": ("20000000", "largest accepted request body (413 above it)"),
    "GONGKAI_MAX_LOAD_BYTES": (
        "2000000000",
        "the most a package (a collection: a year of a nation is ~250 MB) may hold for "
        "`gongkai validate` and `gongkai load`, uncompressed; 0 turns the limit off",
    ),
    "GONGKAI_PAGE_SIZE": ("100", "rows per page of /tables/{table} when `limit` is not given"),
    "GONGKAI_PAGE_MAX": ("1000", "largest `limit` accepted by /tables/{table}"),
    "GONGKAI_CACHE_MAX_AGE": (
        "86400",
        "seconds in Cache-Control of reads pinned to a version (`?version=N`, packages)",
    ),
    "GONGKAI_CORS_ORIGINS": ("*", "origins allowed to read the API from a browser (comma list)"),
    "GONGKAI_WORKERS": ("2", "gunicorn worker processes started by `gongkai serve`"),
    "GONGKAI_THREADS": ("8", "threads per worker: requests one worker answers at once"),
    "GONGKAI_HEADER_TIMEOUT": (
        "10",
        "seconds a client has to send a request's line and headers before it is disconnected",
    ),
    "GONGKAI_BODY_TIMEOUT": (
        "30",
        "seconds a client may stall while sending a body or reading an answer",
    ),
    "GONGKAI_KEEPALIVE": ("5", "seconds an idle kept-alive connection stays open"),
    "GONGKAI_STATEMENT_TIMEOUT": (
        "20",
        "seconds a database statement may run before it is cancelled (503); 0 turns it off",
    ),
    "GONGKAI_RATELIMIT_FILING": (
        "30 per minute;600 per hour",
        "filings accepted per token (per address without one), API and 报送 page together",
    ),
    "GONGKAI_RATELIMIT_VALIDATION": (
        "20 per minute;200 per hour",
        "validations accepted per address, API and 在线校验 page together",
    ),
    "GONGKAI_RATELIMIT_STORAGE_URI": (
        "memory://",
        "where the rate limits count (memory:// is per worker process; redis://host:6379 "
        "shares them between workers and hosts)",
    ),
    "GONGKAI_PROXY_HOPS": (
        "0",
        "reverse proxies in front that set X-Forwarded-For/-Proto/-Host/-Prefix (1 behind nginx)",
    ),
    "GONGKAI_WARMUP": ("1", "validate one tiny package when a worker starts (0 turns it off)"),
    "GONGKAI_SECRET_KEY": (
        "generated once, kept as secret_key beside the default database",
        "key signing the pages' session cookie and CSRF tokens; the same for every worker",
    ),
    "GONGKAI_LICENSE": (
        "CC-BY-4.0",
        "licence of the data packages gongkai writes (`licenses` of datapackage.json): "
        "an Open Definition id, optionally followed by the licence's URL",
    ),
}

# Open Definition ids whose URL and title gongkai knows; any other id needs its URL given.
KNOWN_LICENSES = {
    "CC-BY-4.0": (
        "https://creativecommons.org/licenses/by/4.0/",
        "Creative Commons Attribution 4.0",
    ),
    "CC-BY-SA-4.0": (
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "Creative Commons Attribution Share-Alike 4.0",
    ),
    "CC0-1.0": (
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "CC0 1.0 Universal (public domain dedication)",
    ),
    "ODC-PDDL-1.0": (
        "https://opendatacommons.org/licenses/pddl/1-0/",
        "Open Data Commons Public Domain Dedication and License 1.0",
    ),
    "ODC-BY-1.0": (
        "https://opendatacommons.org/licenses/by/1-0/",
        "Open Data Commons Attribution License 1.0",
    ),
}


def license_entry(value: str) -> dict[str, str]:
    """A Data Package `licenses` entry from GONGKAI_LICENSE ("ID" or "ID URL")."""
    parts = value.split()
    if not parts or len(parts) > 2:
        raise ValueError(
            f"GONGKAI_LICENSE must be a licence id, optionally with its URL: {value!r}"
        )
    name = parts[0]
    known = KNOWN_LICENSES.get(name)
    if len(parts) == 2:
        return {"name": name, "path": parts[1], **({"title": known[1]} if known else {})}
    if known is None:
        raise ValueError(
            f'GONGKAI_LICENSE {name!r}: give its URL too ("{name} https://…"), or one of '
            + ", ".join(KNOWN_LICENSES)
        )
    return {"name": name, "path": known[0], "title": known[1]}


def package_license(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The licence of the packages gongkai writes, from GONGKAI_LICENSE."""
    return license_entry(_license(os.environ if env is None else env))


def _license(env: Mapping[str, str]) -> str:
    value = env.get("GONGKAI_LICENSE") or SETTINGS["GONGKAI_LICENSE"][0]
    license_entry(value)  # refused when it starts, not when the first package is written
    return value


def max_load_bytes(env: Mapping[str, str] | None = None) -> int:
    """GONGKAI_MAX_LOAD_BYTES: what the command line reads at most of one package. Separate from
    the upload limit (GONGKAI_MAX_PACKAGE_BYTES): a collection on disk is far larger than a
    filing, and the one loading it chose it."""
    limit = _int(os.environ if env is None else env, "GONGKAI_MAX_LOAD_BYTES")
    if limit < 0:
        raise ValueError(f"GONGKAI_MAX_LOAD_BYTES must be 0 (no limit) or more, got {limit}")
    return limit or NO_LIMIT


def _int(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, SETTINGS[name][0])
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _rate(env: Mapping[str, str], name: str) -> str:
    """A rate limit in the notation of the `limits` library ("20 per minute;200 per hour"),
    refused when the service starts rather than at the first upload."""
    from limits import parse_many  # what Flask-Limiter parses the same string with

    raw = env.get(name) or SETTINGS[name][0]
    try:
        parse_many(raw)
    except ValueError as exc:
        raise ValueError(
            f'{name} must be rate limits such as "20 per minute;200 per hour", got {raw!r}'
        ) from exc
    return raw


def _storage(env: Mapping[str, str], name: str) -> str:
    """A storage URI the `limits` library knows (memory://, redis://, …)."""
    from limits.storage import SCHEMES

    raw = env.get(name) or SETTINGS[name][0]
    if urlparse(raw).scheme not in SCHEMES:
        known = ", ".join(f"{scheme}://" for scheme in sorted(SCHEMES))
        raise ValueError(f"{name} must be a storage URI ({known}), got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str
    max_upload_bytes: int = 20_000_000
    max_load_bytes: int = 2_000_000_000  # NO_LIMIT: none
    page_size: int = 100
    page_max: int = 1000
    cache_max_age: int = 86400
    cors_origins: tuple[str, ...] = ("*",)
    workers: int = 2
    threads: int = 8
    header_timeout: int = 10
    body_timeout: int = 30
    keepalive: int = 5
    statement_timeout: int = 20  # seconds; 0: no limit
    ratelimit_filing: str = "30 per minute;600 per hour"
    ratelimit_validation: str = "20 per minute;200 per hour"
    ratelimit_storage_uri: str = "memory://"
    proxy_hops: int = 0
    warmup: bool = True
    secret_key: str | None = None  # None: the instance's generated key (gongkai.web.secret)
    license: str = "CC-BY-4.0"  # GONGKAI_LICENSE as given; license_entry() makes the entry

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        origins = env.get("GONGKAI_CORS_ORIGINS", "*")
        return cls(
            database_url=env.get("GONGKAI_DATABASE_URL") or default_database_url(),
            max_upload_bytes=_int(env, "GONGKAI_MAX_UPLOAD_BYTES"),
            max_load_bytes=max_load_bytes(env),
            page_size=_int(env, "GONGKAI_PAGE_SIZE"),
            page_max=_int(env, "GONGKAI_PAGE_MAX"),
            cache_max_age=_int(env, "GONGKAI_CACHE_MAX_AGE"),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            workers=_int(env, "GONGKAI_WORKERS"),
            threads=_int(env, "GONGKAI_THREADS"),
            header_timeout=_int(env, "GONGKAI_HEADER_TIMEOUT"),
            body_timeout=_int(env, "GONGKAI_BODY_TIMEOUT"),
            keepalive=_int(env, "GONGKAI_KEEPALIVE"),
            statement_timeout=_int(env, "GONGKAI_STATEMENT_TIMEOUT"),
            ratelimit_filing=_rate(env, "GONGKAI_RATELIMIT_FILING"),
            ratelimit_validation=_rate(env, "GONGKAI_RATELIMIT_VALIDATION"),
            ratelimit_storage_uri=_storage(env, "GONGKAI_RATELIMIT_STORAGE_URI"),
            proxy_hops=_int(env, "GONGKAI_PROXY_HOPS"),
            warmup=env.get("GONGKAI_WARMUP", "1") not in ("0", "false", "no", ""),
            secret_key=env.get("GONGKAI_SECRET_KEY") or None,
            license=_license(env),
        )
