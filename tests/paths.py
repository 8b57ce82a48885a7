"""Where the test suite finds its data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
DATASETS = ROOT / "datasets"
SHARED = ROOT.parent / "shared"
