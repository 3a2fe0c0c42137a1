"""textwidth.columns: a wide character (from U+2E80 on) takes two columns, anything below it one."""

from __future__ import annotations

import pytest

from reportgen import textwidth


@pytest.mark.parametrize("text", ["", "2024", "志愿a", "“学雷锋”志愿服务", "activities[3].attendance；metrics[v].value",
                                  "a—b…c·d", "𠀀x", "第1段\n第2段", "ＡＢ12", "\u2e7f\u2e80"])
def test_columns_counts_each_wide_character_twice(text):
    assert textwidth.columns(text) == sum(2 if textwidth.is_wide(ch) else 1 for ch in text)
