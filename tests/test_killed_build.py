"""What a killed build leaves behind, and what the next run does with it (the README promise).

A build is killed (SIGKILL, so no cleanup runs) at exact points of its write phase: while writing
the temporary files, after the journal is written but before any rename, and between two renames.
Each output is then the old file or the complete new one; the next write into that folder finishes
a journalled set (all new), or keeps the old set when the kill came before the journal, and removes
every temporary file. Writers to one folder take turns, so concurrent builds into one ``-o`` leave
one build's complete set, never a mix; an output name at the 255-byte limit still works.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fuzz_helpers import EXAMPLES, assert_contract, run_cli

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals"),
]

NAMES = ("unit.docx", "unit.xlsx", "unit.md")

#: Run in the child before the CLI: SIGKILL itself at the chosen call of os.replace or os.fsync.
KILL_AT = """
import os, signal
_replace, _fsync = os.replace, os.fsync
_calls = {{"replace": 0, "fsync": 0}}
def _die(kind, before):
    _calls[kind] += before  # counted once per call, checked before and after it
    if kind == {kind!r} and _calls[kind] == {number} and before == {before}:
        os.kill(os.getpid(), signal.SIGKILL)
def replace(a, b):
    _die("replace", True); _replace(a, b); _die("replace", False)
def fsync(fd):
    _die("fsync", True); return _fsync(fd)
