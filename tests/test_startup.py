"""What the ``reportgen`` command does before it loads the command line, to start faster."""

from __future__ import annotations

import os
import signal

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
