"""What a form over the stored data can offer: the regions of the registry (with the names of
their people's governments, where registered) and the years that have current filings."""

from __future__ import annotations

from sqlalchemy import Engine, select

from gongkai.store.tables import agencies, heads


def registry_regions(engine: Engine) -> dict[str, str | None]:
    """Every region code of the registry -> the name of its `government`-scope agency (e.g.
    320800 -> 淮安市人民政府), or None where no such agency is registered."""
    codes = select(agencies.c.region_code).distinct().order_by(agencies.c.region_code)
    governments = (
        select(agencies.c.region_code, agencies.c.agency_name)
        .where(agencies.c.scope == "government")
        .order_by(agencies.c.region_code, agencies.c.agency_id)
    )
    with engine.connect() as conn:
        regions: dict[str, str | None] = dict.fromkeys(conn.execute(codes).scalars())
        for code, name in conn.execute(governments):
            if regions.get(code) is None:
                regions[code] = name
    return regions


def filed_years(engine: Engine) -> list[int]:
    """The statistics years with at least one current filing, latest first."""
    with engine.connect() as conn:
        years = conn.execute(select(heads.c.year).distinct().order_by(heads.c.year.desc()))
        return [int(y) for y in years.scalars()]
