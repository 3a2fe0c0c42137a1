"""reportgen batch: parallel builds where one bad file does not stop the others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgen.batch import UnitResult, build_many, check_stems, collect_inputs
from reportgen.cli import app
from reportgen.errors import InputError
from reportgen.pipeline import Options

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = (ROOT / "examples" / "minimal.yaml").read_text(encoding="utf-8")
NAMES = ["竹园社区", "桃源社区", "杏林社区"]


def _good(folder: Path, stem: str, name: str) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(MINIMAL.replace("青枫市东湖区柳荫街道竹园社区", f"柳荫街道{name}")
                    .replace("{name: 柳荫街道", "{parent: 柳荫街道办事处, name: 柳荫街道"), encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, name in enumerate(NAMES):
        _good(folder, f"good{i}", name)
    (folder / "bad-placeholder.yaml").write_text(
        "unit: {name: 某某社区, type: 社区}\nperiod: {year: 2024}\n", encoding="utf-8")
    (folder / "bad-syntax.yaml").write_text("unit: [\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an input", encoding="utf-8")
    (folder / "~$lock.xlsx").write_bytes(b"")
    return folder


def test_batch_builds_good_files_and_lists_every_failure(inputs: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["batch", str(inputs), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    text = result.output
    assert "失败的文件（2 个）" in text
    assert "bad-placeholder.yaml" in text and "某某" in text  # the located message, not just the name
    assert "bad-syntax.yaml" in text and "YAML" in text
    assert "成功 3 个，失败 2 个" in text
    for i in range(3):
        assert (out / f"good{i}.md").is_file()
        assert (out / f"good{i}.docx").stat().st_size > 0
    assert not list(out.glob("bad-*"))
    assert not list(out.glob(".*.tmp"))
    assert (out / "汇总.xlsx").is_file() and (out / "汇总.md").is_file()
    summary = (out / "汇总.md").read_text(encoding="utf-8")
    assert all(name in summary for name in NAMES)


def test_batch_of_good_files_exits_zero(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    _good(folder, "a", NAMES[0])
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out"), "--no-rollup"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.md").is_file()
    assert not (tmp_path / "out" / "汇总.xlsx").exists()


def test_duplicate_stems_are_refused_before_any_work(tmp_path: Path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        _good(tmp_path / sub, "same", NAMES[0])
    out = tmp_path / "out"
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["batch", str(tmp_path / "x"), str(tmp_path / "y"), "-o", str(out)])
    assert result.exit_code == 1
    assert "文件名相同（same）" in result.output
    assert not out.exists()


def test_rollup_stem_is_reserved(tmp_path: Path):
    path = _good(tmp_path, "汇总", NAMES[0])
    with pytest.raises(InputError, match="留给汇总表"):
        check_stems([path], rollup=True)
    check_stems([path], rollup=False)


def test_collect_inputs(inputs: Path, tmp_path: Path):
    found = collect_inputs([inputs, inputs / "good0.yaml"])
    assert [p.name for p in found] == ["bad-placeholder.yaml", "bad-syntax.yaml", "good0.yaml", "good1.yaml", "good2.yaml"]
    with pytest.raises(InputError, match="不存在"):
        collect_inputs([tmp_path / "missing"])


def crash_on_marked(path: Path) -> UnitResult:
    """A worker that dies outright (as a segfault or the OOM killer would) for one file."""
    if "crash" in path.name:
        os._exit(9)
    return UnitResult(path, outputs=[path])


def test_a_dying_worker_fails_only_its_unit(tmp_path: Path):
    paths = [tmp_path / f"u{i}.yaml" for i in range(6)]
    paths.insert(3, tmp_path / "crash.yaml")
    results = build_many(paths, tmp_path / "out", jobs=2, options=Options(formats=("md",)), task=crash_on_marked)
    assert [r.path for r in results] == paths
    failed = [r for r in results if not r.ok]
    assert [r.path.name for r in failed] == ["crash.yaml"]
    assert "意外退出" in failed[0].error


def test_in_process_build_many_reports_errors(inputs: Path, tmp_path: Path):
    paths = collect_inputs([inputs])
    seen = []
    results = build_many(paths, tmp_path / "out", jobs=1, options=Options(formats=("md",)), on_result=seen.append)
    assert len(seen) == len(paths)
    assert [r.ok for r in results] == [False, False, True, True, True]
    assert results[2].summary is not None and results[2].summary.name == "柳荫街道竹园社区"


def test_outputs_of_an_earlier_run_are_not_inputs(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    _good(folder, "a", NAMES[0])
    (folder / "out").mkdir()
    (folder / "out" / "a.xlsx").write_bytes(b"earlier output")
    assert [p.name for p in collect_inputs([folder], outdir=folder / "out")] == ["a.yaml"]


def test_a_batch_unit_is_built_exactly_as_build_builds_it(tmp_path: Path) -> None:
    """One build function: a unit built in a batch gives the same bytes as ``reportgen build`` (the
    workbook's 文字依据 sheet included, which names the input lines)."""
    from reportgen.batch import build_one
    from reportgen.pipeline import build

    source = _good(tmp_path, "竹园", NAMES[0])
    alone = build(source, tmp_path / "alone").outputs
    batched = build_one(source, tmp_path / "batch", Options()).outputs
    assert [p.name for p in alone] == [p.name for p in batched] and len(alone) == 3
    for one, other in zip(alone, batched):
        assert one.read_bytes() == other.read_bytes(), one.name


def test_a_pool_that_breaks_while_units_are_submitted_loses_none(tmp_path: Path):
    # Every worker dies at once, so the pool is often broken before the window is full.
    paths = [tmp_path / f"crash{i}.yaml" for i in range(5)] + [tmp_path / "u.yaml"]
    results = build_many(paths, tmp_path / "out", jobs=2, options=Options(formats=("md",)), task=crash_on_marked)
    assert [r.path for r in results] == paths
    assert [r.ok for r in results] == [False] * 5 + [True]


def test_units_built_one_after_another_in_one_worker_give_the_bytes_each_gives_alone(tmp_path: Path) -> None:
    """A worker builds many units with one pack and whatever the process keeps between units (compiled
    templates, per-type sandbox decisions, caches of pure functions): none of it may carry one unit's data
    into the next. Each unit built in a fresh process is compared with the same unit built after others."""
    import subprocess
    import sys

    from reportgen.batch import build_one
    from reportgen.compose import load_pack

    sources = [ROOT / "examples" / name for name in ("shequ-2024-shangbannian.yaml", "zhen-2024-quannian.yaml")]
    pack = load_pack(None)
    for source in sources + sources[::-1]:  # each unit once after the other one
        assert build_one(source, tmp_path / "together", Options(), pack).ok
        together = {p.name: p.read_bytes() for p in (tmp_path / "together").iterdir() if p.stem == source.stem}
        alone_dir = tmp_path / "alone" / source.stem
        if not alone_dir.exists():
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from reportgen.pipeline import build; "
                            "build(Path(sys.argv[1]), Path(sys.argv[2]))", str(source), str(alone_dir)],
                           check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "REPORTGEN_NO_CACHE": "1"})
        alone = {p.name: p.read_bytes() for p in alone_dir.iterdir()}
        assert sorted(together) == sorted(alone) and len(alone) == 3
        for name, data in alone.items():
            assert together[name] == data, f"{name} differs when built after another unit"
