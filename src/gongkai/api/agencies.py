"""/agencies: the registry of who must file, public."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from gongkai.api.args import AgencyListArgs
from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.api.listing import list_response, read_token
from gongkai.api.out import AgencyListOut, AgencyOut
from gongkai.api.represent import (
    csv_response,
    json_response,
    page_limit,
    parse_args,
    wants_csv,
)
from gongkai.standard import load_standard
from gongkai.store.registry import count_agencies, get_agency, list_agencies

bp = Blueprint("agencies", __name__)


@bp.get("/agencies")
def list_() -> Response:
    """The registry of agencies expected to file, a page at a time.
    ---
    get:
      operationId: listAgencies
      summary: The registry of agencies expected to file
      tags: [registry]
      parameters:
      - in: query
        schema: AgencyListArgs
      responses:
        200:
          description: a page of agencies (or all of them as CSV with format=csv)
          headers:
            Link: {$ref: '#/components/headers/Link'}
          content:
            application/json: {schema: AgencyListOut}
            text/csv: {schema: {type: string}}
        400: Problem
    """
    return _agencies(csv=False)


@bp.get("/agencies.csv")
def list_csv() -> Response:
    """The whole registry as CSV (agencies.csv of the standard).
    ---
    get:
      operationId: listAgenciesCsv
      summary: The registry as CSV (every agency of the slice)
      tags: [registry]
      parameters:
      - in: query
        schema: AgencyListArgs
      responses:
        200:
          description: agencies.csv
          content:
            text/csv: {schema: {type: string}}
        400: Problem
    """
    return _agencies(csv=True)


def _agencies(csv: bool) -> Response:
    args = parse_args(AgencyListArgs)
    filters: dict[str, Any] = {k: args.get(k) for k in ("region", "level", "scope", "name")}
    if wants_csv(args, csv):
        rows = list_agencies(engine(), limit=10**9, **filters)
        schema = load_standard().agencies
        return csv_response(
            schema.field_names,
            rows,
            bom=args["bom"],
            filename="agencies.csv",
            labels=args.get("labels"),
            tables=[schema],
        )
    limit = page_limit(args)
    after, total = read_token(args, (str,))
    rows = list_agencies(engine(), after=after[0] if after else None, limit=limit + 1, **filters)
    next_key = [rows[limit - 1]["agency_id"]] if len(rows) > limit else None
    if total is None:
        total = count_agencies(engine(), **filters)
    return list_response(AgencyListOut, rows[:limit], total=total, next_key=next_key)


@bp.get("/agencies/<agency_id>")
def get(agency_id: str) -> Response:
    """One agency of the registry.
    ---
    get:
      operationId: getAgency
      summary: One agency of the registry
      tags: [registry]
      responses:
        200:
          description: the agency
          content:
            application/json: {schema: AgencyOut}
        404: Problem
    """
    with engine().connect() as conn:
        agency = get_agency(conn, agency_id)
    if agency is None:
        raise ApiError(404, "unknown-agency", f"agency {agency_id} is not in the registry")
    return json_response(AgencyOut, agency)
