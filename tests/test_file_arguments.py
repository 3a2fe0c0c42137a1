"""Every file a user names, against every kind of path that is not a regular file within limits.

The class, not the case: each command-line file argument (data file in YAML or Excel for build,
validate, explain, batch and rollup; --style; --reference-docx; each file of a --templates folder)
is given a FIFO, a device, a folder, a looping link, a dangling link, a missing path and a file over
its size limit. Each must end in exit 1 with a Chinese message naming the file, promptly (a FIFO
used to hang, /dev/zero to read until memory ran out), and with no output written.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from conftest import tmpfs
from fuzz_helpers import EXAMPLES, assert_contract, files_in, print_tally, run_cli

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and devices are POSIX"),
]

#: Bigger than every limit (data 5 MB, workbook 20 MB, reference 50 MB, template 256 KB); sparse.
HUGE = 60 * 1024 * 1024


def _make(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere" / path.name)
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(HUGE)
    elif kind != "missing":
        raise ValueError(kind)


KINDS = ["fifo", "device", "folder", "loop", "dangling", "huge", "missing"]
#: For each kind, words the message must contain (it says what is wrong, not only that something is).
SAYS = {
    "fifo": "不是普通文件", "device": "不是普通文件", "folder": "文件夹", "loop": "循环",
    "dangling": "不存在", "huge": "太大", "missing": "不存在",
}


@pytest.fixture
def deadline():
    """Fail (instead of hanging the suite) when a run blocks on a FIFO or reads a device forever."""

    def expired(*_):
        raise TimeoutError("a file argument blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _minimal(tmp_path: Path) -> Path:
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    return source


def _check(result, name: str, says: str, out: Path, started: float) -> None:
    text = assert_contract(result, where=name)
    assert result.exit_code == 1, text
    assert says in text, text
    assert "Errno" not in text and "Traceback" not in text, text
    assert files_in(out) == [], files_in(out)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command, name", [
    ("build", "data.yaml"), ("build", "data.xlsx"), ("validate", "data.yaml"), ("explain", "data.yaml"),
    ("batch", "data.yaml"), ("rollup", "data.xlsx"),
])
def test_data_file_arguments(command, name, kind, tmp_path, deadline):
    path = tmp_path / name
    _make(kind, path)
    out = tmp_path / "out"
    args = [command, path] + (["-o", out] if command in ("build", "batch", "rollup") else [])
    if command in ("batch", "rollup"):
        args += ["-j", "1"]
    started = time.monotonic()
    _check(run_cli(*args), name, SAYS[kind], out, started)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("option, name", [("--style", "style.yaml"), ("--reference-docx", "ref.docx")])
def test_style_and_reference_arguments(option, name, kind, tmp_path, deadline):
    path = tmp_path / name
    _make(kind, path)
    out = tmp_path / "out"
    started = time.monotonic()
    _check(run_cli("build", _minimal(tmp_path), "-o", out, option, path), name, SAYS[kind], out, started)


@pytest.mark.parametrize("kind", ["fifo", "device", "loop", "huge", "folder"])
@pytest.mark.parametrize("name", ["opening.j2", "manifest.yaml", "phrases.yaml"])
def test_template_folder_files(name, kind, tmp_path, deadline):
    """A template folder's files: anything but a regular file within the limit is refused by name."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    _make(kind, folder / name)
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", _minimal(tmp_path), "-o", out, "--templates", folder)
    _check(result, name, "太大" if kind == "huge" else "普通文件", out, started)


def test_batch_lists_every_bad_argument_before_any_work(tmp_path, deadline):
    names = {"a.yaml": "fifo", "b.yaml": "device", "c.yaml": "missing"}
    for name, kind in names.items():
        _make(kind, tmp_path / name)
    good = _minimal(tmp_path)
    out = tmp_path / "out"
    result = run_cli("batch", good, *(tmp_path / n for n in names), "-o", out)
    text = assert_contract(result)
    assert result.exit_code == 1 and all(n in text for n in names), text
    assert files_in(out) == []


def test_a_link_to_a_regular_file_is_still_accepted(tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to(_minimal(tmp_path))
    result = run_cli("validate", link)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_file_arguments")


# ---------------------------------------------------------------- output paths

def _make_output(kind: str, path: Path) -> Path:
    if kind == "file":
        path.write_text("x", encoding="utf-8")
    elif kind == "under a file":
        path.write_text("x", encoding="utf-8")
        return path / "sub"
    elif kind == "name too long":
        return path.parent / ("长" * 100)
    else:
        _make(kind, path)
    return path


@pytest.mark.parametrize("kind", ["file", "fifo", "device", "loop", "under a file", "name too long"])
@pytest.mark.parametrize("command", ["build", "batch", "init"])
def test_output_paths_that_cannot_be_written(command, kind, tmp_path, deadline):
    target = _make_output(kind, tmp_path / "target")
    if command == "init" and kind in ("file", "fifo", "device", "loop"):
        pytest.skip("init -o names a file: an existing one is replaced only with --force (covered below)")
    args = {"build": ["build", _minimal(tmp_path), "-o", target],
            "batch": ["batch", _minimal(tmp_path), "-o", target, "-j", "1"],
            "init": ["init", "-o", target]}[command]
    result = run_cli(*args)
    text = assert_contract(result, where=target.name[:20])
    assert result.exit_code == 1 and "Errno" not in text, text


def test_init_into_a_folder_is_refused(tmp_path):
    result = run_cli("init", "-o", tmp_path, "--force")
    text = assert_contract(result)
    assert result.exit_code == 1 and "文件夹" in text, text


@pytest.fixture
def read_only_mount(tmp_path):
    """A read-only tmpfs: a real EROFS, not a simulated one."""
    with tmpfs(tmp_path / "ro", "ro,size=1m") as mount:
        yield mount


@pytest.mark.parametrize("command", ["build", "batch", "init"])
def test_read_only_folder_is_named_in_chinese(command, read_only_mount, tmp_path):
    args = {"build": ["build", _minimal(tmp_path), "-o", read_only_mount],
            "batch": ["batch", _minimal(tmp_path), "-o", read_only_mount, "-j", "1"],
            "init": ["init", "-o", read_only_mount / "unit.yaml"]}[command]
    result = run_cli(*args)
    text = assert_contract(result)
    assert result.exit_code == 1 and "只读" in text, text
