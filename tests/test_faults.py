"""Faults other than bad input: internal errors, Ctrl-C, signals, dying batch workers.

A fault never leaves a truncated file or destroys a previous output, never shows a traceback
without --debug, and a batch reports a dead worker as that unit's failure while the rest complete.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz_helpers import print_tally, EXAMPLES, SOAK, files_in, output_text, run_cli, valid_output

SIGNAL_ROUNDS = int(os.environ.get("REPORTGEN_SIGNAL_ROUNDS", 40 if SOAK else 4))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} if folder.exists() else {}


@pytest.fixture
def built(tmp_path):
    """An input and a folder holding its previous outputs."""
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    result = run_cli("build", source, "-o", out)
    assert result.exit_code == 0, result.output
    source.write_bytes((EXAMPLES / "shequ-2024-shangbannian.yaml").read_bytes())  # the next build differs
    return source, out, _snapshot(out)


# ---------------------------------------------------------------- in-process faults


@pytest.mark.parametrize("stage", ["compose", "lint", "docx", "xlsx", "markdown"])
@pytest.mark.parametrize("fault", [RuntimeError("boom"), MemoryError(), RecursionError(), KeyError("x"), ZeroDivisionError()])
def test_internal_error_anywhere_is_exit_3_without_traceback_and_touches_nothing(stage, fault, built, monkeypatch):
    source, out, before = built

    def broken(*args, **kwargs):
        raise fault

    if stage == "compose":
        monkeypatch.setattr("reportgen.pipeline.compose", broken)
    elif stage == "lint":
        monkeypatch.setattr("reportgen.lint.ensure_clean", broken)
    else:
        import importlib

        module = importlib.import_module(f"reportgen.writers.{stage}")
        monkeypatch.setattr(module, "render_book" if stage == "xlsx" else "render", broken)
    result = run_cli("build", source, "-o", out)
    text = output_text(result)
    assert result.exit_code == 3, text  # the README's exit code for a bug: not the input's fault
    assert "Traceback" not in text and "内部错误" in text and "--debug" in text, text
    assert _snapshot(out) == before, "a failed build changed the previous outputs"
    with_debug = run_cli("--debug", "build", source, "-o", out)
    assert with_debug.exit_code != 0 and with_debug.exception is not None  # --debug lets it through
    assert _snapshot(out) == before


def test_ctrl_c_in_process_leaves_previous_outputs(built, monkeypatch):
    source, out, before = built
    from reportgen import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "render_workbook", interrupted)
    result = run_cli("build", source, "-o", out)
    text = output_text(result)
    assert result.exit_code == 130 and "已中断" in text and "Traceback" not in text, text
    assert _snapshot(out) == before


def test_ctrl_c_while_writing_leaves_old_or_new_files(built, monkeypatch):
    """KeyboardInterrupt between the renames: each file is old or new, temps are cleaned up."""
    source, out, before = built
    from reportgen import atomic

    real = atomic.os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    result = run_cli("build", source, "-o", out)
    assert result.exit_code == 130, output_text(result)
    after = _snapshot(out)
    assert after == before, "an interrupted rename phase must put the replaced outputs back"


# ---------------------------------------------------------------- signals to a real process


def _spawn(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from reportgen.launch import main; main()", *args],  # as the console script starts
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _outputs_complete_or_old(out: Path, before: dict[str, bytes]) -> None:
    for path in out.iterdir():
        if path.name.startswith("."):
            assert path.name.startswith(".rg-"), path.name  # a killed run's leftovers (test_killed_build)
            continue
        if before.get(path.name) == path.read_bytes():
            continue
        assert valid_output(path), f"{path.name} is truncated"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_build(sig, built):
    source, out, before = built
    rng = random.Random(int(sig))
    codes: dict[int, int] = {}
    for _ in range(SIGNAL_ROUNDS):
        process = _spawn(["build", str(source), "-o", str(out)])
        time.sleep(rng.uniform(0.2, 3.0))
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        codes[process.returncode] = codes.get(process.returncode, 0) + 1
        text = err.decode("utf-8", "replace")
        assert process.returncode in (0, 130, -sig, 128 + sig), (process.returncode, text)
        assert "Traceback" not in text, text
        _outputs_complete_or_old(out, before)
    print(f"\n{signal.Signals(sig).name} rounds: {SIGNAL_ROUNDS}; exit codes: {codes}")


# ---------------------------------------------------------------- batch under faults


def _batch_inputs(folder: Path, copies: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for copy in range(copies):
        for example in sorted(EXAMPLES.glob("*.yaml")):
            target = folder / f"{example.stem}-{copy}.yaml"
            target.write_bytes(example.read_bytes())
            paths.append(target)
    return paths


def _descendants(pid: int) -> dict[int, int]:
    """pid → parent pid for every process below ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, int] = {}
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = parent
                frontier.append(child)
    return found


