"""Output linter: runs on every build and refuses text a 文明办 reviewer would send back.

Each check corresponds to a defect of copied 范文 (genre analysis §7): leaked placeholders, empty or
gapped numbering, repeated sentences, half-width punctuation and full-width digits; ``grammar_lint``
adds the slips of grammar (doubled words, an item with no verb, dangling quantities…).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from typing import Callable, Iterable

from . import grammar_lint, zh
from .document import Document, Heading, Paragraph
from .model import PLACEHOLDER

#: An ASCII mark touching a 汉字; the look-ahead first lets every other position fail at once.
HALF_PUNCT = re.compile(r"(?=[,;:?!()])(?:(?<=[\u3400-\u9fff“”])[,;:?!()]|[,;:?!()](?=[\u3400-\u9fff“”]))")
FULL_DIGIT = re.compile(r"[０-９]")
DOUBLE_PUNCT = re.compile(r"[，。；：、]{2,}|。，|，。")
SENTENCE_END = re.compile(r"(?<=[。！？；])")
#: The characters a match of ``model.PLACEHOLDER`` can start with: the first of each of its alternatives
#: (tests/test_lint.py checks that ``find_placeholder`` and the model's pattern agree).
_STARTS = "[2xX×Ｘ*＊某_＿○{}%NnuU]"
_FIRST_START = re.compile(_STARTS)
#: ``model.PLACEHOLDER`` behind a look-ahead for those characters: the same matches, about five times
#: faster, because in Chinese text nearly every position fails on one character class instead of on
#: each of the pattern's alternatives in turn.
PLACEHOLDER_SCAN = re.compile(f"(?={_STARTS})(?:{PLACEHOLDER.pattern})")


def find_placeholder(text: str) -> re.Match[str] | None:
    """``model.PLACEHOLDER.search(text)``, faster: a plain character class finds where a match could
    first start (most texts have no such place), and the search begins there. The look-behinds
    still see the characters before it."""
    start = _FIRST_START.search(text)
    return PLACEHOLDER_SCAN.search(text, start.start()) if start else None


class LintError(Exception):
    def __init__(self, findings: list[str]):
        self.findings = findings
        super().__init__("\n".join(findings))


def _expected_numbers(level: int, count: int) -> list[str]:
    return [f"{zh.cn_int(i)}、" if level == 1 else f"（{zh.cn_int(i)}）" for i in range(1, count + 1)]


def check(document: Document) -> list[str]:
    findings: list[str] = []
    texts = [document.title]
    typed: dict[int, tuple] = {}  # text index → the paragraph's sentences, to say where a value was typed
    numbers: dict[int, list[str]] = {1: []}
    for block in document.blocks:
        if isinstance(block, Heading):
            if not block.text.strip():
                findings.append(f"标题“{block.number}”没有文字")
            if block.level == 1:
                numbers[1].append(block.number)
                numbers[2] = []
            else:
                numbers.setdefault(block.level, []).append(block.number)
                expected = _expected_numbers(block.level, len(numbers[block.level]))
                if numbers[block.level] != expected:
                    findings.append(f"小标题编号不连续：{'、'.join(numbers[block.level])}")
            texts.append(block.full_text)
        elif isinstance(block, Paragraph):
            if not block.text.strip():
                findings.append("出现空段落")
            typed[len(texts)] = block.sentences
            texts.append(block.text)
            findings.extend(_unsupported(block))
    if numbers[1] != _expected_numbers(1, len(numbers[1])):
        findings.append(f"一级标题编号不连续：{''.join(numbers[1])}")
    texts.extend(document.attachment_note)
    for index, text in enumerate(texts):
        for search, what in (
            (find_placeholder, "占位符或空值"),
            (HALF_PUNCT.search, "半角标点"),
            (FULL_DIGIT.search, "全角数字"),
            (DOUBLE_PUNCT.search, "重复标点"),
        ):
            found = search(text)
            if found:
                excerpt = text[max(0, found.start() - 12):found.end() + 12]
                places = tuple(p for s in typed.get(index, ()) if found.group(0) in s.text for p in s.places)
                findings.append(f"出现{what}“{found.group(0)}”：{excerpt}{grammar_lint.where_typed(places)}")
    sentences = Counter(
        s.strip() for text in texts for s in SENTENCE_END.split(text) if len(s.strip()) >= 8
    )
    findings.extend(f"句子重复出现 {n} 次：{s}" for s, n in sentences.items() if n > 1)
    findings.extend(grammar_lint.check_document(document))
    return findings


def _unsupported(paragraph: Paragraph) -> list[str]:
    """A sentence must carry data or be a phrase from the phrase file; template wording that is
    neither states something nobody reported (the template file and line say where it is)."""
    found = []
    for sentence in paragraph.sentences:
        if sentence.is_supported:
            continue
        where = f"（{sentence.template}：“{sentence.unsupported}”）" if sentence.template else ""
        found.append(f"句子既不来自数据，也不是连接语文件中的说法{where}：{sentence.text}"
                     "——请把具体内容写进数据，或把这句话移到 phrases.yaml 并加上条件")
    return found


def check_texts(texts: Iterable[str], exempt: Iterable[str] = ()) -> list[str]:
    """Text written outside a Document (a workbook's cells, titles and hints): no placeholder or empty
    value (None, nan, ○○, {{ }}) may reach a reader. The other rules are for prose; cells hold data as typed.

    ``exempt`` are names the user chose that are not text of the report (the input file's name, which
    the 文字依据 sheet cites: a file may well be called xx社区.yaml)."""
    texts = list(texts)
    exempt = sorted(set(exempt), key=len, reverse=True)
    # A workbook repeats its texts (hints, 是/否, headers): each is checked once, a finding told for each.
    unique = _Joined(list(dict.fromkeys(texts)))
    # Only a text with a character a placeholder can start with may hold one, names removed or not.
    suspects = unique.matching(_FIRST_START)
    if not suspects:
        return []
    # A text holding none of the names is checked as it is; the others have them removed first.
    named = set().union(*map(unique.holding, exempt))
    verdicts = {unique.texts[i]: _placeholder(unique.texts[i], exempt if i in named else []) for i in suspects}
    return [verdicts[text] for text in texts if verdicts.get(text)]


class _Joined:
    """Many texts joined by line breaks, to search them all with one call into C per text found
    instead of one per text. A hit that spans two texts counts for the first (a name removed where
    it is not found changes nothing; a placeholder's first character is never a line break)."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.joined = "\n".join(texts)
        self.starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))

    def holding(self, name: str) -> set[int]:
        """The indices of the texts that hold ``name``. Each name is sought with ``str.find``: a
        pattern of the names would be compiled anew for every unit, whose names differ, and that
        cost more than the whole search."""
        return set(self._hit(lambda start: self.joined.find(name, start)))

    def matching(self, pattern: re.Pattern[str]) -> list[int]:
        """The indices of the texts where ``pattern`` matches, in order."""
        def first(start: int) -> int:
            hit = pattern.search(self.joined, start)
            return hit.start() if hit else -1
        return self._hit(first)

    def _hit(self, first: Callable[[int], int]) -> list[int]:
        """The indices of the texts where ``first(start)`` (the first hit at or after ``start`` in
        the joined text, -1 for none) finds something, each text once, in order."""
        found: list[int] = []
        at = first(0) if self.texts else -1
        while at != -1:
            index = bisect.bisect_right(self.starts, at) - 1
            found.append(index)
            at = first(self.starts[index + 1])
        return found


def _placeholder(text: str, exempt: list[str]) -> str:
    """The finding for one workbook text ("" when it is clean), the user's own names left out."""
    for name in exempt:
        text = text.replace(name, "")
    found = find_placeholder(text)
    if not found:
        return ""
    return f"工作簿中出现占位符或空值“{found.group(0)}”：{text[max(0, found.start() - 12):found.end() + 12]}"


def ensure_clean_texts(texts: Iterable[str], exempt: Iterable[str] = ()) -> None:
    findings = check_texts(texts, exempt)
    if findings:
        raise LintError(findings)


def ensure_clean(document: Document) -> None:
    findings = check(document)
    if findings:
        raise LintError(findings)
