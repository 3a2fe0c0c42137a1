"""Shared helpers for the benchmarks: the machine and versions, alternating timers, test inputs.

Benchmarks are scripts, not timed tests: run them with the project's Python, e.g.
``.venv/bin/python benchmarks/run_all.py``.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
sys.path.insert(0, str(ROOT))


def machine() -> str:
    """One line: CPU, cores, memory, Python and the libraries that matter for the figures."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
        mem_text = f"{mem} MB RAM"
    except (OSError, ValueError, IndexError):
        mem_text = "? RAM"
    libs = []
    for name in ("reportgen", "python-docx", "docxtpl", "openpyxl", "xlsxwriter", "jinja2", "pydantic", "lxml"):
        try:
            libs.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{cpu}, {os.cpu_count()} cores, {mem_text}, load average {load} at start, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; " + ", ".join(libs))


def checkout_command() -> list[str]:
    """The command line of whichever checkout is first on PYTHONPATH, run by this Python: every
    checkout has ``reportgen.cli.main``, while the console script imports ``reportgen.launch``,
    which older ones lack."""
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'reportgen'; from reportgen.cli import main; main()"]


def largest_example() -> Path:
    """The example whose composed document has the most text (the 'most content' case)."""
    from reportgen.compose import load_pack
    from reportgen.loaders import load_report
    from reportgen.pipeline import build_document

    pack = load_pack()
    sizes = {}
    for path in EXAMPLES:
        report, _ = load_report(path)
        sizes[path] = len(build_document(report, None, pack).plain_text())
    return max(sizes, key=sizes.get)


def alternate(candidates: dict[str, Callable[[], object]], rounds: int, warmup: int = 2) -> dict[str, dict[str, list[float]]]:
    """Time each candidate once per round, in alternating order (AB, BA, AB…), after warm-up.

    Returns wall-clock and CPU (process) seconds per run: on a shared, busy machine the CPU time
    is the steadier measure of the work itself, the wall time what a user waits.
    """
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in names}
    for i in range(rounds):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            candidates[name]()
            times[name]["cpu"].append(time.process_time() - cpu)
            times[name]["wall"].append(time.perf_counter() - start)
    return times


def stats(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), min(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def vary_example(text: str, i: int) -> str:
    """A distinct unit from an example's YAML: another name and slightly different numbers."""
    import yaml

    data = yaml.safe_load(text)
    unit = data["unit"]
    suffix = f"{i + 1:04d}"
    unit["name"] = unit["name"].replace("槐树里社区", f"槐树里第{suffix}社区")
    if unit.get("short_name"):
        unit["short_name"] = f"槐树里第{suffix}社区"
    if data.get("signature", {}).get("unit"):
        data["signature"]["unit"] = data["signature"]["unit"].replace("槐树里社区", f"槐树里第{suffix}社区")
    if data.get("leadership", {}).get("name"):
        data["leadership"]["name"] = data["leadership"]["name"].replace("槐树里社区", f"槐树里第{suffix}社区")
    for n, activity in enumerate(data.get("activities", [])):
        if activity.get("attendance"):
            activity["attendance"] = int(activity["attendance"]) + (i * 7 + n) % 50
    for n, metric in enumerate(data.get("metrics", [])):
        if (metric.get("target") is not None and not metric.get("parts") and not metric.get("key")
                and not metric.get("base") and metric.get("unit") not in ("%", "％")):
            metric["value"] = float(metric["value"]) * (0.8 + ((i * 13 + n) % 45) / 100)
            metric["value"] = round(metric["value"], 1)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _burn(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def parallel_capacity(jobs: int = 2, n: int = 5_000_000) -> str:
    """How many cores the machine really gives us now: one CPU-bound loop alone vs ``jobs`` at once.

    On a shared machine the batch cannot go faster than this; printed beside the batch figures.
    """
    import multiprocessing

    alone = _burn(n)
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        together = pool.map(_burn, [n] * jobs)
    speedup = jobs * alone / max(together)
    return (f"parallel capacity now: one CPU-bound loop {alone:.2f} s alone, {jobs} at once "
            f"{'/'.join(f'{t:.2f}' for t in together)} s each → effective speed-up ×{speedup:.1f} of ×{jobs}")
