"""Export time and peak memory per format for a large generated map.

Baseline, measured in the same run: serializing the same snapshot to JSON with orjson, the least work any
export can do. Each format is run `--repeat` times; the table shows the best time and the peak memory
Python allocated during one run (tracemalloc).

    .venv/bin/python -m bench.exports [--notes 5000] [--links 10000] [--repeat 3] [--evidence] [--cpu]

With --cpu the times are CPU seconds of this process (time.process_time) rather than wall-clock seconds: on a
machine shared with other work they vary less.

With --evidence every link carries a mechanism, support, a source, a grade, confidence and (a third of them)
an assumption, and every outcome and impact an indicator: what the contribution report, the M&E framework,
the PRSM and Kumu workbooks and the evidence attributes of csv, graphml, gexf and kumu are measured on
(`--evidence --formats csv,graphml,gexf,kumu`).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import orjson

from server import export
from tests.support.maps import generated_map


def measure(
    run: Callable[[], bytes], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float, int]:
    """(best seconds, peak MiB, output bytes)."""
    best, size = float("inf"), 0
    for _ in range(repeat):
        start = clock()
        size = len(run())
        best = min(best, clock() - start)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(export.FORMATS))
    parser.add_argument("--evidence", action="store_true", help="evidence on every link, indicators on outcomes")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of this process, not wall-clock time")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    snapshot = generated_map(args.notes, args.links, evidence=args.evidence)
    base_time, base_peak, base_size = measure(lambda: orjson.dumps(snapshot), args.repeat, clock)
    with_evidence = ", evidence on every link" if args.evidence else ""
    unit = "CPU seconds" if args.cpu else "seconds"
    print(f"map: {args.notes:,} notes, {args.links:,} links{with_evidence}; best of {args.repeat}\n")
    print(f"| format | {unit} | × baseline | peak MiB | output KiB |")
    print("|---|---:|---:|---:|---:|")
    baseline = f"| baseline: orjson.dumps of the snapshot | {base_time:.3f} | 1 | {base_peak:.0f} |"
    print(f"{baseline} {base_size / 1024:,.0f} |")
    for name in args.formats.split(","):
        seconds, peak, size = measure(lambda name=name: export.export(snapshot, name, 0), args.repeat, clock)
        print(f"| {name} | {seconds:.3f} | {seconds / base_time:,.0f} | {peak:.0f} | {size / 1024:,.0f} |")


if __name__ == "__main__":
    main()
