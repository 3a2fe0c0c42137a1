"""Reading a clerk's frequency and counting the slots a span allows (the count rule stands on it)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen import recurrence
from reportgen.recurrence import Frequency

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每月一次", Frequency("month", 1)),
        ("每月两次", Frequency("month", 2)),
        ("每月一期", Frequency("month", 1)),
        ("每个月3场", Frequency("month", 3)),
        ("每季度一期", Frequency("quarter", 1)),
        ("每年一次", Frequency("year", 1)),
        ("每周一次", Frequency("week", 1)),
        ("每周两次", Frequency("week", 2)),
        ("每周五", Frequency("week", 1, frozenset({4}))),
        ("每周五下午", Frequency("week", 1, frozenset({4}))),
        ("每周三、周五早高峰", Frequency("week", 1, frozenset({2, 4}))),
        ("每周二、四", Frequency("week", 1, frozenset({1, 3}))),
        ("每周一至周五上学时段", Frequency("week", 1, frozenset(range(5)))),
        ("每星期六", Frequency("week", 1, frozenset({5}))),
        ("每周三次", Frequency("week", 3)),  # three a week, not Wednesdays
        ("每周一、三各一次", Frequency("week", 1, frozenset({0, 2}))),
        ("每周五下午两场", Frequency("week", 2, frozenset({4}))),
        ("每天", Frequency("day", 1)),
        ("每天两次", Frequency("day", 2)),
        ("每日三次", Frequency("day", 3)),
        ("工作日每天上午", Frequency("day", 1, frozenset(range(5)))),
        ("每个工作日", Frequency("day", 1, frozenset(range(5)))),
    ],
)
def test_frequencies_clerks_type_are_read(text, expected):
    assert recurrence.parse(text) == expected


@pytest.mark.parametrize("text", [None, "", "不定期", "每月至少一次", "每周不少于两次", "视情况开展", "每两周一次", "每半月一次",
                                  "上学、放学时段", "常态化"])
def test_what_gives_no_most_is_not_read(text):
    assert recurrence.parse(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "most"),
    [
        ("每月两次", D(2024, 3, 5), D(2024, 12, 31), 20),
        ("每月一次", D(2024, 1, 31), D(2024, 2, 1), 2),  # two calendar months touched
        ("每周五", D(2024, 9, 6), D(2024, 12, 31), 17),
        ("每周五", D(2024, 9, 7), D(2024, 9, 12), 0),
        ("每周一次", D(2024, 1, 1), D(2024, 12, 31), 53),  # 2024-12-30 starts a 53rd week
        ("每季度一期", D(2024, 3, 31), D(2024, 4, 1), 2),
        ("每天两次", D(2024, 2, 28), D(2024, 3, 1), 6),  # 2024 is a leap year
        ("工作日每天上午", D(2024, 1, 1), D(2024, 1, 7), 5),
        ("每年一次", D(2023, 6, 1), D(2024, 5, 31), 2),
        ("每月一次", D(2024, 5, 1), D(2024, 4, 30), 0),
        ("每周一、三各一次", D(2024, 12, 2), D(2024, 12, 8), 2),
        ("每周五下午两场", D(2024, 12, 2), D(2024, 12, 31), 8),
    ],
)
def test_most_counts_calendar_slots(text, start, end, most):
    assert recurrence.parse(text).most(start, end) == most
