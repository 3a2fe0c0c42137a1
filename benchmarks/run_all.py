"""Run every benchmark and end with one line per target (measured value, ratio, PASS/FAIL).

    .venv/bin/python benchmarks/run_all.py            # full: 30 rounds, 1,000-unit batch
    .venv/bin/python benchmarks/run_all.py --quick    # fewer rounds, 200-unit batch

Each benchmark runs in its own process so imports and caches do not leak between them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = [
        ("bench_cli.py", ["--runs", "5" if args.quick else "10"]),
        ("bench_single.py", ["--rounds", "10" if args.quick else "30"]),
        ("bench_growth.py", ["--runs", "1" if args.quick else "3"]),
        ("bench_batch.py", ["--units", "200", "--small", "50"] if args.quick else ["--units", "1000", "--small", "100"]),
    ]
    targets: list[str] = []
    started = time.perf_counter()
    for script, extra in runs:
        print(f"\n$ {Path(sys.executable).name} benchmarks/{script} {' '.join(extra)}", flush=True)
        proc = subprocess.Popen([sys.executable, str(HERE / script), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, cwd=HERE)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if "target" in line and ("PASS" in line or "FAIL" in line):
                targets.append(line.strip())
        if proc.wait() != 0:
            targets.append(f"{script}: exited with {proc.returncode}: FAIL")
    print(f"\n# Targets ({time.perf_counter() - started:.0f} s in all)")
    for line in targets:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
