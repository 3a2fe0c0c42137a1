"""How each kind of period is spoken of: the one place that turns a ``Period`` into words.

A 阶段汇报 must not read like an annual summary, and a report on the years since 2021 must not say
"近年来以来": the title, the opening, the "现将……如下" line, the outlook of the plans and the 【期间】
word all depend on the kind of period, so they are worked out together here and nowhere else.
Every word that is not connective comes from a field of the period (year, quarter, start, name…).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import zh
from .model import CLOSED_PERIODS, Period


@dataclass(frozen=True)
class PeriodWords:
    #: The period as a noun, also the opening's time adverbial: 2024年度, 2025年3月以来, 2021年以来,
    #: 2025年春节、元宵节期间 (tables, roll-up groups).
    name: str
    #: The period's part of the title (2025年 for a 阶段, whose title then says 阶段性).
    title: str
    #: Said before the report kind in the title and in the 现将 line: 阶段性 for a 阶段.
    stage: str
    #: The period named again in the next sentence, so the opening does not repeat 2021年以来 twice.
    again: str
    #: The period in 现将……如下; empty for a span of years (never 现将近年来……).
    intro: str
    #: When the plans are for: 下半年, 2025年, 下一阶段, 下一步.
    outlook: str
    #: 【期间】 in framing phrases: 一年来, 上半年, 这一阶段, 近年来.
    during: str
    #: The fields the words come from (their provenance).
    paths: tuple[tuple, ...]


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def span(start: dt.date, end: dt.date) -> str:
    """``2025年3月至6月`` for whole months, ``2025年2月1日至24日`` otherwise; the year is said again
    only when it changes."""
    if start.day == 1 and _month_end(end):
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.year}年{start.month}月"
        second = f"{end.year}年{end.month}月" if end.year != start.year else f"{end.month}月"
        return f"{start.year}年{start.month}月至{second}"
    return zh.date_span(start, end, with_year=True)


def since(day: dt.date) -> str:
    """``2025年3月以来`` (or ``2025年3月10日以来`` when the stage began mid-month)."""
    return f"{day.year}年{day.month}月{'' if day.day == 1 else f'{day.day}日'}以来"


def reach(period: Period, signed: dt.date | None) -> dt.date:
    """The last day the report covers: a running 阶段, 专项 or span of years without an end reaches its data
    cut-off or, failing that, the day it is signed — not 31 December, which nobody reported on."""
    if period.end or period.type in CLOSED_PERIODS:
        return period.end_date
    return min(period.as_of or signed or period.end_date, period.end_date)


def _next(period: Period) -> str:
    year = f"{period.year + 1}年"
    if period.type == "上半年":
        return "下半年"
    if period.type == "季度" and period.quarter and period.quarter < 4:
        return f"第{zh.cn_int(period.quarter + 1)}季度"
    if period.type == "月度" and period.month and period.month < 12:
        return f"{period.month + 1}月"
    if period.type == "阶段":
        return "下一阶段"
    if period.type in ("专项", "近年来", "多年"):
        return "下一步"  # no calendar slot follows a campaign or a span of years
    return year


def _paths(period: Period) -> tuple[tuple, ...]:
    used = ["year", "type"] + [name for name in ("quarter", "month", "start", "end", "name", "since", "label")
                               if getattr(period, name) is not None]
    return tuple(("period", name) for name in used)


def words(period: Period) -> PeriodWords:
    """All the ways one period is spoken of (see ``PeriodWords``)."""
    year = f"{period.year}年"
    kind = period.type
    stage = ""
    during = {"全年": "一年来", "上半年": "上半年", "下半年": "下半年", "季度": "本季度", "月度": "本月",
              "专项": "这段时间", "近年来": "近年来", "多年": "多年来"}.get(kind, "这一阶段")
    if kind == "全年":
        name = year + "度"
    elif kind == "季度" and period.quarter:
        name = f"{year}第{zh.cn_int(period.quarter)}季度"
    elif kind == "月度" and period.month:
        name = f"{year}{period.month}月"
    elif kind in ("上半年", "下半年"):
        name = year + kind
    elif kind == "阶段" and period.start:
        name = span(period.start, period.end) if period.end else since(period.start)
        stage = "阶段性"
    elif kind == "阶段":
        name, stage = year + "以来", "阶段性"
    elif kind == "专项" and period.name:
        name = period.name if period.name.startswith(year) else year + period.name
    elif kind == "专项" and period.start and period.end:
        name = span(period.start, period.end)
    elif kind in ("近年来", "多年") and (period.since or period.start):
        name = since(period.start) if period.start else f"{period.since}年以来"
    else:
        name = year  # a kind without the fields it needs: the rules say which to fill
    title = year if stage else ("近年来" if kind == "近年来" else name)
    if period.label:  # the user's own wording stands for the period wherever it is named
        name = title = period.label
    spans_years = kind in ("近年来", "多年") or name.endswith("来")
    return PeriodWords(
        name=name,
        title=title,
        stage=stage,
        again="其间" if period.label else {"上半年": "半年来", "下半年": "半年来", "近年来": "几年来", "专项": "其间"}.get(kind, during),
        intro="" if spans_years or stage else (period.name or name if kind == "专项" else name),
        outlook=_next(period),
        during=during,
        paths=_paths(period),
    )
