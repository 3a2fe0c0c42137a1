"""The ``reportgen`` console command: quiet on Ctrl-C from its first moment.

Loading the command line (typer, rich, pydantic) takes a few tenths of a second, more on a busy
machine; Python's own Ctrl-C handling would print a KeyboardInterrupt traceback if the user pressed
Ctrl-C then. Nothing has been written yet at that point, so the process just says so and exits 130.
Once loaded, ``cli`` handles Ctrl-C itself (cleaning up what it was writing).
"""

from __future__ import annotations

import atexit
import gc
import os
import signal

from .interrupted import MESSAGE as INTERRUPTED
from .interrupted import exit_at_once


def _keep_for_exit() -> None:
    """At exit: move every object out of the collector's reach, so the interpreter's last full pass
    (it walks every object the libraries made, ~50 ms) has nothing to walk. Run by ``atexit``,
    after everything the command wrote is closed; the operating system frees the memory anyway."""
    gc.freeze()


def main() -> None:
    signal.signal(signal.SIGINT, exit_at_once)
    atexit.unregister(_keep_for_exit)  # once, however often main() is called in one process
    atexit.register(_keep_for_exit)
    # Pydantic looks for plugins in every installed package's metadata when the first model is made
    # (a twentieth of a ``reportgen build``); the command uses none. PYDANTIC_DISABLE_PLUGINS is
    # pydantic's documented switch, and a value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from . import collector  # after the handler above: the launcher itself imports next to nothing

    thresholds = gc.get_threshold()
    gc.set_threshold(*collector.GC_THRESHOLDS)
    frozen_before = gc.get_freeze_count()
    collector.command(True)
    with collector.loading():
        from .cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run()
    except KeyboardInterrupt:  # between the command's own handling and the exit: files are already whole
        os.write(2, (INTERRUPTED + "\n").encode("utf-8"))
        os._exit(130)
    finally:
        # The command has finished (written its files or said why not): a Ctrl-C during interpreter
        # shutdown would otherwise end the process by the signal instead of its exit code.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        collector.command(False)
        if not frozen_before:
            # The caller's objects back in the collector's reach (atexit freezes them again), and the
            # command's last young objects with them in the oldest generation: with the thresholds
            # put back, the exit would otherwise start a pass over up to 20,000 of them (~3 ms).
            gc.freeze()
            gc.unfreeze()
        gc.set_threshold(*thresholds)  # as found, for a caller that goes on (the tests)
