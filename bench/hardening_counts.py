"""The counts docs/hardening.md records: requests and CLI runs of the hostile-input tests
and the fuzzer, and how many gave a server error or a traceback.

    python bench/hardening_counts.py

Runs, with pytest, the tests of issue 9's classes (tests/api/test_hostile_inputs.py,
tests/cli/test_hostile_paths.py, on SQLite and PostgreSQL when it answers) and the fuzzer
(tests/fuzz), and prints the test cases passed and the fuzzer's tally.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ["tests/api/test_hostile_inputs.py", "tests/cli/test_hostile_paths.py"]


def _pytest(*args: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return run.stdout.strip().splitlines()[-1]


def main() -> None:
    classes = _pytest(*CLASSES)
    print("classes of issue 9:", classes)
    tally = Path(tempfile.mkdtemp()) / "tally.json"
    fuzzer = _pytest("tests/fuzz", env={"GONGKAI_FUZZ_TALLY": str(tally)})
    print("fuzzer:", fuzzer)
    counts = json.loads(tally.read_text(encoding="utf-8"))
    print(
        f"fuzzer sent {counts['requests']} requests ({counts['server_errors']} server errors) "
        f"and ran gongkai validate {counts['cli_runs']} times ({counts['tracebacks']} tracebacks)"
    )
    failed = any(re.search(r"\d+ (failed|error)", line) for line in (classes, fuzzer))
    if counts["server_errors"] or counts["tracebacks"] or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
