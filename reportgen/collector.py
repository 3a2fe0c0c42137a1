"""The garbage collector while the ``reportgen`` command loads its modules: paused, then out of the way.

Loading typer, pydantic, python-docx and reportgen's own modules makes some hundred thousand objects
that live until the process ends, and almost no garbage (a build's loading leaves ~600 objects for
the collector). Each pass the collector makes meanwhile walks up to 20,000 of them and frees next to
nothing: ~5 ms a pass, ~20 ms of a ``reportgen build``. So while the command loads, the collector is
paused, and what was loaded is then moved where no later pass walks it (``gc.freeze``); the work that
follows is collected as usual.

Only in the command (``launch.main`` switches it on): a program that imports reportgen keeps its
collector as it set it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_in_command = False


def command(on: bool) -> None:
    """Called by ``launch.main`` as the command starts (True) and ends (False)."""
    global _in_command
    _in_command = on


@contextmanager
def loading() -> Iterator[None]:
    """Import inside this block: no collector passes, then the loaded objects frozen (in the command only)."""
    if not _in_command or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
