"""Growth: one report with 100, 1,000 and 10,000 activities; time should grow linearly (ratios ≈ 10).

The activities are the 社区 example's, repeated with distinct titles and attendance (copies keep
their date, kind and place but not their free-text content, which would otherwise repeat word for word
and be refused by the linter). Each size is built in-process through the library API
(pipeline.build: load → compose → lint → .docx + .xlsx + .md → atomic writes), best of a few runs,
with the time of each stage alongside so a non-linear stage is easy to spot.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from common import ROOT, machine, verdict

SIZES = (100, 1000, 10000)
TARGET_10K = 15.0
SOURCE = ROOT / "examples" / "shequ-2024-shangbannian.yaml"


class _NoAliases(yaml.SafeDumper):
    """Write repeated objects out in full: the loader refuses alias-heavy files (billion laughs)."""

    def ignore_aliases(self, data):  # noqa: ANN001, ANN201
        return True


def make_input(folder: Path, count: int) -> Path:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    base = data["activities"]
    activities = []
    for i in range(count):
        item = dict(base[i % len(base)])
        if i >= len(base):
            item["title"] = f"{item['title']}（第{i // len(base) + 1}轮）"
            for key in ("content", "outcome", "evidence", "recurrence", "times"):
                item.pop(key, None)
            item["attendance"] = int(item.get("attendance") or 10) + i  # keeps each detail sentence distinct
        activities.append(item)
    data["activities"] = activities
    path = folder / f"activities{count}.yaml"
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def stages(path: Path, out: Path, pack) -> dict[str, float]:  # noqa: ANN001
    from reportgen.loaders import load_report
    from reportgen.pipeline import Options, build, build_document, render_outputs

    times = {}
    t = time.perf_counter()
    report, _ = load_report(path)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    document = build_document(report, None, pack)
    times["compose+lint"] = time.perf_counter() - t
    for fmt in ("docx", "xlsx", "md"):
        t = time.perf_counter()
        render_outputs(report, document, Options(formats=(fmt,)))
        times[fmt] = time.perf_counter() - t
    t = time.perf_counter()
    build(path, out, Options(), pack)
    times["total (build)"] = time.perf_counter() - t
    return times


def diagnostic_pack(folder: Path):  # noqa: ANN201
    """The standard pack with culture.j2's O(n²) ``reject("in", chain)`` (pydantic ``==`` on every
    pair of activities) replaced by the equivalent ``rejectattr("festival")``, given as a
    ``--templates`` override; and compose's per-report render budget raised. For --diagnose only."""
    from reportgen import compose
    from reportgen.compose import load_pack, templates_root

    source = (templates_root() / "standard" / "themes" / "culture.j2").read_text(encoding="utf-8")
    fixed = source.replace('activities | reject("in", chain) | list', '(activities | rejectattr("festival") | list) if chain else activities')
    if fixed == source:
        print("(diagnostic: culture.j2 no longer has the reject(\"in\") line; nothing replaced)")
    (folder / "themes").mkdir(parents=True, exist_ok=True)
    (folder / "themes" / "culture.j2").write_text(fixed, encoding="utf-8")
    if hasattr(compose, "RENDER_SECONDS"):
        compose.RENDER_SECONDS = 600.0
    return load_pack(folder)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--diagnose", action="store_true",
                        help="measure with the culture.j2 fix and a raised render budget (not the shipped code)")
    args = parser.parse_args()
    from reportgen.compose import load_pack

    pack = load_pack()
    if args.diagnose:
        pack = diagnostic_pack(Path(tempfile.mkdtemp(prefix="rg-tpl-")))
        print("# DIAGNOSTIC run: culture.j2 without reject(\"in\"), render budget raised — not the shipped templates")
    tmp = Path(tempfile.mkdtemp(prefix="rg-growth-"))
    stages(make_input(tmp, 20), tmp / "out", pack)  # warm-up: templates compile once per pack
    print(f"# One report with many activities, in-process, best of {args.runs} — {machine()}")
    totals = {}
    for count in SIZES:
        path = make_input(tmp, count)
        best: dict[str, float] = {}
        try:
            for _ in range(args.runs if count < 10000 else max(1, args.runs - 1)):
                for stage, seconds in stages(path, tmp / "out", pack).items():
                    best[stage] = min(best.get(stage, seconds), seconds)
        except Exception as exc:  # noqa: BLE001 — report the failure as the measurement
            print(f"{count:>6} activities: FAILED after {', '.join(f'{k} {v:.3f} s' for k, v in best.items()) or 'start'}: "
                  f"{type(exc).__name__}: {str(exc)[:300]}")
            totals[count] = float("inf")
            continue
        totals[count] = best["total (build)"]
        print(f"{count:>6} activities: " + ", ".join(f"{k} {v:.3f} s" for k, v in best.items()))
    r1, r2 = totals[1000] / totals[100], totals[10000] / totals[1000]
    print(f"growth ratios (×10 activities each): 100→1,000 ×{r1:.1f}, 1,000→10,000 ×{r2:.1f} "
          f"(linear ≈ ×10; target ≤ ×12: {verdict(r2 <= 12)})")
    print(f"10,000 activities: {totals[10000]:.2f} s; target < {TARGET_10K:.0f} s "
          f"(ratio to target {totals[10000] / TARGET_10K:.2f}): {verdict(totals[10000] < TARGET_10K)}")
    shutil.rmtree(tmp, ignore_errors=True)
    return {"ratios": (r1, r2), "t10k": totals[10000]}


if __name__ == "__main__":
    main()
