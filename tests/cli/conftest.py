import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest_db import engine, session_engine

__all__ = ["engine", "session_engine"]
