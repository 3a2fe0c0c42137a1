"""Dates known only to the month or the year: 8月份 开展, 2023年 成立.

Clerks often know no day (the group was set up in 2023; the drive started in August). Making them
type a day would put a date in the report that nobody reported, so a date field may hold a month or a
year. Such a value is a ``dt.date`` subclass standing on the first day of its month or year: it sorts
and compares with ordinary dates, while ``first_day``/``last_day`` give the range it stands for and
``zh.cn_date`` writes it as 8月份 or 2023年, never with a day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .lazy_pattern import LazyPattern

YEARS = (1990, 2100)


class MonthDate(dt.date):
    """A month (2024-08): stored as its first day, which the text never states."""

    precision = "month"

    def __repr__(self) -> str:
        return f"MonthDate({self.year}, {self.month})"


class YearDate(dt.date):
    """A year (2023): stored as 1 January, which the text never states."""

    precision = "year"

    def __repr__(self) -> str:
        return f"YearDate({self.year})"


def month(year: int, month_: int) -> MonthDate:
    return MonthDate(year, month_, 1)


def year(year_: int) -> YearDate:
    return YearDate(year_, 1, 1)


def precision(day: dt.date) -> str:
    """"day", "month" or "year"."""
    return getattr(day, "precision", "day")


def is_day(day: dt.date | None) -> bool:
    return day is not None and precision(day) == "day"


def first_day(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


def last_day(day: dt.date) -> dt.date:
    """The last day of the range a value stands for (a day stands for itself)."""
    kind = precision(day)
    if kind == "year":
        following = dt.date(day.year + 1, 1, 1)
    elif kind == "month":
        following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    else:
        return first_day(day)
    return following - dt.timedelta(days=1)


def iso(day: dt.date) -> str:
    """``2024-06-05``, ``2024-08`` or ``2023``: how the value is typed in YAML and shown in forms."""
    kind = precision(day)
    if kind == "year":
        return f"{day.year:04d}"
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return first_day(day).isoformat()


def cell(day: dt.date) -> dt.date | str:
    """A workbook cell: a day stays a date cell; a month or year is the text a clerk would type
    (2024年8月, 2023年), because a date cell would show a first day nobody reported."""
    kind = precision(day)
    if kind == "year":
        return f"{day.year}年"
    if kind == "month":
        return f"{day.year}年{day.month}月"
    return first_day(day)


# Exactly the forms the schema's patterns allow, so the schema and the validator agree (the workbook
# reader turns 2024/6/5 and date cells into dates before they get here).
_DAY = LazyPattern(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_NUMBER = r"(0?[1-9]|1[0-2])"
_MONTH = LazyPattern(rf"(\d{{4}})(?:-{_MONTH_NUMBER}|年{_MONTH_NUMBER}月份?)")
_YEAR = LazyPattern(r"(199\d|20\d\d|2100)年?")  # YEARS, as a pattern the schema can state


def _in_range(year_: int) -> bool:
    return YEARS[0] <= year_ <= YEARS[1]


def read(value: Any) -> dt.date:
    """A typed value (a date, ``2024-08``, ``2024年8月``, ``2023``, ``2023年``) as a day, month or year."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise _refused(value)
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2023.0 is the integer 2023 to a JSON Schema checker too
    if isinstance(value, int) and not isinstance(value, bool):
        if _in_range(value):
            return year(value)
        raise _refused(value)
    if not isinstance(value, str):
        raise _refused(value)
    try:
        found = _DAY.fullmatch(value)
        if found:
            return dt.date(*(int(g) for g in found.groups()))
        found = _MONTH.fullmatch(value)
        if found:
            return month(int(found.group(1)), int(found.group(2) or found.group(3)))
        found = _YEAR.fullmatch(value)
        if found:
            return year(int(found.group(1)))
    except ValueError:
        pass
    raise _refused(value)


def _refused(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "partial_date_parsing",  # a *_parsing type: the schema agreement test holds the schema to refuse it too
        "“{value}”不是日期：请写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023",
        {"value": str(value)},
    )


def _serialize(day: dt.date) -> str | int:
    return day.year if precision(day) == "year" else iso(day)


#: What the schema accepts: a day, a month or a year — the same forms ``read`` takes.
_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": r"^\d{4}(-(0?[1-9]|1[0-2])|年(0?[1-9]|1[0-2])月份?)$"},
        {"type": "string", "pattern": r"^(199\d|20\d\d|2100)年?$"},
        {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
    ],
    "description": "日期，写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023",
}


def read_day(value: Any) -> dt.date:
    """A whole calendar day, typed as 2024-06-05 or given as a date (a YAML date, a workbook date cell).

    pydantic's own date type also reads a number (0, "86400") as seconds since 1970, which would put
    1970-01-01 in a report for a stray 0 and which the editor's schema refuses."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date()
        raise PydanticCustomError("date_from_datetime_inexact", "日期不带时间：请写成 2024-06-05")
    if isinstance(value, dt.date) and precision(value) == "day":
        return value
    if isinstance(value, str):
        found = _DAY.fullmatch(value.strip())
        if found:
            try:
                return dt.date(*(int(g) for g in found.groups()))
            except ValueError:
                pass
        elif re.match(r"\d{4}-\d{2}-\d{2}[ T]\d", value.strip()):
            raise PydanticCustomError("date_from_datetime_inexact", "日期不带时间：请写成 2024-06-05")
    raise PydanticCustomError("date_parsing", "“{value}”不是日期：请写成 2024-06-05", {"value": str(value)})


#: A whole day (period bounds, the 成文日期): written 2024-06-05, never a number.
Day = Annotated[
    dt.date,
    PlainValidator(read_day),
    PlainSerializer(iso, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date"}),
]


class _Partial:
    """Marks a date field that may hold a month or a year (the workbook and the web form read it)."""

    def __repr__(self) -> str:
        return "PARTIAL"


PARTIAL = _Partial()

#: A date that may be known to the month (2024-08 → 8月份) or the year (2023 → 2023年) only.
When = Annotated[
    dt.date,
    PARTIAL,
    PlainValidator(read),
    PlainSerializer(_serialize, when_used="json"),
    WithJsonSchema(_SCHEMA),
]
