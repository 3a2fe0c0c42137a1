"""How many times a recurring activity can have happened: 每月两次 from 3月5日 to the year's end is at most 20.

A clerk types the frequency (``recurrence``) and the count (``times``) separately, and reviewers found
counts that no calendar allows (每周五 from 9月6日 to year end gives 17 Fridays, not 18). The rule in
``rules.py`` compares the stated count with the most the frequency allows over the span; this module only
reads the frequency and counts calendar slots. A frequency it cannot read (不定期, 视情况) is not checked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_NUMBER = r"(\d+|[一两二三四五六七八九十])"
#: The per-slot count: 每月两次, 每周一期, 每天三场. Without one, a slot holds a single occurrence.
_PER_SLOT = re.compile(_NUMBER + r"\s*(?:次|期|场|轮|回)")


@dataclass(frozen=True)
class Frequency:
    """``per`` slots of kind ``slot`` (day, week, month, quarter, year); ``weekdays`` limits days."""

    slot: str
    per: int = 1
    weekdays: frozenset[int] | None = None

    def most(self, start: dt.date, end: dt.date) -> int:
        """The largest count the frequency allows from ``start`` to ``end`` inclusive."""
        if end < start:
            return 0
        if self.weekdays is not None:
            days = (end - start).days + 1
            return self.per * sum(1 for d in range(days) if (start + dt.timedelta(d)).weekday() in self.weekdays)
        if self.slot == "day":
            return self.per * ((end - start).days + 1)
        if self.slot == "week":
            first = start - dt.timedelta(start.weekday())
            return self.per * ((end - first).days // 7 + 1)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if self.slot == "month":
            return self.per * months
        if self.slot == "quarter":
            quarters = (end.year - start.year) * 4 + (end.month - 1) // 3 - (start.month - 1) // 3 + 1
            return self.per * quarters
        return self.per * (end.year - start.year + 1)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMERALS[text]


def _weekdays(text: str) -> frozenset[int] | None:
    """周一至周五 → Mon–Fri; 周三、周五 → {Wed, Fri}; 周五 → {Fri}."""
    span = re.search(r"(?:周|星期)([一二三四五六日天])\s*(?:至|到|-|—|~)\s*(?:周|星期)?([一二三四五六日天])", text)
    if span:
        first, last = _WEEKDAYS[span.group(1)], _WEEKDAYS[span.group(2)]
        return frozenset(range(first, last + 1)) if first <= last else None
    days = re.findall(r"(?:周|星期|、|和|及)([一二三四五六日天])(?![次期场轮回])", text)
    return frozenset(_WEEKDAYS[d] for d in days) if days else None


def parse(text: str | None) -> Frequency | None:
    """Read a clerk's frequency (每月两次, 每周五下午, 工作日每天上午, 每季度一期); None if not readable."""
    if not text:
        return None
    text = text.strip()
    if re.search(r"至少|不少于|以上|不定期|若干", text):  # a lower bound or no rhythm: no most to check against
        return None
    count = _PER_SLOT.search(text)
    per = _number(count.group(1)) if count else 1
    if re.search(r"每(?:个)?(?:工作日)|工作日每天", text):
        return Frequency("day", per, frozenset(range(5)))
    if re.search(r"每(?:天|日)", text):
        return Frequency("day", per)
    if re.search(r"每(?:个)?(?:周|星期|礼拜)", text):
        # 周三次 is three a week, 周三 a Wednesday: a day name followed by 次/期 is a count (see _weekdays).
        weekdays = _weekdays(text.replace("每周", "周", 1).replace("每星期", "星期", 1))
        return Frequency("week", per, weekdays)
    if re.search(r"每(?:个)?季度", text):
        return Frequency("quarter", per)
    if re.search(r"每(?:个)?月", text):
        return Frequency("month", per)
    if re.search(r"每(?:一)?年", text):
        return Frequency("year", per)
    return None
