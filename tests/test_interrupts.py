"""Ctrl-C and kill -9 against the ``reportgen`` command as users start it (reportgen.launch).

The attack run found, for ``batch``: a multiprocessing traceback (Ctrl-C while workers start), a
KeyboardInterrupt traceback (Ctrl-C while the command line loads), exit 130 with no message (Ctrl-C
while typer parses the arguments), and workers, the fork server and the resource tracker left
running after kill -9 of the batch. Here Ctrl-C lands at spread-out moments from loading to writing:
every run ends with exit 130 and a Chinese message (or finishes normally), no traceback, only
complete files and no process left behind; kill -9 of the batch takes all its processes with it.
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz_helpers import EXAMPLES, SOAK, run_cli, valid_output

pytestmark = [
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="process tree read from /proc (Linux)"),
]

LAUNCH = "from reportgen.launch import main; main()"
#: Seconds after start; Python's own start-up (before any reportgen code runs) takes about 0.05 s.
DELAYS = [0.15, 0.3, 0.5, 0.8, 1.2, 1.8, 2.5, 3.5] * (3 if SOAK else 1)


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    return found


def _descendants(pid: int) -> set[int]:
    parents, found, frontier = _parents(), set(), [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _alive(pids: set[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _inputs(folder: Path, copies: int = 2) -> Path:
    folder.mkdir()
    for copy in range(copies):
        for example in sorted(EXAMPLES.glob("*.yaml")):
            (folder / f"{example.stem}-{copy}.yaml").write_bytes(example.read_bytes())
    return folder


def _spawn(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LAUNCH, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def _complete_outputs_only(out: Path) -> None:
    for path in (out.iterdir() if out.exists() else []):
        if path.name.startswith(".rg-"):
            continue  # a killed run's leftovers: removed by the next run (test_killed_build)
        assert valid_output(path), f"{path.name} is incomplete"


@pytest.mark.parametrize("delay", DELAYS)
def test_ctrl_c_during_batch_is_clean(delay, tmp_path):
    out = tmp_path / "out"
    process = _spawn("batch", _inputs(tmp_path / "in"), "-o", out, "-j", "2")
    time.sleep(delay)
    tree = _descendants(process.pid)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("batch did not stop after Ctrl-C")
    text = stdout.decode("utf-8", "replace") + stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert process.returncode in (0, 1, 130), (process.returncode, text)
    if process.returncode == 130:
        assert "已中断" in text, text
    _complete_outputs_only(out)
    time.sleep(0.5)
    assert _alive(tree | _descendants(process.pid)) == [], "processes outlived the batch"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")] if out.exists() else []
    assert leftovers == [], leftovers


@pytest.mark.parametrize("delay", [0.15, 0.4, 1.0])
def test_ctrl_c_during_build_is_clean(delay, tmp_path):
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "shequ-2024-shangbannian.yaml").read_bytes())
    out = tmp_path / "out"
    process = _spawn("build", source, "-o", out)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    text = stdout.decode("utf-8", "replace") + stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    assert process.returncode in (0, 130), (process.returncode, text)
    if process.returncode == 130:
        assert "已中断" in text, text
    _complete_outputs_only(out)


def test_kill_9_of_the_batch_takes_its_workers_with_it(tmp_path):
    out = tmp_path / "out"
    inputs = _inputs(tmp_path / "in", copies=4)
    process = subprocess.Popen([sys.executable, "-c", LAUNCH, "batch", str(inputs), "-o", str(out), "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    tree: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        tree = _descendants(process.pid)
        if len(tree) >= 3 and out.exists() and any(p.suffix == ".docx" for p in out.iterdir()):
            break  # fork server, resource tracker and workers are up, and units are being written
        time.sleep(0.05)
    assert process.poll() is None, "the batch ended before it could be killed"
    tree |= _descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while _alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(tree) == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:100] for p in _alive(tree)]
    _complete_outputs_only(out)
    # the next run into the folder removes whatever the killed one left
    again = run_cli("batch", inputs / "minimal-0.yaml", "-o", out, "--no-rollup", "-j", "1")
    assert again.exit_code == 0, again.output
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_library_warnings_do_not_reach_the_user(tmp_path):
    """openpyxl's UserWarning (with its site-packages path) for an absurd date serial is not shown."""
    import openpyxl

    from reportgen.loaders import load_report
    from reportgen.pipeline import render_workbook

    report, _ = load_report(EXAMPLES / "minimal.yaml")
    book = openpyxl.load_workbook(io.BytesIO(render_workbook(report)))
    sheet = book["活动台账"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=4) if hasattr(row[1].value, "year"))
    cell.value, cell.number_format = 1e10, "yyyy-mm-dd"
    path = tmp_path / "absurd.xlsx"
    book.save(path)
    done = subprocess.run([sys.executable, "-W", "default", "-c", LAUNCH, "validate", str(path)], capture_output=True, timeout=120)
    text = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1 and f"活动台账!{cell.coordinate}" in text, text
    assert "Warning" not in text and "site-packages" not in text, text


def test_ctrl_c_while_a_command_loads_its_modules_is_the_interrupted_message():
    """Ctrl-C as the batch command imported its modules once gave a traceback: pydantic, building a
    model's validator when the interrupt landed, turned the KeyboardInterrupt into a SchemaError, which
    no handler expects. While the command loads (cli.loading), Ctrl-C ends it at once instead; nothing
    is written yet. Here the interrupt lands inside the block, as the import in the batch run did."""
    script = ("import os, signal, time, sys; sys.argv[0] = 'reportgen'; from reportgen import cli\n"
              "with cli.loading():\n"
              "    os.kill(os.getpid(), signal.SIGINT); time.sleep(5)\n"
              "print('not interrupted')")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    text = (run.stdout + run.stderr).decode("utf-8", "replace")
    assert run.returncode == 130, text
    assert "已中断" in text and "Traceback" not in text and "not interrupted" not in text, text


def test_the_command_body_loads_its_error_types_while_ctrl_c_ends_it_at_once(monkeypatch):
    """The imports at the start of every command body (_guarded) run inside cli.loading."""
    from reportgen import cli

    seen = []

    class Watch:
        def __enter__(self):
            seen.append("loading")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(cli, "loading", Watch)
    assert cli._guarded(lambda: "done") == "done"
    assert seen == ["loading"]
