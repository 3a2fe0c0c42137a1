"""What each paragraph of a hand-made summary is: title, 主送, heading (and its level), body, 落款…

Word files from copied 范文 rarely use styles faithfully, so roles come from the text and its
place in the document, with alignment and size only as hints: the title is the short opening
line(s); headings are known by their numbers (一、 （一） 1. （1）); the 成文日期 is the last date
line, and the 署名 the short line above it; 附件 labels start the attachments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import Docx, Para, TableBlock

_CN = "一二三四五六七八九十"
#: Heading numbers, typed right or with the usual slips (half-width brackets, 1、, 一.), by level.
HEADING = [
    (1, re.compile(rf"^([{_CN}]{{1,3}})\s*[、.．]\s*")),
    (2, re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.．]?\s*")),
    (3, re.compile(r"^(\d{1,2})\s*[.．、](?=\d{1,2}月|\D)\s*")),  # 1.12月5日… is an item, 1.5万 is not
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?\s*")),
]
DATE = re.compile(r"^\s*(\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                  r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*$")
LABEL = re.compile(r"^附件\s*(\d{0,2})$")
NOTE = re.compile(r"^附件\s*[：:]")
NOTE_ITEM = re.compile(r"^\d{1,2}\s*[.．]")
ENDING = "。；，：:;,！？!?"
SHORT = 40


@dataclass
class Block:
    """A paragraph or table with its role; ``level``/``number``/``value`` only for headings."""

    item: Para | TableBlock
    role: str            # title recipient heading body note signature date label attachment_title table_title table
    level: int = 0
    number: str = ""     # the heading's number as written (一、 （一） 1.)
    value: int = 0       # that number as an integer
    part: int = 0        # 0 = main text, N = attachment N

    @property
    def text(self) -> str:
        return self.item.full_text if isinstance(self.item, Para) else ""


def heading_of(text: str) -> tuple[int, str, int] | None:
    """(level, number as written, value) when ``text`` starts with a heading number."""
    for level, pattern in HEADING:
        match = pattern.match(text)
        if match and len(text) > match.end():
            digits = match.group(1)
            value = int(digits) if digits.isdigit() else _cn_value(digits)
            return level, match.group(0), value
    return None


def _cn_value(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)
    return _CN.index(text) + 1 if len(text) == 1 else 0


def _looks_like_title(para: Para, first: bool) -> bool:
    if heading_of(para.full_text) or DATE.match(para.full_text) or len(para.full_text) > SHORT * 2:
        return False
    if para.align == "center" or (para.size or 0) >= 18:
        return True
    return first and len(para.full_text) <= SHORT and para.full_text[-1] not in ENDING


def classify(document: Docx) -> list[Block]:
    blocks = [Block(b, "table" if isinstance(b, TableBlock) else "body") for b in document.blocks]
    labels = [i for i, b in enumerate(blocks) if isinstance(b.item, Para) and LABEL.match(b.item.full_text) and i > 2]
    main_end = labels[0] if labels else len(blocks)
    _main(blocks[:main_end])
    for n, start in enumerate(labels, 1):
        end = labels[n] if n < len(labels) else len(blocks)
        _attachment(blocks[start:end], n)
    return blocks


def _paras(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if isinstance(b.item, Para)]


def _main(blocks: list[Block]) -> None:
    paras = _paras(blocks)
    i = 0
    while i < len(paras) and i < 4 and _looks_like_title(paras[i].item, i == 0) and i + 1 < len(paras):
        paras[i].role = "title"
        i += 1
    if i < len(paras) and paras[i].item.full_text[-1:] in "：:" and len(paras[i].item.full_text) <= 30 \
            and "。" not in paras[i].item.full_text and not heading_of(paras[i].item.full_text):
        paras[i].role = "recipient"
    _closing(paras)
    _table_titles(blocks)
    _headings(blocks)


def _closing(paras: list[Block]) -> None:
    """成文日期, 署名 and 附件说明 at the end of the main text."""
    for j in range(len(paras) - 1, max(-1, len(paras) - 6), -1):
        if paras[j].role == "body" and DATE.match(paras[j].item.full_text):
            paras[j].role = "date"
            above = paras[j - 1] if j > 0 else None
            if above and _signature_like(above.item):
                above.role = "signature"
            break
    else:  # no date: a short right-aligned last line is still the 署名
        if len(paras) > 2 and _signature_like(paras[-1].item) and paras[-1].item.align in ("right", "end"):
            paras[-1].role = "signature"
    for j, block in enumerate(paras):
        if block.role == "body" and NOTE.match(block.item.full_text):
            block.role = "note"
            for follower in paras[j + 1:]:
                if follower.role != "body" or not NOTE_ITEM.match(follower.item.full_text) or "。" in follower.item.full_text:
                    break
                follower.role = "note"


def _signature_like(para: Para) -> bool:
    text = para.full_text
    return len(text) <= 30 and text[-1] not in ENDING and not heading_of(text) and not NOTE.match(text)


def _table_titles(blocks: list[Block]) -> None:
    for before, block in zip(blocks, blocks[1:]):
        if block.role == "table" and isinstance(before.item, Para) and before.role == "body":
            text = before.item.full_text
            if before.item.align == "center" and len(text) <= SHORT and "。" not in text and not heading_of(text):
                before.role = "table_title"


def _headings(blocks: list[Block]) -> None:
    for block in blocks:
        if block.role == "body":
            found = heading_of(block.item.full_text)
            if found:
                block.role = "heading"
                block.level, block.number, block.value = found


def _attachment(blocks: list[Block], number: int) -> None:
    for block in blocks:
        block.part = number
    blocks[0].role = "label"
    paras = _paras(blocks)
    for i, block in enumerate(paras[1:4], 1):  # a long title is set on several centred lines
        text = block.item.full_text
        if heading_of(text) or len(text) > SHORT * 2 or text[-1] in ENDING or (i > 1 and block.item.align != "center"):
            break
        block.role = "attachment_title"
    _table_titles(blocks)
    _headings(blocks)
