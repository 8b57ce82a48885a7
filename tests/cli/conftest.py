from conftest_db import engine, session_engine

__all__ = ["engine", "session_engine"]
