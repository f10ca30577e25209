"""The protocol fuzzer for longer: 10,000 random and mutated frames per seed on SQLite and PostgreSQL, with
reconnects and a restart. Prints one line per run and exits non-zero if any run broke a promise (a 5xx, a
storage failure caused by input, a client whose map differs from the stored one).

    .venv/bin/python -m bench.fuzz                      # seeds 100-102, 10,000 frames each, both databases
    .venv/bin/python -m bench.fuzz --seeds 7 --frames 500 --databases sqlite
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support import fuzz
from tests.support.databases import database_url
from tests.support.server import LIMITS_LIFTED, ServerProcess


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[100, 101, 102])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    broken = 0
    print("| database | seed | frames | HTTP requests | acked | refused | failures | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in args.databases:
        for seed in args.seeds:
            folder = Path(tempfile.mkdtemp(prefix=f"pw-fuzz-{kind}-"))
            try:
                with database_url(kind, folder) as url:
                    server = ServerProcess(url, extra_env=LIMITS_LIFTED).start(log_path=folder / "server.log")
                    started = time.monotonic()
                    try:
                        report = fuzz.run_sync(server, seed, args.frames, folder)
                    finally:
                        server.stop()
            except pytest.skip.Exception as exc:
                print(f"| {kind} | {seed} | skipped: {exc} | | | | | |")
                continue
            seconds = time.monotonic() - started
            refused = sum(report.refused.values())
            print(
                f"| {kind} | {seed} | {report.frames} | {report.http_requests} | {report.acked} | {refused} | "
                f"{len(report.failures)} | {seconds:.0f} |"
            )
            for failure in report.failures[:10]:
                print(f"    {failure}", file=sys.stderr)
            broken += bool(report.failures)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
