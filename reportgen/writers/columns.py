"""Table column widths fitted to the cells' content, measured in 字 as the renderer sets them.

A fixed grid gave 指标名称 six characters a line, so names wrapped one character onto a line of
its own, while 同比 kept 26 mm for a column of "—". Here every column first gets what its
unbreakable pieces need (a number with its sign and measure word, a word of four characters or
fewer, the header), then the rest of the 版心 goes, a little at a time, to whichever column saves
the most printed lines for the width it takes. Only the widths are decided here; the writer puts
them into the table.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

#: Extra width (字, beyond the half 字 of a digit) of Latin signs that are wider in Times New Roman.
WIDE_LATIN = {"%": 0.35, "+": 0.1, "‰": 0.55}
#: Signs drawn full width although their code points are below the CJK blocks.
FULL_WIDTH_SIGNS = "—…“”‘’·"
#: A cell this short (in characters) is a word: it must never wrap.
WORD = 4
#: A number with its sign, decimals, unit sign and one following measure word (215人次 → "215人").
_NUMBER = re.compile(r"[+\-−]?[0-9][0-9.,]*[%‰]?[\u4e00-\u9fff]?|[A-Za-z][A-Za-z0-9.\-]*")
#: Marks that may not start a line (they join the piece before) or end one (they join the next).
_CLOSING = "，。、；：？！”’）》」%‰"
_OPENING = "“‘（《「"
#: Grid step for handing out spare width, in twips (a quarter of a 小四 character).
STEP = 60


def char_width(ch: str) -> float:
    """Width in 字: a 汉字 or full-width sign 1, a digit or Latin letter ½ (wide signs a bit more)."""
    if ord(ch) >= 0x2E80 or ch in FULL_WIDTH_SIGNS:
        return 1.0
    return 0.5 + WIDE_LATIN.get(ch, 0.2 if ch.isupper() else 0.0)


def width(text: str) -> float:
    """Width in 字 as set: a quarter 字 more where 汉字 meet digits or Latin letters."""
    kinds = [char_width(ch) >= 1 for ch in text]
    return sum(map(char_width, text)) + 0.25 * sum(a != b for a, b in zip(kinds, kinds[1:]))


def pieces(text: str) -> list[str]:
    """The text cut where a line may break: between 汉字, never inside a number or before a closing mark."""
    out: list[str] = []
    i = 0
    while i < len(text):
        found = _NUMBER.match(text, i)
        piece = found.group() if found else text[i]
        i += len(piece)
        if out and (piece[0] in _CLOSING or out[-1][-1] in _OPENING):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def wrap(text: str, capacity: float) -> list[str]:
    """The lines a cell of ``capacity`` 字 shows ``text`` in (greedy, as Word and LibreOffice fill)."""
    lines: list[str] = []
    line = ""
    for piece in pieces(text):
        if line and width(line + piece) > capacity:
            lines.append(line)
            line = ""
        line += piece
    return [*lines, line] if line else lines


def lines(text: str, capacity: float) -> list[str]:
    """The lines to set ``text`` in, broken where a reader expects it when it needs more than one.

    LibreOffice and Word fill greedily, leaving "率" or "造" alone on the last line of a name; when a
    cell needs two lines this breaks after "其中：" if it can, else where the lines come out even.
    More than two lines stay greedy but never end on a single character.
    """
    greedy = wrap(text, capacity)
    if len(greedy) < 2:
        return greedy
    parts = pieces(text)
    if len(greedy) == 2:
        splits = ["".join(parts[:i]) for i in range(1, len(parts))]
        fitting = [(a, text[len(a):]) for a in splits if width(a) <= capacity and width(text[len(a):]) <= capacity]
        if fitting:
            return list(min(fitting, key=lambda ab: (not ab[0].endswith("："), abs(width(ab[0]) - width(ab[1])))))
    if len(greedy[-1]) == 1 and len(greedy[-2]) > 2:
        greedy[-2:] = [greedy[-2][:-1], greedy[-2][-1] + greedy[-1]]
    return greedy


def _cost(cell: str, capacity: float) -> float:
    """Printed lines of a cell, plus penalties: a short word or a number broken, a lone character."""
    lines_ = lines(cell, capacity)
    cost = float(len(lines_))
    if any(width(piece) > capacity for piece in pieces(cell)):
        cost += 100  # the renderer would break inside a number or a sign
    if len(lines_) > 1 and len(cell) <= WORD:
        cost += 100
    return cost + sum(len(line) == 1 for line in lines_[1:]) * 2


def fit(header: Sequence[str], rows: Sequence[Sequence[str]], indented: Sequence[Sequence[float]],
        total: int, char: float, padding: int) -> list[int]:
    """Twips per column, summing to ``total``.

    ``char`` is one 字 in twips, ``padding`` the cell margins; ``indented[r][c]`` is the left indent
    (in 字) of that cell (其中 rows). The fewest printed lines wins; spare width is shared out in
    proportion, and when even the minimum does not fit every column shrinks in proportion.
    """
    columns = len(header)
    table = [list(header), *[list(r) for r in rows]]
    shifts = [[0.0] * columns, *[list(s) for s in indented]]

    @functools.lru_cache(maxsize=None)
    def costs(col: int, twips: int) -> tuple[float, ...]:
        base = (twips - padding) / char
        return tuple(_cost(row[col], base - shifts[r][col]) if row[col] else 1.0 for r, row in enumerate(table))

    def minimum(col: int) -> int:
        need = 1.0
        for r, row in enumerate(table):
            cell = row[col]
            if not cell:
                continue
            whole = len(cell) <= WORD or r == 0 and len(cell) <= WORD + 1
            need = max(need, (width(cell) if whole else max(map(width, pieces(cell)))) + shifts[r][col])
        return math.ceil(need * char + padding)

    widths = [minimum(c) for c in range(columns)]
    if sum(widths) > total:
        return _scale(widths, total)
    while True:
        vectors = [costs(c, w) for c, w in enumerate(widths)]
        cost = sum(map(max, zip(*vectors)))
        best = None  # (lines saved per twip, column, added twips)
        spare = total - sum(widths)
        for c in range(columns):
            others = [max(v) for v in zip(*(vectors[:c] + vectors[c + 1:]))] if columns > 1 else [0.0] * len(table)
            for added in range(STEP, spare + 1, STEP):
                saved = cost - sum(map(max, zip(others, costs(c, widths[c] + added))))
                if saved > 0:
                    if best is None or saved / added > best[0]:
                        best = (saved / added, c, added)
                    break
        if best is None:
            break
        widths[best[1]] += best[2]
    return _scale(widths, total)


def _scale(widths: list[int], total: int) -> list[int]:
    scaled = [math.floor(w * total / sum(widths)) for w in widths]
    scaled[-1] += total - sum(scaled)
    return scaled
