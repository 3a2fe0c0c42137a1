"""The words themselves: placeholders, punctuation, one label with two figures, repeats, the date.

The placeholder pattern and the output linter's patterns are imported, not restated, so a word the
project refuses in its own output is refused in a clerk's document too.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..lint import DOUBLE_PUNCT, SENTENCE_END
from ..model import INVISIBLE, PLACEHOLDER
from . import punct
from .findings import Issue
from .reader import Para, TableBlock
from .roles import DATE, Block

#: A figure with its measure word; the clause before it (from the last mark) is its label.
FIGURE = re.compile(r"([\u3400-\u9fff“”]{2,20}?)(\d+(?:\.\d+)?)\s*(万|亿)?(人次|人|名|户|家|次|场|期|个|项|件|篇|条|处|块|份|"
                    r"元|万元|平方米|米|公里|吨|小时|天|支|队|所|座|棵|株|盏|辆|台|%)")
#: Words that carry no meaning of their own in a label: 参加 128 人 and 参加 150 人 can both be true.
GENERIC = re.compile(r"覆盖|涉及|投入经费|投入资金|经费|投入|资金|比上年同期|上年同期|同期|比上年|共计|合计|总计|累计|共|达到|达|计|约|近|超过|以上|余|为|有|已|开展|参加|参与|举办|召开|组织|"
                     r"完成|新增|其中|目标|实际|全年|今年|本年|上半年|下半年|各类|各项|本期|人数|次数|分别|比上年|同比|增长|下降|提高|减少")
#: Two-character labels (党员, 群众) name a group counted many ways; three characters name a figure.
MIN_LABEL = 3
#: A percentage after these is a rate of change for one item, not a figure of the label.
CHANGE = re.compile(r"增长|下降|提高|减少|降低|上升|比")
MIN_SENTENCE = 8
#: A title naming a stage, a campaign or a span of years: such a report is signed while the period runs.
OPEN_PERIOD = re.compile(r"阶段|以来|近年来|多年来|期间")
PERIOD_END = {"第一季度": 3, "一季度": 3, "第二季度": 6, "二季度": 6, "上半年": 6, "第三季度": 9, "三季度": 9,
              "前三季度": 9, "第四季度": 12, "四季度": 12, "下半年": 12, "全年": 12, "年度": 12}


def _texts(blocks: list[Block]):  # noqa: ANN202 — (paragraph number, table number, text)
    for block in blocks:
        if isinstance(block.item, Para):
            yield block.item.number, None, block.item.full_text
        elif isinstance(block.item, TableBlock):
            for row in block.item.rows:
                for cell in row:
                    if cell:
                        yield block.item.after_paragraph or None, block.item.number, cell


def check(blocks: list[Block]) -> list[Issue]:
    issues: list[Issue] = []
    for paragraph, table, text in _texts(blocks):
        for match in PLACEHOLDER.finditer(text):
            issues.append(Issue("占位符", f"“{match.group(0)}”是范文留下的占位符：请换成实际内容", paragraph,
                                _around(text, match.start()), fixable=False, table=table))
        if INVISIBLE.search(text):
            issues.append(Issue("文字", "含有不可见的控制字符或方向标记", paragraph, text, table=table))
        for change in punct.normalise(text)[1]:
            issues.append(Issue("标点", change.message(), paragraph, _around(text, change.position), table=table))
        for match in DOUBLE_PUNCT.finditer(text):
            issues.append(Issue("重复", f"标点重复“{match.group(0)}”", paragraph, _around(text, match.start()),
                                fixable=False, table=table))
    issues.extend(_repeats(blocks))
    issues.extend(_figures(blocks))
    issues.extend(_date(blocks))
    return issues


def _around(text: str, position: int) -> str:
    start = max(0, position - 10)
    return ("……" if start else "") + text[start:position + 12]


def _repeats(blocks: list[Block]) -> list[Issue]:
    seen: dict[str, int] = {}
    issues = []
    for block in blocks:
        if not isinstance(block.item, Para) or block.role not in ("body", "heading"):
            continue
        for sentence in SENTENCE_END.split(block.item.full_text):
            sentence = sentence.strip()
            if len(sentence) < MIN_SENTENCE:
                continue
            if sentence in seen:
                issues.append(Issue("重复", f"这句话与第{seen[sentence]}段重复", block.item.number, sentence, fixable=False))
            else:
                seen[sentence] = block.item.number
    return issues


def label_of(clause: str) -> str:
    """The meaningful words before a figure: the last clause without generic verbs and 共/达/累计."""
    clause = re.split(r"[，。；：、“”（）]", clause)[-1]
    return GENERIC.sub("", clause)


def _figures(blocks: list[Block]) -> list[Issue]:
    """The same label with two different figures (志愿者 151 人 … 志愿者 160 人) in one document.

    A label seen with three or more figures is a list of like items (each unit's 参与群众 in a
    roll-up), not one figure stated twice, so only exactly two differing figures are reported.
    """
    seen: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for block in blocks:
        if not isinstance(block.item, Para) or block.role not in ("body", "heading"):
            continue
        text = block.item.full_text
        for match in FIGURE.finditer(text):
            clause = text[max(0, match.start() - 20):match.start(2)]
            label = label_of(clause)
            if len(label) < MIN_LABEL or (match.group(4) == "%" and CHANGE.search(re.split(r"[，。；：]", clause)[-1])):
                continue
            figure = match.group(2) + (match.group(3) or "") + match.group(4)
            seen[(label, match.group(4))].append((figure, block.item.number, _around(text, match.start(2))))
    issues = []
    for (label, _), places in seen.items():
        if len({figure for figure, _, _ in places}) != 2:
            continue
        first = places[0]
        other = next(p for p in places if p[0] != first[0])
        # Two activities may each count 宣传栏: only a person can tell a contradiction, so a hint.
        issues.append(Issue("数字", f"“{label}”在第{first[1]}段是{first[0]}，这里是{other[0]}：请核对是哪一个",
                            other[1], other[2], fixable=False, severity="warning"))
    return issues


def _cn_digits(text: str) -> bool:
    return not text.isdigit()


def _date(blocks: list[Block]) -> list[Issue]:
    date = next((b.item for b in blocks if b.role == "date" and b.part == 0), None)
    title = "".join(b.item.full_text for b in blocks if b.role == "title")
    if date is None:
        return []
    match = DATE.match(date.full_text)
    year, month, day = match.groups()
    if any(map(_cn_digits, (year, month, day))):
        return [Issue("日期", "成文日期应使用阿拉伯数字，年份写全，如“2024年6月30日”", date.number, date.full_text, fixable=False)]
    issues = []
    if month.startswith("0") or day.startswith("0"):
        issues.append(Issue("日期", "成文日期的月、日不编虚位：写“6月5日”，不写“06月05日”", date.number, date.full_text, fixable=False))
    stated = re.search(r"(\d{4})\s*年\s*(第[一二三四]季度|[一二三四]季度|前三季度|上半年|下半年|全年|年度)?", title)
    if stated:
        y, m = int(year), int(month)
        period_year = int(stated.group(1))
        end = PERIOD_END.get(stated.group(2) or "年度", 12)
        earliest = (period_year, max(1, end - 1))
        latest = (period_year + 1, 6) if end == 12 else (period_year, 12)
        span = f"{period_year}年{stated.group(2) or ''}"
        if not period_year <= y <= period_year + 1:
            issues.append(Issue("日期", f"成文日期与标题所写的总结期（{span}）对不上：请核对年份", date.number,
                                date.full_text, fixable=False))
        elif not earliest <= (y, m) <= latest and not OPEN_PERIOD.search(title):
            issues.append(Issue("日期", f"成文日期离总结期（{span}）末较远：请核对月份", date.number,
                                date.full_text, fixable=False, severity="warning"))
    return issues
