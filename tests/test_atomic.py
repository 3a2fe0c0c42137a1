"""Atomic outputs under faults: kill -9 mid-build, unwritable or missing folders, output == input,
a full disk. An output file is always absent, the old bytes, or a complete new file.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import tmpfs
from fuzz_helpers import print_tally, EXAMPLES, SOAK, assert_contract, run_cli, valid_output

SUFFIXES = ("docx", "xlsx", "md")
KILL_ROUNDS = int(os.environ.get("REPORTGEN_KILL_ROUNDS", 60 if SOAK else 8))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _build_in(tmp: Path, source_text: str, stem: str = "unit") -> dict[str, bytes]:
    """Build ``source_text`` once in-process into a scratch folder; the bytes of each output."""
    folder = tmp / f"ref-{abs(hash(source_text))}"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{stem}.yaml"
    source.write_text(source_text, encoding="utf-8")
    result = run_cli("build", source, "-o", folder / "out")
    assert_contract(result)
    assert result.exit_code == 0, result.output
    return {f"{stem}.{s}": (folder / "out" / f"{stem}.{s}").read_bytes() for s in SUFFIXES}


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Two valid inputs with the same stem: v1 builds the 'old' files, v2 the 'new' ones."""
    tmp = tmp_path_factory.mktemp("versions")
    old_text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    new_text = (EXAMPLES / "shequ-2024-shangbannian.yaml").read_text(encoding="utf-8")
    return old_text, new_text, _build_in(tmp, old_text), _build_in(tmp, new_text)


