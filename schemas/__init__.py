"""schemas/ as the Python package gongkai.schemas (read with importlib.resources); the
standard itself is the JSON beside this file and needs no Python."""
