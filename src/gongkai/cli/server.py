"""Commands that run the open-data service: database, registry, tokens, bulk load, serve.

gongkai db upgrade
gongkai db rebuild-totals
gongkai agencies load examples/agencies.csv
gongkai tokens create --agency ID | --region CODE | --admin
gongkai tokens revoke TOKEN_OR_ID
gongkai load datasets/*
gongkai serve --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import sys
from pathlib import Path

import click

from gongkai.cli.database import database, shown_url
from gongkai.cli.database import settings as read_settings
from gongkai.cli.loading import load
from gongkai.settings import Settings
from gongkai.store.db import upgrade
from gongkai.store.registry import create_token, get_agency, load_agencies, revoke_token
from gongkai.store.totals import rebuild
from gongkai.validation.registry import validate_registry

APP = "gongkai.api:create_app(warm=True)"
WORKER = "gongkai.worker.BoundedThreadWorker"


# What `gongkai serve` suggests trying; each answers with data once `make run` has loaded
# datasets/ (their reports are all 本级政府 ones, hence scope=government).
EXAMPLE_PATHS = (
    "agencies",
    "coverage?year=2024",
    "aggregate/applications?year=2024&by=city&scope=government",
    "tables/reviews.csv?year=2024",
    "openapi.json",
)


@click.group("db")
def db() -> None:
    """The database (GONGKAI_DATABASE_URL; SQLite in the data directory by default)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the tables to the newest version."""
    url = read_settings().database_url
    with database() as engine:
        upgrade(engine)
    click.echo(f"database up to date: {shown_url(url)}")


@db.command("rebuild-totals")
def db_rebuild_totals() -> None:
    """Recompute the totals behind aggregates and coverage from the stored filings."""
    with database() as engine, engine.connect() as conn:
        conn.execution_options(sqlite_immediate=True)  # a writer: queue, do not fail
        with conn.begin():
            rebuild(conn)
    click.echo("totals rebuilt from the current versions")


@click.group("agencies")
def agencies() -> None:
    """The registry of agencies expected to file (agencies.csv, STANDARD.md §2.5)."""


@agencies.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def agencies_load(file: Path) -> None:
    """Insert or update the agencies of FILE (a CSV with the agencies.csv columns)."""
    rows, issues = validate_registry(file.read_bytes(), str(file))
    for issue in issues:
        click.echo(f"{file}: [{issue.code}] {issue.message('zh')}", err=True)
    if issues:
        raise click.ClickException(f"{len(issues)} problem(s) in {file}; nothing loaded")
    with database() as engine:
        count = load_agencies(engine, rows)
    click.echo(f"{count} agencies loaded from {file}")


@click.group("tokens")
def tokens() -> None:
    """API tokens for filing (only their hashes are stored)."""


@tokens.command("create")
@click.option("--agency", "agency_id", help="files for this agency only")
@click.option("--region", "region_code", help="files for agencies whose region lies under it")
@click.option("--admin", is_flag=True, help="files for anyone and registers new agencies")
def tokens_create(agency_id: str | None, region_code: str | None, admin: bool) -> None:
    """Create a token; it is printed once, on the last line."""
    chosen = [c for c in (agency_id, region_code, admin or None) if c]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --agency ID, --region CODE, --admin")
    if region_code is not None and not re.fullmatch(r"[0-9]{6}", region_code):
        raise click.UsageError("--region takes a 6-digit region code")
    kind, value = (
        ("agency", agency_id)
        if agency_id
        else ("region", region_code)
        if region_code
        else ("admin", None)
    )
    with database() as engine:
        token_id, token = create_token(engine, kind, value)
        if agency_id:
            with engine.connect() as conn:
                registered = get_agency(conn, agency_id) is not None
            if not registered:
                click.echo(
                    f"note: {agency_id} is not in the registry: its filings are refused until "
                    "`gongkai agencies load` adds it (or an admin token files it)",
                    err=True,
                )
    click.echo(f"token {token_id}: {kind}{' ' + value if value else ''} (shown once, keep it safe)")
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_or_id")
def tokens_revoke(token_or_id: str) -> None:
    """End a token, given the token itself or its id."""
    with database() as engine:
        revoked = revoke_token(engine, token_or_id)
    if not revoked:
        raise click.ClickException("no live token matches")
    click.echo("token revoked")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="gunicorn workers [default: GONGKAI_WORKERS or 2]")
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the pages and the API with gunicorn on the database GONGKAI_DATABASE_URL names."""
    settings = read_settings()
    click.echo(f"database: {shown_url(settings.database_url)}", err=True)
    if not _port_is_free(host, port):
        click.echo(
            f"port {port} on {host} is in use; choose another with --port "
            f"(make run PORT={port + 1})",
            err=True,
        )
        sys.exit(2)
    base = f"http://{host}:{port}/api/v1"
    click.echo(f"gongkai pages on http://{host}:{port}/ (在线校验, 报送, 机关, 汇总)")
    click.echo(f"gongkai API on {base}/ (docs: {base}/docs); try:")
    for path in EXAMPLE_PATHS:
        click.echo(f"  curl '{base}/{path}'")
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    argv = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers or settings.workers),
        *serving_options(settings),
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
        APP,
    ]
    sys.stdout.flush()
    os.execv(gunicorn, argv) if os.path.isabs(gunicorn) else os.execvp(gunicorn, argv)


def serving_options(settings: Settings) -> list[str]:
    """gunicorn's options for serving slow and idle clients without stalling (docs/deployment.md):
    threads in each worker, request heads gathered without holding a thread, bounded heads."""
    return [
        "--worker-class",
        WORKER,
        "--threads",
        str(settings.threads),
        "--keep-alive",
        str(settings.keepalive),
        # the app answers URLs over 4000 characters itself (problem+json); gunicorn's own
        # limits answer the rest, as problem+json too (gongkai.worker)
        "--limit-request-line",
        "4094",
        "--limit-request-fields",
        "50",
        "--limit-request-field_size",
        "8190",
        # the worker's main loop keeps the heartbeat: a long request (a national /export) is
        # not killed; a worker whose loop is stuck is, after this long
        "--timeout",
        "60",
    ]


def _port_is_free(host: str, port: int) -> bool:
    """Whether gunicorn could bind there: checked first, so a taken port is one clear line
    instead of gunicorn retrying 'Address already in use'. SO_REUSEADDR as gunicorn sets it:
    a port left in TIME_WAIT counts as free, a listening one does not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return True  # gunicorn reports an unknown host itself
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:  # other failures (a privileged port) are gunicorn's to report
            return exc.errno != errno.EADDRINUSE
    return True


COMMANDS = [db, agencies, tokens, load, serve]


@click.group()
def server() -> None:
    """The service commands on their own (`python -m gongkai.cli.server`)."""


for _command in COMMANDS:
    server.add_command(_command)

if __name__ == "__main__":
    server()
