"""Regular expressions compiled on first use, for the patterns that only some commands need.

Python compiles a character class with Chinese characters one code point at a time: 0.1–1.5 ms a
pattern, paid at import by every ``reportgen`` start. The readers of workbook cells, the roll-up's
total rows and the Word base file's rewrites are not used by a build from a YAML file, so their
patterns wait until they are.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """Stands for ``re.compile(pattern, flags)``: the first use of a method compiles the pattern, and
    the compiled pattern's method is kept on this object, so later uses cost what they cost on it."""

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for names not yet kept (match, sub, pattern …)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value
