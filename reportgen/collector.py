"""The garbage collector while the ``reportgen`` command loads: paused, then out of the way.

Loading typer, pydantic, python-docx and reportgen's own modules (and typer's reading of the options,
which makes a pydantic validator for each) makes some hundred thousand objects that live until the
process ends, and almost no garbage (a build's loading leaves ~600 objects for the collector). Each
pass the collector makes meanwhile walks up to 20,000 of them and frees next to nothing: ~5 ms a
pass, ~25 ms of a ``reportgen build``. So while the command loads, the collector is paused, and what
was loaded is then moved where no later pass walks it (``gc.freeze``); the command's work is
collected as usual.

Only in the command (``launch.main`` switches it on): a program that imports reportgen keeps its
collector as it set it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

#: Collector thresholds while the command runs and in every batch worker (CPython's default is
#: 700, 10, 10). Loading the libraries makes about a million objects that live until the process
#: ends, and with the default every 700 new objects start a pass, every tenth of them over all the
#: young ones and now and then one over everything: about 40 ms of a ``reportgen build`` that find
#: almost nothing to free. Twenty thousand still collects a batch's or the web server's garbage long
#: before it adds up.
GC_THRESHOLDS = (20_000, 10, 10)

_in_command = False
_paused = False


def command(on: bool) -> None:
    """Called by ``launch.main`` as the command starts (True) and ends (False)."""
    global _in_command
    _in_command = on


def pause() -> None:
    """No collector passes from here on (in the command, while it loads); ``resume`` ends the pause."""
    global _paused
    if _in_command and not _paused and gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """End a pause: what was loaded meanwhile is frozen, and the collector runs again."""
    global _paused
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False


@contextmanager
def loading() -> Iterator[None]:
    """Import inside this block: no collector passes, then the loaded objects frozen (in the command only)."""
    pause()
    try:
        yield
    finally:
        resume()
