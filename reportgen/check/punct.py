"""Punctuation in Chinese text: half-width marks typed beside 汉字, straight quotes, 顿号 between 《》.

One function both finds and repairs, so ``check`` reports exactly what ``--fix`` would change.
The core pattern is the output linter's (``lint.HALF_PUNCT``: an ASCII mark touching a 汉字), so a
built summary and a hand-made one are judged alike. Numbers (1,200 · 9:30 · 3.5), Latin words and
URLs are left alone: there the ASCII mark is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grammar_lint import BOOK_PAUSE
from ..lint import FULL_DIGIT, HALF_PUNCT

FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
NAMES = {",": "逗号", ";": "分号", ":": "冒号", "?": "问号", "!": "叹号", "(": "括号", ")": "括号", ".": "句号",
         '"': "引号", "、": "顿号"}
_CJK = r"[\u3400-\u9fff]"
_PROTECTED = re.compile(r"(?:https?://|www\.)[^\s\u3400-\u9fff，。；]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PAREN = re.compile(r"\(([^()\n]{0,80})\)")
_QUOTE = re.compile(r'"([^"\n]{0,200})"')
_STOP = re.compile(r"(?<=[\u3400-\u9fff)）”》\"])\.(?=[\u3400-\u9fff]|$)")
#: Heading numbers typed with the wrong mark: 一. → 一、, 1、 → 1. (GB/T 9704 §7.3.3).
_LEVEL1_MARK = re.compile(r"^([一二三四五六七八九十]{1,3})[.．](?=\S)")
_LEVEL3_MARK = re.compile(r"^(\d{1,2})[、．](?=\d{1,2}月|\D)")


@dataclass(frozen=True)
class Change:
    position: int
    old: str
    new: str
    why: str

    def message(self) -> str:
        if not self.new:
            return f"{self.why}：应删去“{self.old}”"
        return f"{self.why}：“{self.old}”应为“{self.new}”"


def normalise(text: str) -> tuple[str, list[Change]]:
    """``text`` with its punctuation made right, and every change made (positions in ``text``)."""
    protected = set()
    for match in _PROTECTED.finditer(text):
        protected.update(range(match.start(), match.end()))
    chars = list(text)
    changes: dict[int, Change] = {}

    def change(position: int, new: str, why: str, length: int = 1) -> None:
        if position in protected or position in changes:
            return
        changes[position] = Change(position, text[position:position + length], new, why)

    match = _LEVEL1_MARK.match(text)
    if match:
        change(match.end() - 1, "、", "一级标题序号后应为顿号")
    match = _LEVEL3_MARK.match(text)
    if match:
        change(match.end() - 1, ".", "三级标题序号后应为半角点")
    for match in _PAREN.finditer(text):
        inner, start, end = match.group(1), match.start(), match.end() - 1
        beside = text[start - 1:start] + text[end + 1:end + 2]
        if re.search(_CJK, inner + beside) or (start == 0 and re.fullmatch(r"\d{1,2}", inner)):
            change(start, "（", "中文里应使用全角括号")
            change(end, "）", "中文里应使用全角括号")
    for match in _QUOTE.finditer(text):
        start, end = match.start(), match.end() - 1
        if re.search(_CJK, match.group(1) + text[start - 1:start] + text[end + 1:end + 2]):
            change(start, "“", "中文里应使用全角引号")
            change(end, "”", "中文里应使用全角引号")
    for match in HALF_PUNCT.finditer(text):
        mark = match.group(0)
        change(match.start(), FULL[mark], f"中文里应使用全角{NAMES[mark]}")
    for match in _STOP.finditer(text) if re.search(_CJK, text) else ():
        change(match.start(), "。", "中文里应使用全角句号")
    for match in BOOK_PAUSE.finditer(text):
        change(match.start(), "", "相连的书名号之间不用顿号")
    for match in FULL_DIGIT.finditer(text):
        change(match.start(), chr(ord(match.group(0)) - 0xFEE0), "数字应使用半角")
    for position, found in changes.items():
        chars[position] = found.new
    return "".join(chars), sorted(changes.values(), key=lambda c: c.position)
