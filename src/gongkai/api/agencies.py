"""/agencies: the registry of who must file, public."""

from __future__ import annotations

from flask import Blueprint, Response, request

from gongkai.api.args import AgencyListArgs
from gongkai.api.context import engine
from gongkai.api.errors import ApiError
from gongkai.api.out import AgencyListOut, AgencyOut
from gongkai.api.represent import (
    csv_response,
    decode_token,
    encode_token,
    json_response,
    page_limit,
    parse_args,
    wants_csv,
)
from gongkai.standard import load_standard
from gongkai.store.registry import get_agency, list_agencies

bp = Blueprint("agencies", __name__)


@bp.get("/agencies")
@bp.get("/agencies.csv", endpoint="list_csv")
def list_() -> Response:
    args = parse_args(AgencyListArgs)
    filters = {k: args.get(k) for k in ("region", "level", "scope", "name")}
    if wants_csv(args, request.path.endswith(".csv")):
        rows = list_agencies(engine(), limit=10**9, **filters)
        columns = load_standard().agencies.field_names
        return csv_response(columns, rows, bom=args["bom"], filename="agencies.csv")
    limit = page_limit(args)
    after = decode_token(args["next"], (str,))[0] if args.get("next") else None
    rows = list_agencies(engine(), after=after, limit=limit + 1, **filters)
    next_token = encode_token([rows[limit - 1]["agency_id"]]) if len(rows) > limit else None
    return json_response(AgencyListOut, {"agencies": rows[:limit], "next": next_token})


@bp.get("/agencies/<agency_id>")
def get(agency_id: str) -> Response:
    with engine().connect() as conn:
        agency = get_agency(conn, agency_id)
    if agency is None:
        raise ApiError(404, "unknown-agency", f"agency {agency_id} is not in the registry")
    return json_response(AgencyOut, agency)
