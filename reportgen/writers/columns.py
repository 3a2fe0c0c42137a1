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

from ..textwidth import zi

#: Extra width (字, beyond the half 字 of a digit) of Latin signs that are wider in Times New Roman.
WIDE_LATIN = {"%": 0.35, "+": 0.1, "‰": 0.55}
#: A cell this short (in characters) is a word: it must never wrap.
WORD = 4
#: A year, or a number with its sign, decimals, unit sign and one following measure word (215人次 → "215人").
_NUMBER = re.compile(
    r"[0-9]{4}(?=年)"  # a year: 2024年度 may break as 2024 / 年度, never as 2024年 / 度
    r"|[+\-−]?[0-9][0-9.,]*[%‰]?[\u4e00-\u9fff]?|[A-Za-z][A-Za-z0-9.\-]*"
)
#: Marks that may not start a line (they join the piece before) or end one (they join the next).
_CLOSING = "，。、；：？！”’）》」%‰"
_OPENING = "“‘（《「"
#: Grid step for handing out spare width, in twips (a quarter of a 小四 character).
STEP = 60
#: Rows measured at most; a longer table is fitted to its widest rows.
SAMPLE_ROWS = 60


def char_width(ch: str) -> float:
    """Width in 字: a 汉字 or full-width sign 1, a digit or Latin letter ½ (wide signs a bit more)."""
    if zi(ch) == 1.0:
        return 1.0
    return 0.5 + WIDE_LATIN.get(ch, 0.2 if ch.isupper() else 0.0)


@functools.lru_cache(maxsize=65536)
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

    LibreOffice and Word fill greedily, leaving "率" or "造" alone on the last line of a name. Here
    a cell that needs n ≤ 3 lines is split into n (or n + 1) lines that each fit, with no line of one
    character if that can be had, after "其中：" if the text has it; two lines as even as can be,
    three each as full as can be. More lines are filled greedily.
    """
    return list(_lines(text, capacity))


@functools.lru_cache(maxsize=8192)
def _lines(text: str, capacity: float) -> tuple[str, ...]:
    if "\n" in text:  # a break already there (a document re-typeset by check --fix) stays
        return tuple(line for part in text.split("\n") for line in _lines(part, capacity))
    greedy = wrap(text, capacity)
    if len(greedy) < 2:
        return tuple(greedy)
    parts = tuple(pieces(text))

    @functools.cache
    def splits(start: int, count: int) -> list[tuple[str, ...]]:
        rest = "".join(parts[start:])
        if count == 1:
            return [(rest,)] if width(rest) <= capacity else []
        found = []
        for end in range(start + 1, len(parts) - count + 2):
            head = "".join(parts[start:end])
            if width(head) > capacity:
                break
            found += [(head, *tail) for tail in splits(end, count - 1)]
        return found

    def score(option: tuple[str, ...]) -> tuple:
        widths = [width(line) for line in option]
        lone = sum(len(line) == 1 for line in option)
        # two lines as even as can be; three filled in order, as the eye expects
        shape = (max(widths) - min(widths),) if len(option) == 2 else tuple(-w for w in widths)
        return lone, len(option), not option[0].endswith("："), shape

    if len(greedy) > 3:  # a very narrow column: fill in order, only the last line never alone
        if len(greedy[-1]) == 1 and len(greedy[-2]) > 2:
            greedy[-2:] = [greedy[-2][:-1], greedy[-2][-1] + greedy[-1]]
        return tuple(greedy)
    options = [o for n in (len(greedy), len(greedy) + 1) if n <= len(parts) for o in splits(0, n)]
    return min(options, key=score) if options else tuple(greedy)


@functools.lru_cache(maxsize=8192)
def _measured(text: str) -> tuple[tuple[float, bool, bool], ...]:
    """Each piece's width and whether it starts and ends with a full-width character."""
    return tuple((width(p), char_width(p[0]) >= 1, char_width(p[-1]) >= 1) for p in pieces(text))


