"""Instructions per compose (or per whole unit) under callgrind: a measure a shared machine does not blur.

On a machine whose other sessions keep both cores busy, CPU times of one compose vary by ±2 ms run to
run; a change worth 1 ms cannot be told from noise. valgrind counts the instructions executed, which
do not depend on the load. The script runs itself under ``valgrind --tool=callgrind`` twice — once
doing the work once (start-up and the first, cold run), once doing it ``1 + N`` times — and prints the
difference divided by N. About a minute per run; needs valgrind (``apt-get install valgrind``).

    .venv/bin/python benchmarks/instructions.py                      # compose, 社区 example
    .venv/bin/python benchmarks/instructions.py --stage unit examples/zhen-2024-quannian.yaml

Compare two checkouts by running it in each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _work(stage: str, source: Path, times: int) -> None:
    """Inside valgrind: load the pack, then compose (or build) ``source`` ``times`` times."""
    sys.path.insert(0, str(ROOT))
    from reportgen.compose import sandbox

    sandbox.RENDER_SECONDS = 1e6  # valgrind runs ~50× slower than the render budget assumes
    from reportgen.batch import build_one
    from reportgen.compose import compose, load_pack
    from reportgen.loaders import load
    from reportgen.pipeline import Options

    pack = load_pack(None)
    report, _, source_map = load(source)
    out = Path(os.environ["INSTRUCTIONS_OUT"])
    for _ in range(times):
        if stage == "compose":
            compose(report, None, pack, source_map)
        else:
            result = build_one(source, out, Options(), pack)
            assert result.ok, result.error


def _count(stage: str, source: Path, times: int, out: Path) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--inside", str(times), "--stage", stage, str(source)]
    env = {**os.environ, "PYTHONHASHSEED": "0", "REPORTGEN_NO_CACHE": "1", "INSTRUCTIONS_OUT": str(out)}
    run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not found:
        sys.exit(run.stderr[-2000:])
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(ROOT / "examples" / "shequ-2024-shangbannian.yaml"))
    parser.add_argument("--stage", choices=("compose", "unit"), default="compose")
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--inside", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    source = Path(args.source).resolve()
    if args.inside is not None:
        _work(args.stage, source, args.inside)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        once = _count(args.stage, source, 1, Path(folder))
        more = _count(args.stage, source, 1 + args.times, Path(folder))
    print(f"{args.stage} {source.name}: {(more - once) / args.times / 1e6:.1f} M instructions each "
          f"(callgrind, {args.times} runs after a first one)")


if __name__ == "__main__":
    main()
