"""The writer-neutral workbook: sheets, cells, styles, validations, charts and print set-up as plain data.

What ``Document`` is for Word, this is for Excel. The unit workbook, the blank fill-in form and the
roll-up 汇总.xlsx are all built as a :class:`Book` (``unit_book``, ``rollup.workbook_book``) and one
renderer (``writers.xlsx``) turns any Book into bytes, so the three share one style set, one print
set-up and one place where text is made safe. Rows and columns are 1-based, as a person reads them
(``sheet!B4`` is row 4, column 2).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Union

from . import textwidth

FONT = "宋体"
#: 'yyyy"年"m"月"d"日"' — dates as offices write them.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
#: One number format for counts and one for amounts: thousands separated, decimals only when there are any.
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0###"
PERCENT_FORMAT = "0.0%"
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
POINTS_FORMAT = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
FOOTER = "&C&\"宋体,常规\"&10第 &P 页，共 &N 页"

Value = Union[str, int, float, dt.date, dt.datetime, None]


@dataclass(frozen=True)
class Style:
    """How a cell looks. Frozen and hashable, so a renderer makes one format per distinct style."""

    size: float = 11
    bold: bool = False
    italic: bool = False
    color: str = ""  # font colour, RRGGBB
    fill: str = ""  # background, RRGGBB
    border: bool = False
    align: str = "left"  # left, center, right
    wrap: bool = False
    indent: int = 0
    num_format: str = ""
    locked: bool = True  # only matters on a protected sheet
    font: str = FONT

    def but(self, **changes: object) -> "Style":
        """This style with some attributes changed (styles are shared, never mutated).

        The same change of the same style gives the same object, so a renderer can key formats by identity.
        Looked up by this style's identity first: hashing its twelve fields costs more than the lookup.
        """
        key = (id(self), *changes.items())
        found = _BY_ID.get(key)
        if found is None:
            variant = replace(self, **changes)
            found = _BY_ID[key] = (self, _VARIANTS.setdefault(variant, variant))  # holding self keeps its id unique
        return found[1]


#: Every variant made, by value, and the way each was asked for, by the identity of the style it changed.
_VARIANTS: dict[Style, Style] = {}
_BY_ID: dict[tuple, tuple[Style, Style]] = {}


@dataclass(frozen=True)
class Validation:
    """A data validation on a range: a dropdown and/or an input hint.

    The dropdown's choices are either listed in the validation itself (``choices``, up to Excel's 255
    characters) or kept in cells that ``source`` refers to (``'选项'!$A$2:$A$9``); neither: any value.
    """

    ref: tuple[int, int, int, int]  # first row, first col, last row, last col
    source: str = ""
    show_error: bool = True
    error_title: str = ""
    error: str = ""
    prompt_title: str = ""
    prompt: str = ""
    choices: tuple[str, ...] = ()


#: Excel's limit for a dropdown listed in the validation itself ("甲,乙,丙").
MAX_LISTED = 255


@dataclass(frozen=True)
class Highlight:
    """A conditional format: cells in ``ref`` equal to ``text`` get ``style``'s font colour, bold and fill."""

    ref: tuple[int, int, int, int]
    text: str
    style: Style


@dataclass(frozen=True)
class Series:
    name: str
    categories: tuple[int, int, int]  # column, first row, last row (on the chart's sheet)
    values: tuple[int, int, int]
    color: str = "4472C4"


@dataclass(frozen=True)
class Chart:
    """A bar (horizontal) or column chart of the sheet's own cells, placed at ``anchor`` (row, col)."""

    kind: str  # "bar" or "column"
    title: str
    series: tuple[Series, ...]
    anchor: tuple[int, int]
    size: tuple[int, int]  # pixels: width, height
    axis_title: str = ""
    axis_format: str = "0%"
    axis_min: float | None = 0
    axis_max: float | None = None
    reverse_categories: bool = False
    labels: bool = True


@dataclass(frozen=True)
class Print:
    """What prints: ``area`` with ``header_rows`` (first, last) on every page — always A4 landscape, one
    page wide, 宋体 footer with page numbers (the one print set-up of every workbook)."""

    area: tuple[int, int, int, int]
    header_rows: tuple[int, int] | None = None


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], tuple[Value, Style]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    #: Style of a whole column's empty cells (an unlocked input column on a protected sheet).
    column_styles: dict[int, Style] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None  # first scrolling row, first scrolling column
    autofilter: tuple[int, int, int, int] | None = None
    validations: list[Validation] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    print: Print | None = None
    hidden: bool = False
    protected: bool = False
    #: Printed by default: the sheets selected when the book opens (Excel prints the selected sheets).
    selected: bool = False

    def put(self, row: int, col: int, value: Value, style: Style) -> None:
        self.cells[(row, col)] = (value, style)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if (first_row, first_col) != (last_row, last_col):
            self.merges.append((first_row, first_col, last_row, last_col))

    def value(self, row: int, col: int) -> Value:
        found = self.cells.get((row, col))
        return found[0] if found else None


@dataclass
class Book:
    sheets: list[Sheet] = field(default_factory=list)
    title: str = ""
    author: str = "reportgen"
    created: dt.datetime = dt.datetime(2000, 1, 1)

    def add(self, name: str) -> Sheet:
        if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name) or any(s.name == name for s in self.sheets):
            raise ValueError(f"bad or repeated sheet name {name!r}")
        sheet = Sheet(name)
        self.sheets.append(sheet)
        return sheet

    def __getitem__(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def texts(self) -> list[str]:
        """Every text the book shows (cells, hints, error messages, chart titles), for the linter and tests."""
        found = [self.title]
        for sheet in self.sheets:
            found.extend(v for v, _ in sheet.cells.values() if isinstance(v, str))
            found.extend(t for v in sheet.validations for t in (v.prompt_title, v.prompt, v.error_title, v.error) if t)
            found.extend(c.title for c in sheet.charts)
        return found


# ---------------------------------------------------------------- the one style set

BODY = Style(border=True, wrap=True)
TITLE = Style(size=18, bold=True, align="center")
META = Style()
SECTION = Style(size=12, bold=True)
HEADER = Style(bold=True, border=True, fill="D9D9D9", align="center", wrap=True)
TEXT = BODY
CENTER = BODY.but(align="center")
CHILD = BODY.but(indent=2)
INT = BODY.but(align="right", num_format=INT_FORMAT)
DECIMAL = BODY.but(align="right", num_format=DECIMAL_FORMAT)
DATE = BODY.but(align="center", num_format=DATE_FORMAT)
PERCENT = BODY.but(align="right", num_format=PERCENT_FORMAT)
CHANGE = BODY.but(align="right", num_format=CHANGE_FORMAT)
POINTS = BODY.but(align="right", num_format=POINTS_FORMAT)
BOLD = BODY.but(bold=True, align="center")
PLAIN = Style()
UNMET = Style(bold=True, color="C00000", fill="F2F2F2")

#: Display width in Excel character units (a CJK/full-width character counts as two).
text_width = textwidth.columns


def col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
