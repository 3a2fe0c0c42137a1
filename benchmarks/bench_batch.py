"""``reportgen batch --jobs 2`` on 1,000 generated units: wall time (< 60 s) and worker memory (< 200 MB, flat).

The inputs are written to a temporary folder by varying the 社区 example (unit name, attendance,
metric values), so every unit is valid and distinct. The batch runs as a real command; a sampler
thread reads /proc every 0.1 s for every descendant process (the forkserver's workers included) and
records each worker's resident memory over time and its kernel-reported peak (VmHWM). "Flat" is
checked twice: a worker's memory late in the run against early in the run, and the peak of a
1,000-unit batch against a 100-unit one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, machine, parallel_capacity, vary_example, verdict

TIME_TARGET = 30.0  # issue 16: 1,000 units with --jobs 2 under 30 s on 2 cores
MEMORY_TARGET_MB = 200.0
SOURCE = ROOT / "examples" / "shequ-2024-shangbannian.yaml"


def make_inputs(folder: Path, count: int) -> None:
    text = SOURCE.read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"unit{i + 1:04d}.yaml").write_text(vary_example(text, i), encoding="utf-8")


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def memory(pid: int) -> tuple[float, float, str] | None:
    """(VmRSS MB, VmHWM MB, command) of a process, None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    values = {}
    for line in status.splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0), cmdline


def run_batch(folder: Path, out: Path, jobs: int) -> dict:
    exe = Path(sys.executable).parent / "reportgen"
    cmd = [str(exe), "batch", str(folder), "-o", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    samples: dict[int, list[tuple[float, float]]] = {}
    peaks: dict[int, float] = {}
    kinds: dict[int, str] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            now = time.perf_counter() - start
            for pid in [proc.pid] + descendants(proc.pid):
                found = memory(pid)
                if found:
                    rss, hwm, cmdline = found
                    samples.setdefault(pid, []).append((now, rss))
                    peaks[pid] = max(peaks.get(pid, 0.0), hwm)
                    kinds[pid] = "main" if pid == proc.pid else ("helper" if parent(pid) == proc.pid else "worker")
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    # The main process's children are the forkserver and resource tracker; their children are the workers.
    workers = {pid: s for pid, s in samples.items() if kinds.get(pid) == "worker" and len(s) > 2}
    return {"elapsed": elapsed, "code": proc.returncode, "stderr": stderr.decode(errors="replace"),
            "workers": workers, "peaks": {pid: peaks[pid] for pid in workers}, "main_peak": peaks.get(proc.pid, 0.0)}


def drift(series: list[tuple[float, float]]) -> tuple[float, float]:
    """RSS (MB) at 20% and at 95% of a worker's sampled life."""
    early = series[int(len(series) * 0.2)][1]
    late = series[int(len(series) * 0.95)][1]
    return early, late


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100, help="the smaller batch for the flatness check")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rg-batch-"))
    print(f"# reportgen batch --jobs {args.jobs} — {machine()}")
    print(f"# {parallel_capacity(args.jobs)}")
    results = {}
    for count in (args.small, args.units):
        folder, out = tmp / f"in{count}", tmp / f"out{count}"
        folder.mkdir()
        make_inputs(folder, count)
        run = run_batch(folder, out, args.jobs)
        produced = len(list(out.glob("unit*.docx")))
        if run["code"] != 0:
            print(run["stderr"][-2000:])
        peak = max(run["peaks"].values(), default=0.0)
        drifts = [drift(s) for s in run["workers"].values()]
        # a run that failed or left units out measures nothing: it cannot pass a target
        complete = run["code"] == 0 and produced == count
        results[count] = {"elapsed": run["elapsed"], "peak": peak, "drifts": drifts, "complete": complete}
        print(f"{count} units: {run['elapsed']:.1f} s wall ({run['elapsed'] / count * 1000:.0f} ms/unit), exit {run['code']}, "
              f"{produced} .docx + 汇总: {', '.join(p.name for p in sorted(out.glob('汇总.*')))}; "
              f"workers {len(run['workers'])}, peak RSS per worker {peak:.0f} MB, main process {run['main_peak']:.0f} MB; "
              f"worker RSS early→late: " + ", ".join(f"{a:.0f}→{b:.0f} MB" for a, b in drifts))
    big, small = results[args.units], results[args.small]
    growth = big["peak"] - small["peak"]
    late_growth = max((b - a for a, b in big["drifts"]), default=0.0)
    ok = big["complete"] and small["complete"]
    print(f"{args.units} units with --jobs {args.jobs}: {big['elapsed']:.1f} s; target < {TIME_TARGET:.0f} s "
          f"(ratio to target {big['elapsed'] / TIME_TARGET:.2f}): {verdict(ok and big['elapsed'] < TIME_TARGET)}")
    print(f"peak memory per worker: {big['peak']:.0f} MB; target < {MEMORY_TARGET_MB:.0f} MB "
          f"(ratio to target {big['peak'] / MEMORY_TARGET_MB:.2f}): {verdict(ok and big['peak'] < MEMORY_TARGET_MB)}")
    flat = ok and growth < 10 and late_growth < 10
    print(f"flat: peak {small['peak']:.0f} MB at {args.small} units vs {big['peak']:.0f} MB at {args.units} units "
          f"(+{growth:.1f} MB), worker growth during the run ≤ {late_growth:.1f} MB; target flat (< 10 MB): {verdict(flat)}")
    shutil.rmtree(tmp, ignore_errors=True)
    return {"elapsed": big["elapsed"], "peak": big["peak"], "flat": flat}


if __name__ == "__main__":
    main()
