"""Benchmarks: `make bench`. Prints one line per measurement; numbers go in the issue notes."""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAM = SEEDS / "001_13a6aa9ecbbfac5a.txt"


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: regex compilation, imports
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def bench_ingest() -> None:
    from tabench import ingest

    samples = timed(lambda: ingest(EXAM), repeat=30)
    tracemalloc.start()
    ingest(EXAM)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = EXAM.stat().st_size / 1024
    print(
        f"ingest 001 ({size:.0f} KB): median {statistics.median(samples) * 1000:.1f} ms, "
        f"min {min(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms over {len(samples)} runs; "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )


BENCHES = {"ingest": bench_ingest}


def main(names: list[str]) -> None:
    if not EXAM.exists():
        sys.exit(f"bench: {EXAM} is missing; clone tabench beside shared/")
    for name in names or list(BENCHES):
        BENCHES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
