"""How long after a commit is acknowledged its notification reaches a LISTENing session.

    .venv/bin/python bench/notify_delay.py [--postgres URL] [--tries 2000]

The window in which a worker's kept current version may lag a change acknowledged by another
host (docs/deployment.md, "Which version is current"): one session NOTIFYs in autocommit;
right after the acknowledgement, the listening session's socket is looked at (is the
notification there already?) and, when not, waited on. Prints how often it was there at the
acknowledgement and the distribution of the wait.
"""

from __future__ import annotations

import argparse
import select
import statistics
import time

import psycopg

CHANNEL = "gk_bench_notify_delay"  # not the product's channel: no cache is disturbed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--tries", type=int, default=2000)
    args = parser.parse_args()
    url = args.postgres.replace("+psycopg", "")
    with (
        psycopg.connect(url, autocommit=True) as writer,
        psycopg.connect(url, autocommit=True) as listener,
    ):
        listener.execute(f"LISTEN {CHANNEL}")
        socket = listener.pgconn.socket
        waits: list[float] = []
        there = 0
        for _ in range(args.tries):
            writer.execute(f"NOTIFY {CHANNEL}, 'x'")
            acknowledged = time.perf_counter()
            if select.select([socket], [], [], 0)[0]:
                there += 1
                waits.append(0.0)
            else:
                select.select([socket], [], [], 5)
                waits.append(time.perf_counter() - acknowledged)
            listener.pgconn.consume_input()
            while listener.pgconn.notifies() is not None:
                pass
    waits.sort()

    def at(share: float) -> str:
        return f"{waits[min(len(waits) - 1, int(share * len(waits)))] * 1e6:.0f} µs"

    print(
        f"{args.tries} notifications: {there / args.tries:.0%} already there when the commit "
        f"was acknowledged; wait after it: median {statistics.median(waits) * 1e6:.0f} µs, "
        f"90% {at(0.9)}, 99% {at(0.99)}, longest {waits[-1] * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