os.replace, os.fsync = replace, fsync
"""


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """The bytes of an old build (minimal.yaml) and a new one (a longer example), stem ``unit``."""
    tmp = tmp_path_factory.mktemp("killed")
    found = {}
    for label, example in (("old", "minimal.yaml"), ("new", "shequ-2024-shangbannian.yaml")):
        source = tmp / label / "unit.yaml"
        source.parent.mkdir()
        source.write_bytes((EXAMPLES / example).read_bytes())
        result = run_cli("build", source, "-o", tmp / label / "out")
        assert result.exit_code == 0, result.output
        found[label] = {name: (tmp / label / "out" / name).read_bytes() for name in NAMES}
    return found


def _state(out: Path, versions) -> tuple[str, ...]:
    labels = []
    for name in NAMES:
        data = (out / name).read_bytes() if (out / name).exists() else None
        labels.append("old" if data == versions["old"][name] else "new" if data == versions["new"][name] else "other")
    return tuple(labels)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def _killed_build(tmp_path: Path, versions, kind: str, number: int, before: bool) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in versions["old"].items():
        (out / name).write_bytes(data)
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "shequ-2024-shangbannian.yaml").read_bytes())
    prelude = KILL_AT.format(kind=kind, number=number, before=before)
    done = subprocess.run([sys.executable, "-c", prelude + "\nfrom reportgen.cli import main; main()", "build", str(source),
                           "-o", str(out)], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode(errors="replace")
    return out


def _next_run(tmp_path: Path, out: Path) -> None:
    """Another input built into the same folder: the next write there."""
    other = tmp_path / "other.yaml"
    other.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    result = run_cli("build", other, "-o", out)
    assert_contract(result)
    assert result.exit_code == 0, result.output


# (kind of call, which one, before or after it) → state right after the kill, state after the next run
CASES = {
    "while writing temporary files": (("fsync", 2, True), ("old", "old", "old"), ("old", "old", "old")),
    "journal written, no rename yet": (("replace", 1, True), ("old", "old", "old"), ("new", "new", "new")),
    "between the first and second rename": (("replace", 1, False), None, ("new", "new", "new")),
    "between the second and third rename": (("replace", 2, False), None, ("new", "new", "new")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_killed_build_is_finished_or_undone_by_the_next_run(case, tmp_path, versions):
    (kind, number, before), right_after, after_next = CASES[case]
    out = _killed_build(tmp_path, versions, kind, number, before)
    state = _state(out, versions)
    assert "other" not in state, f"a truncated or foreign file after the kill: {state}"
    if right_after is not None:
        assert state == right_after, state
    else:
        assert set(state) == {"old", "new"}, f"expected the mixed set the journal exists for: {state}"
    assert _leftovers(out), "the kill should have left temporary files (else the kill point was missed)"
    _next_run(tmp_path, out)
    assert _state(out, versions) == after_next
    assert _leftovers(out) == [], _leftovers(out)


def test_a_failed_run_leaves_no_journal_or_temporary_file(tmp_path, versions, monkeypatch):
    from reportgen import atomic

    out = tmp_path / "out"
    out.mkdir()
    for name, data in versions["old"].items():
        (out / name).write_bytes(data)
    real = atomic.os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C between two renames: the first is put back
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "shequ-2024-shangbannian.yaml").read_bytes())
    result = run_cli("build", source, "-o", out)
    assert result.exit_code == 130 and "已中断" in result.output, result.output
    assert _state(out, versions) == ("old", "old", "old")
    assert _leftovers(out) == []


def test_a_second_writer_waits_for_the_first(tmp_path, versions):
    """While one process holds the folder, another build into it writes nothing; then it completes."""
    from reportgen.atomic import folder_lock

    out = tmp_path / "out"
    out.mkdir()
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    with folder_lock(out):
        process = subprocess.Popen([sys.executable, "-c", "from reportgen.cli import main; main()", "build", str(source),
                                    "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(4)
        assert process.poll() is None and not any((out / n).exists() for n in NAMES), "wrote while the folder was locked"
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode(errors="replace")
    assert _state(out, versions) == ("old", "old", "old")


def test_a_writer_that_waits_too_long_gets_a_message(tmp_path, monkeypatch):
    from reportgen import atomic

    monkeypatch.setattr(atomic, "LOCK_WAIT_SECONDS", 0.3)
    out = tmp_path / "out"
    out.mkdir()
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    held = threading.Event()
    release = threading.Event()

    def holder():
        with atomic.folder_lock(out):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    try:
        result = run_cli("build", source, "-o", out)
    finally:
        release.set()
        thread.join()
    text = assert_contract(result, where=str(out))
    assert result.exit_code == 1 and "另一个 reportgen 正在向这个文件夹写入" in text, text
    assert [p.name for p in out.iterdir()] == []


def test_concurrent_builds_into_one_folder_leave_one_whole_set(tmp_path, versions):
    out = tmp_path / "out"
    sources = []
    for label, example in (("a", "minimal.yaml"), ("b", "shequ-2024-shangbannian.yaml")):
        folder = tmp_path / label
        folder.mkdir()
        (folder / "unit.yaml").write_bytes((EXAMPLES / example).read_bytes())
        sources.append(folder / "unit.yaml")
    for _ in range(3):
        processes = [subprocess.Popen([sys.executable, "-c", "from reportgen.cli import main; main()", "build", str(s),
                                       "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for s in sources]
        for process in processes:
            _, stderr = process.communicate(timeout=180)
            assert process.returncode == 0, stderr.decode(errors="replace")
        assert _state(out, versions) in (("old",) * 3, ("new",) * 3), _state(out, versions)
        assert _leftovers(out) == []


@pytest.mark.parametrize("stem", ["a" * 250, "社" * 83])
def test_an_output_name_at_the_length_limit_is_written(stem, tmp_path):
    source = tmp_path / f"{stem}.yaml"
    assert len(source.name.encode()) <= 255
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    result = run_cli("build", source, "-o", out)
    assert_contract(result)
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".md", ".xlsx"]


def test_looping_links_as_output_paths_are_located(tmp_path):
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    result = run_cli("build", source, "-o", loop)
    text = assert_contract(result, where="loop")
    assert result.exit_code == 1 and "Errno" not in text and "exists" not in text, text
    out = tmp_path / "out"
    out.mkdir()
    (out / "unit.docx").symlink_to("unit.docx")
    result = run_cli("build", source, "-o", out)
    assert_contract(result)
    assert (out / "unit.docx").is_file() and not (out / "unit.docx").is_symlink()
