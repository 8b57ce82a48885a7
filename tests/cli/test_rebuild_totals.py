"""`gongkai db rebuild-totals` recomputes the totals from the stored filings."""

from __future__ import annotations

import random

from click.testing import CliRunner
from sqlalchemy import Engine, delete, update

from gongkai.cli import main
from gongkai.store.tables import totals
from tests.store.test_totals import (
    AGENCIES,
    _file,
    _register,
    random_tables,
    recomputed_totals,
    stored_totals,
)


def test_rebuild_totals_repairs_totals_changed_by_hand(engine: Engine) -> None:
    _register(engine)
    rng = random.Random(7)
    for n, agency_id in enumerate(AGENCIES):
        _file(engine, agency_id, 2023, random_tables(rng, agency_id, 2023), f"rebuild-{n}")
    expected = recomputed_totals(engine)
    with engine.begin() as conn:  # rows lost and rows wrong
        conn.execute(delete(totals["figures_applications"]))
        conn.execute(update(totals["figures_reviews"]).values(reports=99))
    assert stored_totals(engine) != expected
    result = CliRunner().invoke(
        main,
        ["db", "rebuild-totals"],
        env={"GONGKAI_DATABASE_URL": engine.info_url},  # type: ignore[attr-defined]
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "totals rebuilt" in result.output
    assert stored_totals(engine) == expected