needs_batch = pytest.mark.skipif(
    not (Path(__file__).parent.parent / "reportgen" / "batch.py").exists() or not Path("/proc/self/stat").exists(),
    reason="needs reportgen/batch.py and /proc",
)


@needs_batch
def test_batch_worker_killed_from_outside(tmp_path):
    """kill -9 a worker mid-batch: its unit is retried or reported as failed; every other unit completes."""
    inputs = _batch_inputs(tmp_path / "in")
    out = tmp_path / "out"
    process = _spawn(["batch", str(tmp_path / "in"), "-o", str(out), "-j", "2", "--no-rollup"])
    killed = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        tree = _descendants(process.pid)
        workers = [pid for pid, parent in tree.items() if parent != process.pid]  # below the forkserver
        if workers and out.exists() and any(p.suffix == ".docx" for p in out.iterdir()):
            killed = random.Random(1).choice(sorted(workers))
            os.kill(killed, signal.SIGKILL)
            break
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=300)
    text = stdout.decode("utf-8", "replace") + stderr.decode("utf-8", "replace")
    assert process.returncode in (0, 1), (process.returncode, text)
    assert "Traceback" not in text, text
    failed_units = [p.stem for p in inputs if p.name in text and ("意外退出" in text or "失败" in text)]
    for path in inputs:
        names = {f"{path.stem}.{s}" for s in ("docx", "xlsx", "md")}
        present = names & set(files_in(out))
        if present != names:
            assert path.name in text or path.stem in text, f"{path.name} neither built nor reported:\n{text}"
        for name in present:
            assert valid_output(out / name), name
    print(f"\nbatch: killed worker {killed}; exit {process.returncode}; units reported failed: {len(failed_units)}")


@needs_batch
def test_batch_task_that_kills_its_worker_is_reported_and_the_rest_complete(tmp_path):
    from reportgen.batch import build_many
    from reportgen.pipeline import Options

    inputs = _batch_inputs(tmp_path / "in", copies=1)
    doomed = inputs[2]
    (tmp_path / "in" / "doomed.txt").write_text(doomed.name)
    results = build_many(inputs, tmp_path / "out", jobs=2, options=Options(formats=("md",)), summarise=False, task=_die_on_doomed)
    by_name = {r.path.name: r for r in results}
    assert not by_name[doomed.name].ok and "意外退出" in by_name[doomed.name].error
    for path in inputs:
        if path != doomed:
            assert by_name[path.name].ok, by_name[path.name].error
            assert valid_output(tmp_path / "out" / f"{path.stem}.md")


def _die_on_doomed(path: Path):  # a module-level, picklable task for build_many
    if (path.parent / "doomed.txt").read_text() == path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    from reportgen.batch import build_one
    from reportgen.pipeline import Options

    return build_one(path, path.parent.parent / "out", Options(formats=("md",)), summarise=False)


@needs_batch
@pytest.mark.parametrize("delay", [0.8, 2.0, 3.5])
def test_batch_ctrl_c_stops_cleanly_with_only_complete_files(tmp_path, delay):
    _batch_inputs(tmp_path / "in", copies=3)
    out = tmp_path / "out"
    process = _spawn(["batch", str(tmp_path / "in"), "-o", str(out), "-j", "2"])
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("batch did not stop after Ctrl-C")
    text = stdout.decode("utf-8", "replace") + stderr.decode("utf-8", "replace")
    assert process.returncode in (0, 1, 130), (process.returncode, text)
    for path in (out.iterdir() if out.exists() else []):
        assert not path.name.startswith("."), f"temporary file left: {path.name}"
        assert valid_output(path), f"{path.name} is incomplete"
    time.sleep(0.5)
    assert not [pid for pid in _descendants(process.pid)], "worker processes outlived the batch"
    assert "Traceback" not in text, text


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_faults")
