"""The templates' text markup → document blocks, each paragraph split into sentences with evidence.

Templates write connective prose in a tiny markup, so they never see python-docx:

* blank line                 → new paragraph (lines in between are joined: Chinese has no spaces)
* ``## 小标题``               → level-2 heading （一）…
* ``- 条目``                 → list item; a run of items becomes 一是…二是… or 1. 2. per the list style
* ``**引语。**正文``          → paragraph or item with a lead-in phrase

Text arrives with provenance marks (``facts``). Here they are stripped, and each sentence records
the facts it contains (data-bearing) or the phrase it is (framing). Template wording that is neither
— a clause longer than connective glue, or a number the data did not give — makes the sentence
*unsupported*, and the linter refuses it with the template file and line.
"""

from __future__ import annotations

import re
from typing import Callable

from .. import zh
from ..document import Heading, Paragraph, Run, Sentence, Source
from . import facts

_LEAD = re.compile(r"^\*\*(.+?)\*\*(.*)$", re.S)
_MARK = "[\ue000-\ue1ff]*"
#: A mark the user typed at the end of a value (goals: [学习贯彻，]) meets the template's own mark.
_DOUBLED_MARK = re.compile(f"[，、；：](?={_MARK}[，、；：。！？])")
_DOUBLED_STOP = re.compile(f"(?<=。)({_MARK})。")
#: Where either of the two could apply (removing a doubled mark can only leave a doubled stop where one was).
_DOUBLED = re.compile(f"[，、；：。](?={_MARK}[，、；：。！？])")
_TEXT_RUN = re.compile("[^\ue000-\ue1ff]+")
#: Text that is blank once its marks are removed: only marks and white space.
_BLANK = re.compile("[\\s\ue000-\ue004\ue100-\ue1ff]*")
#: Longest run of template wording allowed between facts in one clause: enough for connectives
#: (组织…参加，参与人数达…), too short to state a measure of its own (坚持人防、物防、技防相结合).
GLUE_MAX = 10
_CLAUSE_BREAK = re.compile(r"[，。；：！？（）“”《》\s]")
_PUNCT = re.compile(r"[，。；：、！？（）“”《》\s—…·]")
_SENTENCE = re.compile(r"[^。！？]*(?:[。！？]+[”’）]*|$)")


#: What ``zh.fullwidth`` may change; text without any of it is left as it is, without a call per run.
_HALF_WIDTH = re.compile('[,;:?!()"０-９]')


def tidy(text: str) -> str:
    """Full-width punctuation, and no doubled mark where a value's own mark meets the template's."""
    if _HALF_WIDTH.search(text):
        text = _TEXT_RUN.sub(lambda m: zh.fullwidth(m.group(0)), text)
    if not _DOUBLED.search(text):  # most text: one look instead of two rewrites
        return text
    return _DOUBLED_STOP.sub(r"\1", _DOUBLED_MARK.sub("", text))


def _runs(text: str) -> tuple[str, str]:
    found = _LEAD.match(text)
    return (found.group(1), found.group(2)) if found else ("", text)


def parse_markup(text: str) -> list[tuple[str, str, str]]:
    """Markup → [(kind, lead, body)], kind ∈ para | sub | item; lines of one element are joined.

    Lead and body keep their provenance marks; :func:`sentences` reads and strips them.
    """
    elements: list[list[str]] = []
    kinds: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if _BLANK.fullmatch(line):
            if kinds and kinds[-1] != "gap":
                kinds.append("gap")
                elements.append([])
            continue
        if line.startswith("## "):
            kinds.append("sub")
            elements.append([line[3:]])
        elif line.startswith("- "):
            kinds.append("item")
            elements.append([line[2:]])
        elif kinds and kinds[-1] in ("para", "item"):
            elements[-1].append(line)
        else:
            kinds.append("para")
            elements.append([line])
    result = []
    for kind, lines in zip(kinds, elements):
        if kind == "gap":
            continue
        lead, body = _runs("".join(lines))
        lead, body = tidy(lead), tidy(body)
        if not _BLANK.fullmatch(lead + body):
            result.append((kind, lead, body))
    return result


def plain_text(marked: str) -> str:
    return facts.MARKS.sub("", marked)


def _glue(text: str, start: int, end: int, spans: list[facts.Span]) -> str:
    """The template's own wording in ``text[start:end]``: every character a span covers becomes a line break.

    Built from the spans' intervals in slices rather than character by character.
    """
    pieces: list[str] = []
    done = start
    for left, right in sorted((max(s.start, start), min(s.end, end)) for s in spans):
        left = max(left, done)
        if right <= left:
            continue
        pieces.append(text[done:left])
        pieces.append("\n" * (right - left))
        done = right
    pieces.append(text[done:end])
    return "".join(pieces)


