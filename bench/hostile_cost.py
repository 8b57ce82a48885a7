"""What a refused hostile upload costs a worker, against an ordinary valid upload.

    python bench/hostile_cost.py [--rounds 3]

Each input is written to a file first; then, for each, a fresh interpreter makes the app
(SQLite in a temporary folder), reads the file and POSTs it to /api/v1/validate (or files
it, for the package of many reports) through the test client, as a gunicorn worker would
get it. The child reports the wall time of the request, the status, and its peak resident
memory before and after the request (ru_maxrss): the growth is what the request cost.

Printed side by side with the same measure of a valid package and of the blank template,
as ratios (machines here are shared and noisy: the ratio says more than the seconds).
The issue's bounds: a refused hostile workbook or zip under 2 s and under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402  (the inputs the tests send)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
from gongkai.api import create_app
from gongkai.settings import Settings
from gongkai.store.db import make_engine, upgrade
from gongkai.store.registry import create_token, load_agencies

path, content_type, mode = sys.argv[1], sys.argv[2], sys.argv[3]
db = Path(tempfile.mkdtemp()) / "gongkai.sqlite3"
engine = make_engine(f"sqlite:///{db}")
upgrade(engine)
load_agencies(engine, [{"agency_id": "320800-huaian-government", "agency_name": "淮安市人民政府",
    "region_code": "320800", "level": "city", "scope": "government"}])
token = create_token(engine, "admin")[1]
app = create_app(Settings(database_url=str(engine.url), max_upload_bytes=20_000_000), engine)
client = app.test_client()
client.post("/api/v1/validate", data=Path(sys.argv[4]).read_bytes(), content_type="application/zip")
data = Path(path).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if mode == "openpyxl-full":  # what reading a workbook was before: every cell an object
    import io
    from openpyxl import load_workbook
    load_workbook(io.BytesIO(data), data_only=True).close()
    r = None
elif mode == "file":
    r = client.post("/api/v1/agencies/320800-huaian-government/reports/2024", data=data,
        content_type=content_type, headers={"Authorization": f"Bearer {token}"})
else:
    r = client.post("/api/v1/validate", data=data, content_type=content_type)
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
code = (r.json or {}).get("code") if r else "parsed in full"
print(json.dumps({"status": r.status_code if r else 0, "code": code,
    "seconds": seconds, "grown_mb": (after - before) / 1024, "peak_mb": after / 1024}))
"""


def inputs() -> dict[str, tuple[bytes, str, str]]:
    """name -> (bytes, content type, validate or file)"""
    valid = hostile.zip_of(hostile.package_files())
    return {
        "valid package (baseline)": (valid, "application/zip", "validate"),
        "blank template (baseline)": (hostile.template_workbook(), XLSX, "validate"),
        "xlsx: 2 million empty styled cells": (
            hostile.workbook_of_styled_blank_cells(rows=80_000, columns=26),
            XLSX,
            "validate",
        ),
        "xlsx: dimension A1:XFD1048576": (
            hostile.workbook_with_a_huge_dimension(),
            XLSX,
            "validate",
        ),
        "zip: 25,000 reports, filed": (
            hostile.zip_of(hostile.package_of_many_reports(25_000)),
            "application/zip",
            "file",
        ),
        "same xlsx parsed in full (before)": (
            hostile.workbook_of_styled_blank_cells(rows=80_000, columns=26),
            XLSX,
            "openpyxl-full",
        ),
        **{
            f"zip: {name}": (make(), "application/zip", "validate")
            for name, make in hostile.DAMAGED_ZIPS.items()
        },
    }


def measure(path: Path, content_type: str, mode: str, warm: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), content_type, mode, str(warm)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--before", action="store_true", help="also parse the large workbook in full, as before"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gongkai-hostile-"))
    warm = folder / "warm.zip"
    warm.write_bytes(hostile.zip_of(hostile.package_files()))
    rows = []
    for index, (name, (data, content_type, mode)) in enumerate(inputs().items()):
        if mode == "openpyxl-full" and not args.before:
            continue
        path = folder / f"{index}.bin"
        path.write_bytes(data)
        rounds = 1 if mode == "openpyxl-full" else args.rounds
        runs = [measure(path, content_type, mode, warm) for _ in range(rounds)]
        rows.append(
            (
                name,
                len(data),
                runs[0]["status"],
                runs[0]["code"],
                statistics.median(r["seconds"] for r in runs),
                max(r["grown_mb"] for r in runs),
                max(r["peak_mb"] for r in runs),
            )
        )
    base_seconds = rows[0][4]
    print(
        f"{'input':38} {'bytes':>9} {'answer':>26} {'s (median)':>10} {'× valid':>8} "
        f"{'+MB (max)':>9} {'peak MB':>8}"
    )
    for name, size, status, code, seconds, grown, peak in rows:
        answer = f"{status} {code or ''}".strip()
        print(
            f"{name:38} {size:>9} {answer:>26} {seconds:>10.3f} {seconds / base_seconds:>8.2f} "
            f"{grown:>9.1f} {peak:>8.1f}"
        )


if __name__ == "__main__":
    main()