def _check_state(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """Each output: absent, old bytes, or the complete new file. Returns a label for the figures."""
    labels = []
    for name in old:
        path = out / name
        if not path.exists():
            labels.append("absent")
            continue
        data = path.read_bytes()
        if data == old[name]:
            labels.append("old")
        elif data == new[name]:
            labels.append("new")
        else:
            # Reproducible output should give identical bytes; if a writer is not byte-stable, the
            # file must at least be complete.
            assert valid_output(path), f"{name} is truncated or corrupt ({len(data)} bytes)"
            labels.append("new*")
    for path in out.iterdir():
        if path.name.startswith("."):
            # A temp file may survive kill -9 (no finally runs); it is hidden and never a target name.
            assert path.name.startswith(".rg-") and path.name.endswith((".tmp", ".bak", "journal")), path.name
    return ",".join(labels)


#: Run in the child before the CLI: a slow disk (each fsync, rename and write sleeps), so a kill at a
#: random moment of the write phase lands between, or inside, the steps of writing the outputs.
SLOW_DISK = """
import os, time
_fsync, _replace, _fdopen = os.fsync, os.replace, os.fdopen
def fsync(fd):
    time.sleep(0.04); return _fsync(fd)
def replace(a, b):
    time.sleep(0.04); return _replace(a, b)
class _Slow:
    def __init__(self, h): self.h = h
    def __enter__(self): return self
    def __exit__(self, *e): self.h.close()
    def write(self, data):
        for i in range(0, len(data), 4096):
            self.h.write(data[i:i + 4096]); self.h.flush(); time.sleep(0.002)
        return len(data)
    def __getattr__(self, n): return getattr(self.h, n)
os.fsync, os.replace = fsync, replace
os.fdopen = lambda fd, mode="r", *a, **k: _Slow(_fdopen(fd, mode, *a, **k)) if "w" in mode else _fdopen(fd, mode, *a, **k)
"""


def _spawn_build(source: Path, out: Path, slow_disk: bool = False) -> subprocess.Popen:
    prelude = SLOW_DISK if slow_disk else ""
    return subprocess.Popen(
        [sys.executable, "-c", prelude + "\nfrom reportgen.cli import main; main()", "build", str(source), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_kill_9_during_build_never_leaves_a_truncated_file(tmp_path, versions):
    old_text, new_text, old, new = versions
    rng = random.Random(20241122)
    # How long a whole build takes here, so kills land before, during and after the writes.
    source = tmp_path / "unit.yaml"
    out = tmp_path / "out"
    source.write_text(new_text, encoding="utf-8")
    started = time.monotonic()
    probe = _spawn_build(source, tmp_path / "probe")
    probe.communicate(timeout=120)
    full = time.monotonic() - started
    seen: dict[str, int] = {}
    for round_ in range(KILL_ROUNDS):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for name, data in old.items():
            (out / name).write_bytes(data)
        slow = round_ % 4 != 3
        process = _spawn_build(source, out, slow_disk=slow)
        if not slow:
            time.sleep(rng.uniform(0.3 * full, 1.1 * full))
        else:  # wait for the write phase (a temp file appears), then kill at a random point within it
            deadline = time.monotonic() + 2 * full + 10
            while time.monotonic() < deadline and process.poll() is None:
                if any(p.name.startswith(".") for p in out.iterdir()):
                    break
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.5))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        state = _check_state(out, old, new)
        seen[state] = seen.get(state, 0) + 1
    print(f"\nkill -9 rounds: {KILL_ROUNDS}; states (docx,xlsx,md): {seen}")


def test_kill_9_with_no_previous_outputs(tmp_path, versions):
    _, new_text, old, new = versions
    rng = random.Random(7)
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    for round_ in range(max(2, KILL_ROUNDS // 4)):
        out = tmp_path / f"out{round_}"
        process = _spawn_build(source, out)
        time.sleep(rng.uniform(0.5, 3.0))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        if out.exists():
            _check_state(out, {k: b"" for k in old}, new)


def test_missing_output_folder_is_created(tmp_path, versions):
    _, new_text, _, new = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    out = tmp_path / "a" / "b" / "c"
    result = run_cli("build", source, "-o", out)
    assert_contract(result)
    assert result.exit_code == 0
    assert _snapshot(out) == new


def test_output_folder_under_a_file_gets_a_clear_message(tmp_path, versions):
    _, new_text, _, _ = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    result = run_cli("build", source, "-o", blocker / "out")
    text = assert_contract(result, where="blocker")
    assert result.exit_code == 1 and "输出文件夹" in text, text
    assert blocker.read_text() == "x"


def test_output_name_taken_by_a_folder_leaves_the_other_outputs_untouched(tmp_path, versions):
    old_text, new_text, old, _ = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name, data in old.items():
        if not name.endswith(".xlsx"):
            (out / name).write_bytes(data)
    (out / "unit.xlsx").mkdir()  # os.replace onto a folder fails after the other temps are written
    result = run_cli("build", source, "-o", out)
    text = assert_contract(result)
    assert result.exit_code == 1 and "无法写入" in text, text
    for name, data in old.items():
        if not name.endswith(".xlsx"):
            assert (out / name).read_bytes() == data, f"{name} changed although the build failed"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions; covered by the monkeypatched and tmpfs cases")
def test_read_only_output_folder(tmp_path, versions):
    old_text, new_text, old, _ = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name, data in old.items():
        (out / name).write_bytes(data)
    out.chmod(0o555)
    try:
        result = run_cli("build", source, "-o", out)
        text = assert_contract(result)
        assert result.exit_code == 1 and "权限" in text, text
        assert _snapshot(out) == old
    finally:
        out.chmod(0o755)


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO])
@pytest.mark.parametrize("when", ["create", "write", "replace"])
def test_write_faults_leave_existing_files_untouched(tmp_path, versions, monkeypatch, code, when):
    """The disk fails at creating a temp file, in the middle of writing one, or at the rename."""
    from reportgen import atomic

    old_text, new_text, old, _ = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name, data in old.items():
        (out / name).write_bytes(data)
    calls = {"n": 0}
    fail_at = 1 + len(old_text) % 3  # not always the first file

    if when == "create":
        real = atomic.tempfile.mkstemp

        def mkstemp(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError(code, os.strerror(code), str(out / ".x.tmp"))
            return real(*args, **kwargs)

        monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)
    elif when == "write":
        real_fdopen = atomic.os.fdopen

        class Failing:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()
                return False

            def write(self, data):
                calls["n"] += 1
                if calls["n"] == fail_at:
                    self.handle.write(data[: len(data) // 2])  # half written, then the disk is full
                    raise OSError(code, os.strerror(code))
                return self.handle.write(data)

            def __getattr__(self, name):
                return getattr(self.handle, name)

        monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    else:
        real_replace = atomic.os.replace

        def replace(src, dst):
            calls["n"] += 1
            if calls["n"] == 1:
                raise OSError(code, os.strerror(code), str(src))
            return real_replace(src, dst)

        monkeypatch.setattr(atomic.os, "replace", replace)
    result = run_cli("build", source, "-o", out)
    text = assert_contract(result)
    assert result.exit_code == 1 and "无法写入" in text, text
    assert _snapshot(out) == old, "a failed write changed an existing output"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], "temporary files left behind"
    if code == errno.ENOSPC:
        assert "磁盘空间不足" in text, text


@pytest.fixture
def tiny_disk(tmp_path):
    """A 192 KB tmpfs: a real ENOSPC, not a simulated one."""
    with tmpfs(tmp_path / "tiny", "size=192k") as mount:
        yield mount


def test_full_disk_for_real(tiny_disk, tmp_path, versions):
    old_text, new_text, old, new = versions
    source = tmp_path / "unit.yaml"
    source.write_text(new_text, encoding="utf-8")
    out = tiny_disk / "out"
    out.mkdir()
    for name, data in old.items():
        (out / name).write_bytes(data)
    # fill the rest of the disk so the new, larger outputs cannot fit
    filler = tiny_disk / "filler"
    handle = open(filler, "wb")
    try:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()
    except OSError:
        pass
    finally:
        try:
            handle.close()
        except OSError:
            pass
    result = run_cli("build", source, "-o", out)
    text = assert_contract(result)
    assert result.exit_code == 1 and "磁盘空间不足" in text, text
    assert _snapshot(out) == old
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    filler.unlink()
    result = run_cli("build", source, "-o", out)
    assert_contract(result)
    assert result.exit_code == 0 and _snapshot(out) == new


def test_output_equal_to_input_is_refused(tmp_path, versions):
    """A workbook input built into its own folder would be overwritten by its .xlsx output."""
    from reportgen.loaders import load_report
    from reportgen.pipeline import render_workbook

    report, _ = load_report(EXAMPLES / "minimal.yaml")
    folder = tmp_path / "ledgers"
    folder.mkdir()
    ledger = folder / "unit.xlsx"
    ledger.write_bytes(render_workbook(report))
    before = ledger.read_bytes()
    for outdir in (folder, tmp_path / "ledgers" / ".." / "ledgers", Path(os.path.relpath(folder))):
        result = run_cli("build", ledger, "-o", outdir)
        text = assert_contract(result, where="unit.xlsx")
        assert result.exit_code == 1 and "覆盖输入文件" in text, text
        assert ledger.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["unit.xlsx"], "nothing else may be written"


def test_output_equal_to_input_through_a_symlinked_folder(tmp_path):
    from reportgen.loaders import load_report
    from reportgen.pipeline import render_workbook

    report, _ = load_report(EXAMPLES / "minimal.yaml")
    folder = tmp_path / "ledgers"
    folder.mkdir()
    ledger = folder / "unit.xlsx"
    ledger.write_bytes(render_workbook(report))
    before = ledger.read_bytes()
    link = tmp_path / "link"
    link.symlink_to(folder)
    result = run_cli("build", ledger, "-o", link)
    text = assert_contract(result)
    assert result.exit_code == 1 and "覆盖输入文件" in text, text
    assert ledger.read_bytes() == before


def test_failed_build_keeps_previous_outputs(tmp_path, versions):
    """Invalid input after a good build: the old outputs stay exactly as they were."""
    old_text, _, old, _ = versions
    source = tmp_path / "unit.yaml"
    out = tmp_path / "out"
    out.mkdir()
    for name, data in old.items():
        (out / name).write_bytes(data)
    for broken in (old_text.replace("type: 社区", "type: 火星"), old_text[: len(old_text) // 2], "\xff"):
        source.write_text(broken, encoding="utf-8", errors="surrogateescape")
        result = run_cli("build", source, "-o", out)
        assert_contract(result, where="unit.yaml")
        assert result.exit_code == 1
        assert _snapshot(out) == old


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_atomic")