class Evidence:
    """Turns marked text into sentences, looking up marks in the compose's ledger."""

    def __init__(self, ledger: facts.Ledger | None, locate: Callable[[str], str]) -> None:
        self.ledger = ledger
        self.locate = locate

    def sentences(self, marked: str) -> tuple[Sentence, ...]:
        if self.ledger is None:
            return ()
        text, spans = facts.strip(marked)
        result = []
        for found in _SENTENCE.finditer(text):
            start, end = found.span()
            if start == end or not text[start:end].strip():
                continue
            result.append(self._sentence(text, start, end, spans))
        return tuple(result)

    def _sentence(self, text: str, start: int, end: int, spans: list[facts.Span]) -> Sentence:
        inside = [s for s in spans if s.start < end and s.end > start]
        sources: list[Source] = []
        phrases: list[str] = []
        has_facts = False
        for span in inside:
            if span.kind == "fact":
                has_facts = True
                sources.extend(self.ledger.sources(span.ref))
            elif span.kind == "phrase":
                phrases.append(self.ledger.entries[span.ref].phrase)
                sources.extend(self.ledger.sources(span.ref))
        glue = _glue(text, start, end, inside)
        fragments = [f for f in _CLAUSE_BREAK.split(glue.replace("\n", "，")) if f]
        unsupported = ""
        if any(map(str.isdigit, glue)):
            unsupported = next(f for f in fragments if any(c.isdigit() for c in f))
        elif has_facts:
            unsupported = next((f for f in fragments if _longer(f, GLUE_MAX)), "")
        elif phrases:
            unsupported = next((f for f in fragments if _longer(f, 4)), "")
        else:
            unsupported = max(fragments, key=len, default=text[start:end])
        unique = tuple(dict.fromkeys(sources))
        return Sentence(
            text=text[start:end],
            sources=unique if has_facts or phrases else (),
            phrase="、".join(dict.fromkeys(phrases)) if not has_facts else "",
            template=self.locate(unsupported) if unsupported else "",
            unsupported=unsupported,
        )

    def paragraph(self, runs: list[tuple[str, bool]], prefix: str = "") -> Paragraph:
        """A paragraph of marked runs (text, bold); ``prefix`` (一是, 1.) is structure, not a sentence."""
        marked = "".join(text for text, _ in runs)
        plain_runs = tuple(Run(text, bold) for text, bold in ((plain_text(t), b) for t, b in runs) if text)
        if prefix:
            first = plain_runs[0] if plain_runs else Run("")
            plain_runs = (Run(prefix + first.text, first.bold),) + plain_runs[1:]
        return Paragraph(plain_runs, self.sentences(marked))


def _longer(fragment: str, limit: int) -> bool:
    """Whether a fragment has more than ``limit`` characters besides punctuation (most are short enough
    that the punctuation need not be removed to know)."""
    return len(fragment) > limit and len(_PUNCT.sub("", fragment)) > limit


_NO_EVIDENCE = Evidence(None, lambda fragment: "")


def _item_paragraph(evidence: Evidence, style: str, index: int, lead: str, body: str) -> Paragraph:
    if style == "数字":
        if lead:
            return evidence.paragraph([(lead, True), (body, False)], f"{index}.")
        return evidence.paragraph([(body, False)], f"{index}.")
    return evidence.paragraph([(lead + body, False)], zh.ordinal(index))


def to_blocks(text: str, list_style: str, evidence: Evidence | None = None, heading_level: int = 2) -> list:
    """Markup → document blocks, numbering sub-headings and items from structure.

    Without ``evidence`` (text not composed from one report's facts, such as the roll-up) paragraphs
    carry no sentences and the provenance check does not apply to them.
    """
    evidence = evidence or _NO_EVIDENCE
    blocks: list = []
    sub_index = 0
    items: list[tuple[str, str]] = []

    def flush() -> None:
        if len(items) == 1:  # a single point reads as a paragraph, not “一是…” with no 二是
            lead, body = items[0]
            blocks.append(evidence.paragraph([(lead, True), (body, False)]))
        else:
            blocks.extend(_item_paragraph(evidence, list_style, i, lead, body) for i, (lead, body) in enumerate(items, 1))
        items.clear()

    for kind, lead, body in parse_markup(text):
        if kind == "item":
            items.append((lead, body))
            continue
        if items:
            flush()
        if kind == "sub":
            sub_index += 1
            blocks.append(Heading(heading_level, f"（{zh.cn_int(sub_index)}）", plain_text(body).rstrip("。：:")))
        else:
            blocks.append(evidence.paragraph([(lead, True), (body, False)]))
    if items:
        flush()
    return blocks
