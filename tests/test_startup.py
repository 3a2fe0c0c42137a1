"""What the ``reportgen`` command does before it loads the command line, to start faster."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from reportgen import launch


def _run_help(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("sys.argv", ["reportgen", "--help"])
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as done:
            launch.main()
    finally:
        signal.signal(signal.SIGINT, handler)  # main() leaves Ctrl-C ignored for its exit
    assert done.value.code in (0, None)


def test_pydantic_plugin_search_is_switched_off(monkeypatch, capsys):
    """The search for pydantic plugins in every installed package is skipped (benchmarks/README.md)."""
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    _run_help(monkeypatch)
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"


def test_a_users_own_pydantic_plugin_setting_is_kept(monkeypatch, capsys):
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    _run_help(monkeypatch)
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"


def test_a_build_writes_the_same_files_with_and_without_the_cache(tmp_path, monkeypatch):
    """README (生成速度与缓存): the cache of compiled templates and of the styled Word package changes
    nothing in what is written — no cache, a new cache and a filled one give the same bytes."""
    from reportgen import pipeline
    from reportgen.writers import docx as docx_writer

    example = Path(__file__).parent.parent / "examples" / "minimal.yaml"
    outputs = {}
    for run, no_cache in (("none", True), ("new", False), ("filled", False)):
        if no_cache:
            monkeypatch.setenv("REPORTGEN_NO_CACHE", "1")
        else:
            monkeypatch.delenv("REPORTGEN_NO_CACHE", raising=False)
            monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setattr(docx_writer, "_BASES", type(docx_writer._BASES)())  # as in a new process
        result = pipeline.build(example, tmp_path / run)
        outputs[run] = {path.suffix: path.read_bytes() for path in result.outputs}
    assert list((tmp_path / "cache").rglob("docx-base/*.bin"))
    assert outputs["none"] == outputs["new"] == outputs["filled"]


def _python(code: str, **env: str) -> str:
    import subprocess
    import sys

    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), **env}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip()


def test_the_collector_thresholds_are_put_back_when_the_command_returns(monkeypatch, capsys):
    """The command raises the collector's thresholds while it runs (launch.GC_THRESHOLDS); a caller that
    goes on afterwards (as this test process does) gets its own settings back."""
    import gc

    before = gc.get_threshold()
    _run_help(monkeypatch)
    assert gc.get_threshold() == before


def test_every_object_is_out_of_the_collectors_reach_at_exit():
    """The interpreter's last full collection has nothing to walk: launch freezes the objects at exit,
    after the command has finished (an exit handler registered before the command runs after it)."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 10000, gc.get_threshold()))\n"
        "from reportgen.launch import main\n"
        "sys.argv = ['reportgen', '--help']\n"
        "main()"
    )
    assert _python(code).splitlines()[-1] == "frozen True (700, 10, 10)"


def test_a_build_loads_its_modules_with_the_collector_paused_and_collects_its_work(tmp_path, monkeypatch, capsys):
    """collector.py: while ``reportgen build`` reads its options and imports its modules no collector
    pass runs; what was loaded is then frozen and the build itself runs with the collector on. When
    the command returns, a caller that goes on (this test process) has its objects back in the
    collector's reach."""
    import gc
    import importlib

    from reportgen import cli, pipeline

    seen: dict[str, set] = {"reading options": set(), "loading": set(), "building": set()}
    real_import, real_build, real_guarded = importlib.import_module, pipeline.build, cli._guarded

    def watched_guarded(action):  # noqa: ANN001, ANN202 — the command's body starts here
        seen["reading options"].add(gc.isenabled())
        return real_guarded(action)

    def watched_import(name, *args):  # noqa: ANN001, ANN202
        if name in cli._BUILD_MODULES:
            seen["loading"].add(gc.isenabled())
        return real_import(name, *args)

    def watched_build(*args, **kwargs):  # noqa: ANN202
        seen["building"].add((gc.isenabled(), gc.get_freeze_count() > 0))
        result = real_build(*args, **kwargs)
        seen["built"] = True
        return result

    def count_passes(phase, info):  # noqa: ANN001, ANN202
        if phase != "start":
            return
        if "built" in seen:
            passes_after.append(info["generation"])
        elif not seen["building"]:
            passes.append(info["generation"])

    passes: list[int] = []
    passes_after: list[int] = []
    monkeypatch.setattr(cli, "_guarded", watched_guarded)
    monkeypatch.setattr(cli.importlib, "import_module", watched_import)
    monkeypatch.setattr(pipeline, "build", watched_build)
    example = Path(__file__).parent.parent / "examples" / "minimal.yaml"
    monkeypatch.setattr("sys.argv", ["reportgen", "build", str(example), "-o", str(tmp_path)])
    handler = signal.getsignal(signal.SIGINT)
    gc.callbacks.append(count_passes)  # the collector calls this very list (not a replacement of it)
    try:
        with pytest.raises(SystemExit) as done:
            launch.main()
    finally:
        gc.callbacks.remove(count_passes)
        signal.signal(signal.SIGINT, handler)
    assert done.value.code == 0
    assert seen == {"reading options": {False}, "loading": {False}, "building": {(True, True)}, "built": True}
    assert passes == []  # from the launcher to the build, with this process's many objects around
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert passes_after == []  # the build's leftovers were moved on, not walked as the command ended


def test_outside_the_command_loading_leaves_the_collector_alone():
    """A program that imports reportgen (the web server's tests, a script) keeps its collector as it set it."""
    import gc

    from reportgen import collector

    with collector.loading():
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_lazy_pattern_is_compiled_on_first_use_and_matches_as_the_compiled_one():
    import re

    from reportgen.lazy_pattern import LazyPattern

    lazy, compiled = LazyPattern(r"(\d{4})年"), re.compile(r"(\d{4})年")
    assert vars(lazy) == {"_source": (r"(\d{4})年", 0)}  # nothing compiled yet
    assert lazy.fullmatch("2024年").groups() == compiled.fullmatch("2024年").groups()
    assert lazy.sub("某年", "2024年和2025年") == compiled.sub("某年", "2024年和2025年")
    assert lazy.split("2024年底") == compiled.split("2024年底")
    assert lazy.pattern == compiled.pattern and lazy.flags == compiled.flags
    assert lazy.fullmatch is vars(lazy)["fullmatch"]  # kept: later uses skip the look-up


def test_a_build_from_yaml_compiles_none_of_the_patterns_only_other_commands_use():
    """lazy_pattern.py: the workbook reader's and the roll-up's patterns wait until they are used."""
    example = Path(__file__).parent.parent / "examples" / "minimal.yaml"
    code = (
        "import sys, tempfile\n"
        "from reportgen.launch import main\n"
        f"sys.argv = ['reportgen', 'build', {str(example)!r}, '-o', tempfile.mkdtemp()]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "from reportgen import dates, markers\n"
        "from reportgen.loaders import amounts\n"
        "lazy = [markers.TOTAL_ROW, markers.PART_PREFIX, markers.LIST_SPLIT, markers.KEY_LIST_SPLIT,\n"
        "        amounts._PATTERN, amounts._TWO, amounts._RANGE, dates._MONTH, dates._YEAR]\n"
        "print(sum(len(vars(p)) > 1 for p in lazy))"
    )
    assert _python(code, REPORTGEN_NO_CACHE="1").splitlines()[-1] == "0"