@functools.lru_cache(maxsize=65536)
def _cost(cell: str, capacity: float) -> float:
    """Printed lines of a cell (greedy count), plus a penalty when a short word or a number breaks.

    Only the count matters here, so it is the renderer's greedy fill measured piece by piece; where
    the breaks then go is lines()'s business.
    """
    count, line, previous = 0, 0.0, None
    for piece, first, last in _measured(cell):
        if piece > capacity:
            return 100.0 + len(cell)  # the renderer would break inside a number or a sign
        step = piece + (0.25 if previous is not None and previous != first else 0.0)
        if count and line + step <= capacity:
            line += step
        else:
            count, line = count + 1, piece
        previous = last
    return count + (100.0 if count > 1 and len(cell) <= WORD else 0.0)


def fit(header: Sequence[str], rows: Sequence[Sequence[str]], indented: Sequence[Sequence[float]],
        total: int, char: float, padding: int) -> list[int]:
    """Twips per column, summing to ``total``.

    ``char`` is one 字 in twips, ``padding`` the cell margins; ``indented[r][c]`` is the left indent
    (in 字) of that cell (其中 rows). The fewest printed lines wins; spare width is shared out in
    proportion, and when even the minimum does not fit every column shrinks in proportion.
    """
    columns = len(header)
    # breaks this module put into a cell earlier (a built file re-typeset by check --fix) are not
    # content: the widths are fitted to the text as if unbroken, so they come out the same again
    header = [cell.replace("\n", "") for cell in header]
    rows = [[cell.replace("\n", "") for cell in row] for row in rows]
    chosen = range(len(rows))
    if len(rows) > SAMPLE_ROWS:  # a long roll-up: its widest rows decide, in a fraction of the time
        chosen = sorted(sorted(chosen, key=lambda r: -sum(map(width, rows[r])))[:SAMPLE_ROWS])
    table = [list(header), *[list(rows[r]) for r in chosen]]
    shifts = [[0.0] * columns, *[list(indented[r]) for r in chosen]]

    by_column = [[(row[c], shift[c]) for row, shift in zip(table, shifts)] for c in range(columns)]

    @functools.lru_cache(maxsize=None)
    def costs(col: int, twips: int) -> tuple[float, ...]:
        base = (twips - padding) / char
        return tuple([_cost(cell, base - shift) if cell else 1.0 for cell, shift in by_column[col]])

    def minimum(col: int) -> int:
        need = 1.0
        for r, row in enumerate(table):
            cell = row[col]
            if not cell:
                continue
            whole = len(cell) <= WORD
            need = max(need, (width(cell) if whole else max(map(width, pieces(cell)))) + shifts[r][col])
        return math.ceil(need * char + padding)

    widths = [minimum(c) for c in range(columns)]
    if sum(widths) > total:
        return _scale(widths, total)
    # The printed lines are each row's tallest cell; a tenth of every cell's own lines is added so
    # that widening one of two columns that both wrap in a row still counts as progress.
    while True:
        vectors = [costs(c, w) for c, w in enumerate(widths)]
        cells = sum(map(sum, vectors))
        cost = sum(map(max, zip(*vectors))) + cells / 10
        best = None  # (lines saved per twip, column, added twips)
        spare = total - sum(widths)
        for c in range(columns):
            others = None  # each row's tallest other cell, wanted only once a wider column changes something
            previous = vectors[c]
            for added in range(STEP, spare + 1, STEP):
                trial = costs(c, widths[c] + added)
                if trial == previous:  # the same lines as one step narrower, so nothing saved either
                    continue
                previous = trial
                if others is None:
                    others = [max(v) for v in zip(*(vectors[:c] + vectors[c + 1:]))] if columns > 1 else [0.0] * len(table)
                saved = cost - sum(map(max, zip(others, trial))) - (cells - sum(vectors[c]) + sum(trial)) / 10
                if saved > 1e-6:  # not a rounding difference
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
