"""Heading numbers: the sequence 一、（一）1.（1）, gaps, repeats, level jumps and Word list numbering.

GB/T 9704 §7.3.3 orders the levels 一、 → （一） → 1. → （1）. Numbers run on within their parent
and restart under a new one; each attachment is numbered on its own.
"""

from __future__ import annotations

from .. import zh
from .findings import Issue
from .reader import Para
from .roles import Block

FORMS = {1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）"}


def form(level: int, value: int) -> str:
    return FORMS[level].format(zh.cn_int(value) if level <= 2 else value)


def check(blocks: list[Block]) -> list[Issue]:
    issues: list[Issue] = []
    last: dict[int, int] = {}
    part = 0
    for block in blocks:
        if not isinstance(block.item, Para):
            continue
        para = block.item
        if para.auto_number:
            issues.append(Issue("结构", f"使用了 Word 自动编号“{para.auto_number}”：换台电脑或增删段落后编号会变，"
                                        "请改为直接输入的编号", para.number, para.full_text))
        if block.part != part:
            part, last = block.part, {}
        if block.role != "heading":
            continue
        level, value = block.level, block.value
        parent = max((lv for lv in last if lv < level), default=0)
        if level > 1 and parent != level - 1:
            above = form(parent, last[parent]) if parent else "正文开头"
            # GB/T 9704 lists the levels in order but 范文 skip one all the time, as the writer does
            # for a list under 一、: a hint to look at, not an error.
            issues.append(Issue("结构", f"层次越级：{above}之下直接用了{form(level, value)}，"
                                        f"中间没有{form(level - 1, 1)}这一层", para.number, para.full_text,
                                fixable=False, severity="warning"))
        expected = last.get(level, 0) + 1
        if value != expected:
            what = "编号重复" if value == last.get(level) else "编号不连续"
            issues.append(Issue("结构", f"{what}：这里应为“{form(level, expected)}”，实为“{form(level, value)}”",
                                para.number, para.full_text, fixable=False))
        last[level] = value
        for deeper in [lv for lv in last if lv > level]:
            del last[deeper]
    return issues
