"""The user's cache folder: what is slow to make and the same on every run (compiled templates, the
styled Word package), kept between runs so a single ``reportgen build`` does not remake it.

Nothing in it is needed: without a writable folder, or with REPORTGEN_NO_CACHE set, every run makes
what it needs in memory, as a batch worker does once per process anyway.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .version import __version__


def folder(name: str) -> Path | None:
    """``<cache>/reportgen/<version>/<name>``, created private to the user; None when caching is off
    or the folder cannot be written. The version is in the path because what is cached is made by this
    version's code."""
    if os.environ.get("REPORTGEN_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "reportgen" / __version__ / name
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            return None
    except OSError:
        return None
    return path


def store(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (a parallel run may read it at any moment); a failed
    write only means the next run makes the entry again."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass
