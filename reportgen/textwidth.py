"""How much room text takes: CJK and full-width characters are drawn twice as wide as digits and Latin letters.

One rule for every place that measures text (title lines and signatures in Word, column widths in
Excel, comment alignment in the starter YAML): a code point from U+2E80 on (the CJK blocks, kana,
Hangul, full-width forms) is wide, anything below is narrow. Word and Excel units differ only in scale.
"""

from __future__ import annotations

import re

#: The first wide code point (CJK Radicals Supplement); everything after it in Chinese text is wide.
WIDE_FROM = 0x2E80
#: Signs drawn full width in Chinese fonts although their code points are below the CJK blocks.
FULL_WIDTH_SIGNS = "—…“”‘’·"

_NARROW_RUNS = re.compile("[\x00-\u2e7f]+")


def is_wide(ch: str) -> bool:
    return ord(ch) >= WIDE_FROM


def zi(ch: str) -> float:
    """One character's width in 字 on a Chinese page: 1, or ½ for a digit or Latin letter (GB/T 9704 §7.3.5)."""
    return 1.0 if ord(ch) >= WIDE_FROM or ch in FULL_WIDTH_SIGNS else 0.5


def columns(text: str) -> int:
    """Width in monospaced columns (Excel character units, a text editor): a wide character takes two.

    Counted by the runs of narrow characters, which are few in Chinese text and in a field path
    alike (the regex collects less than one string per character).
    """
    if text.isascii():  # numbers, codes, dates: most of a workbook's cells
        return len(text)
    return 2 * len(text) - sum(map(len, _NARROW_RUNS.findall(text)))
