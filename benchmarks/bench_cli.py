"""Command-line start-up: ``reportgen --help`` (< 0.3 s) and one ``reportgen build`` of the 社区 example (< 0.5 s wall).

Each is run as a fresh process, as a user would, several times; medians and minimums printed.
With ``--vs FOLDER`` (another checkout, e.g. ``git worktree add /tmp/main main``) the build is also run
alternately from this tree and from FOLDER (A B A B …, same Python, same example) and the ratio of
the medians printed: on a shared machine the ratio holds when the absolute times do not. With FOLDER
a checkout of the tree issue 16 was filed against (``git worktree add /tmp/rg-issue16 77d04fd``), the
ratio also gives this tree's time at the host speed of that tree's recorded 0.737 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, checkout_command, machine, verdict

HELP_TARGET = 0.3
BUILD_TARGET = 0.5  # issue 16: `reportgen build` of the 社区 example under 0.5 s
#: The build of the tree issue 16 was filed against, as benchmarks/README.md recorded it (2026-11-22).
PEER_SECONDS_THEN = 0.737


def reportgen_command() -> list[str]:
    exe = Path(sys.executable).parent / "reportgen"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reportgen.cli"]


def user_environment() -> dict[str, str]:
    """This environment without PYTHONDONTWRITEBYTECODE: an installed reportgen has its bytecode (pip
    compiles it), and without it every run would compile reportgen's modules again (about 0.15 s)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall(args: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system of the child) of each run."""
    env = env or user_environment()
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return times, cpus


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--vs", type=Path, default=None, help="another checkout to compare the build with")
    args = parser.parse_args()
    cmd = reportgen_command()
    example = ROOT / "examples" / "shequ-2024-shangbannian.yaml"
    out = Path(tempfile.mkdtemp(prefix="rg-cli-"))
    print(f"# CLI wall time, fresh process each run ({args.runs} runs) — {machine()}")
    helps, help_cpu = wall(cmd + ["--help"], args.runs)
    builds, build_cpu = wall(cmd + ["build", str(example), "-o", str(out)], args.runs)
    shutil.rmtree(out, ignore_errors=True)
    h, b = statistics.median(helps), statistics.median(builds)
    print(f"reportgen --help: median {h:.3f} s (min {min(helps):.3f} s, CPU {statistics.median(help_cpu):.3f} s); "
          f"target < {HELP_TARGET} s (ratio to target {h / HELP_TARGET:.2f}): {verdict(h < HELP_TARGET)}")
    print(f"reportgen build {example.name} (.docx+.xlsx+.md): median {b:.3f} s (min {min(builds):.3f} s, "
          f"CPU {statistics.median(build_cpu):.3f} s); target < {BUILD_TARGET} s (ratio to target {b / BUILD_TARGET:.2f}): "
          f"{verdict(b < BUILD_TARGET)}")
    if args.vs is not None:
        compare(args.vs.resolve(), args.runs)
    return {"help": h, "build": b}


def compare(other: Path, runs: int) -> None:
    """This tree (A) against ``other`` (B), run in turn, each from its own source via PYTHONPATH.

    Both build the other checkout's 社区 example (an older tree may not read fields added since;
    this one reads the older file). Each tree has its own cache folder, so neither reads or
    overwrites the other's compiled templates. The other tree runs through ``common.checkout_command``.
    """
    env = user_environment()
    out = Path(tempfile.mkdtemp(prefix="rg-cli-vs-"))
    example = other / "examples" / "shequ-2024-shangbannian.yaml"
    commands = {"A": reportgen_command(), "B": checkout_command()}
    envs = {name: {**env, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(out / f"cache-{name}")}
            for name, tree in (("A", ROOT), ("B", other))}
    wall_times: dict[str, list[float]] = {"A": [], "B": []}
    cpu_times: dict[str, list[float]] = {"A": [], "B": []}
    for name in commands:  # one unmeasured run each: bytecode and caches in place
        wall(commands[name] + ["build", str(example), "-o", str(out / name)], 1, envs[name])
    for _ in range(runs):
        for name in commands:
            w, c = wall(commands[name] + ["build", str(example), "-o", str(out / name)], 1, envs[name])
            wall_times[name] += w
            cpu_times[name] += c
    shutil.rmtree(out, ignore_errors=True)
    a, b = statistics.median(wall_times["A"]), statistics.median(wall_times["B"])
    ac, bc = statistics.median(cpu_times["A"]), statistics.median(cpu_times["B"])
    print(f"reportgen build {example.name}, this tree (A) vs {other} (B), alternating, {runs} runs each: "
          f"A median {a:.3f} s (CPU {ac:.3f} s), B median {b:.3f} s (CPU {bc:.3f} s); "
          f"A/B ratio of medians {a / b:.2f} (of CPU {ac / bc:.2f})")
    print(f"  with B the tree issue 16 was filed against (77d04fd, {PEER_SECONDS_THEN} s median on 2026-11-22): "
          f"this tree at that host's speed {a / b * PEER_SECONDS_THEN:.3f} s; target < {BUILD_TARGET} s: "
          f"{verdict(a / b * PEER_SECONDS_THEN < BUILD_TARGET)}")


if __name__ == "__main__":
    main()
