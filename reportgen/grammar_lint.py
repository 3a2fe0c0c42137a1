"""Grammar lint: the slips a 文明办 reviewer circles in red even when every fact is right.

Beside ``lint`` (placeholders, numbering, punctuation, evidence), this reads sentences as Chinese:

* a doubled word where two pieces of text meet (活动活动, 以来以来, 近年来以来);
* a list item (一是…, 1.…) that names a thing but says nothing about it (二是督查通报制度。);
* a dangling quantity: a clause that is only people and a count (居民5位), with no verb to tie it;
* a 顿号 between two 《》 titles (GB/T 15834: titles side by side take no mark between them);
* “以…为指导” with no one doing the guiding (the subject 我社区坚持… was lost).

Each finding names the sentence, so a template author (or a clerk whose title caused it) sees where.
"""

from __future__ import annotations

import re

from . import grammar, lexicon
from .document import Document, Paragraph

#: Reduplications that are words in their own right (人人, 家家户户 repeat one character and pass;
#: 一项一项, 一步一步 are allowed by rule).
_REDUPLICATED = frozenset(["研究研究", "谢谢", "常常", "天天", "年年", "月月", "事事", "处处", "时时"])
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_DOUBLED_PHRASES = re.compile(r"(?:近年来|多年来|一年来|半年来|以来)以来|共累计|累计共|共计共|期间期间")
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+是|\d+[.．、])\s*")
_CLAUSE = re.compile(r"[^，；。：！？]+")
_LIST_OPENER = re.compile(r"其中|包括|分别")
_COUNT = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)(?:余|多)?"
_PEOPLE = "居民 群众 党员 志愿者 干部 职工 学生 老人 儿童 家长 代表 村民 教师 医生 护士 员工 青少年 妇女 青年 人员 同志".split()
#: A clause that is only people and a count in 位 (居民5位), or, after the sentence has begun, a bare
#: group and its count (…，党员12名): the count hangs with no verb to say what the people did.
_DANGLING_WEI = re.compile(f"^[\u4e00-\u9fff]{{1,10}}?{_COUNT}位$")
_DANGLING_BARE = re.compile(f"^(?:{'|'.join(_PEOPLE)}){_COUNT}(?:名|人|人次)$")
#: The last characters of a clause either pattern can match (位, 名, 人, 人次): no other clause is looked at.
_DANGLING_ENDS = ("位", "名", "人", "次")
_COUNT_END = re.compile(f"{_COUNT}(?:名|人|人次|位|个|户|家)$")
#: A 顿号 between two book titles (》、《): the generated text must not hold one, and `check --fix` removes it.
BOOK_PAUSE = re.compile(r"(?<=》)、(?=《)")
_GUIDANCE = re.compile(r"以[^，。；]{2,80}?为指导")
#: What may stand before “以…为指导” in place of a subject and still leave it without one.
_NO_SUBJECT = re.compile(r"^[\d\s年月日度上下半全季第一二三四五六七八九十期间以来前后初末中，、]*$")
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


_VERBS = frozenset(lexicon.PREDICATES + lexicon.TITLE_VERBS + lexicon.INNER_VERBS + lexicon.END_VERBS)


#: Verbs that are never the modifier of a name (督查通报制度 has 督查, which is): one of them in an
#: item makes it a statement whatever its last word is.
_ACTION_VERBS = tuple(v for v in lexicon.TITLE_VERBS if v not in grammar.MODIFIER_VERBS)
#: Marks of a statement even when its last word is also a nominal head: 有待提升, 不够完善, 管理难.
_STATEMENT = re.compile(r"有待|仍需|尚需|还需|亟待|需要|难以|不够|没有|未能|[不未没无缺欠难差慢低弱乱脏少窄旧]")


def _has_predicate(text: str) -> bool:
    return bool(_STATEMENT.search(text)) or any(word in text for word in _VERBS)


def _names_only(body: str) -> bool:
    """Whether an item's head is only a name: one clause ending in a nominal head (督查通报制度,
    …小组, …活动) with no verb before it, or a noun phrase with no predicate anywhere."""
    if len([c for c in re.split(r"[，；：]", body) if c]) > 1:
        return not _has_predicate(body)
    before_head = body[: len(body) - len(grammar.nominal_head(body)[1])]
    if _STATEMENT.search(body) or any(verb in before_head for verb in _ACTION_VERBS):
        return False  # 在社区广场开展…大扫除: a verb before the head makes it a statement
    found = grammar.shape(body)
    if found in ("mechanism", "body", "event", "work", "task", "build"):
        return True
    return found == "noun" and not _has_predicate(body)


def _quoted(sentence: str, limit: int = 80) -> str:
    """The sentence as shown in a finding: whole when short, its start when long."""
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"


def _doubled(sentence: str) -> str:
    for match in _DOUBLED.finditer(sentence):
        word = match.group(1)
        if match.group(0) not in _REDUPLICATED and not (len(word) == 2 and word[0] == "一"):  # 一项一项
            return match.group(0)
    found = _DOUBLED_PHRASES.search(sentence)
    return found.group(0) if found else ""


def _dangling(sentence: str) -> str:
    for part in sentence.split("；"):
        previous, in_list = "", False
        for i, match in enumerate(_CLAUSE.finditer(part)):
            clause = _ITEM.sub("", match.group(0).strip())
            # a bare count right after an action (…参加，党员12名) dangles; a list of counts
            # (干部8名，党员12名) or one after 其中/包括/： does not
            in_list = in_list or (match.start() > 0 and part[match.start() - 1] == "：") or bool(_LIST_OPENER.search(previous))
            if clause.endswith(_DANGLING_ENDS):
                listed = i == 0 or in_list or _COUNT_END.search(previous)
                dangling = _DANGLING_WEI.match(clause) or (not listed and _DANGLING_BARE.match(clause))
                if dangling and not _has_predicate(clause):
                    return clause
            previous = clause
    return ""


def _subjectless_guidance(sentence: str) -> bool:
    found = _GUIDANCE.search(sentence)
    return bool(found) and bool(_NO_SUBJECT.match(_ITEM.sub("", sentence[: found.start()])))


def check_sentence(sentence: str, item: bool = False) -> list[str]:
    """Findings for one sentence (at most one of each kind); ``item`` when it opens a list item (一是…)."""
    found: list[str] = []
    shown = _quoted(sentence)
    doubled = _doubled(sentence)
    if doubled:
        found.append(f"词语重复“{doubled}”：{shown}")
    if item:
        body = _ITEM.sub("", sentence).rstrip("。！？")
        if body and _names_only(body):
            found.append(f"条目没有谓语（只写了名称，没有说做了什么，请在数据中写成完整的说法，如“建立…制度”）：{shown}")
    dangling = _dangling(sentence)
    if dangling:
        found.append(f"数量悬空“{dangling}”（缺少“参加”“共有”等动词）：{shown}")
    if BOOK_PAUSE.search(sentence):
        found.append(f"两个书名号之间不用顿号：{shown}")
    if _subjectless_guidance(sentence):
        found.append(f"“以…为指导”缺少主语（谁坚持以…为指导）：{shown}")
    return found


def where_typed(places: tuple[str, ...]) -> str:
    """The tail of a finding about words the clerk typed: where to change them."""
    return f"（数据在 {'、'.join(places[:3])}，请在那里改写）" if places else ""


def check_paragraph(text: str, sources: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Findings for a paragraph's text; its first sentence is a list item's head when it opens with 一是.

    ``sources`` maps a sentence to the places in the input its words came from, so a finding about
    words the clerk typed says where to change them.
    """
    findings: list[str] = []
    item = bool(_ITEM.match(text))
    for i, match in enumerate(_SENTENCE.finditer(text)):
        sentence = match.group(0).strip()
        if sentence:
            found = check_sentence(sentence, item=item and i == 0)
            places = (sources or {}).get(sentence) or (sources or {}).get(_ITEM.sub("", sentence), ())
            if places:
                found = [f + where_typed(places) for f in found]
            findings.extend(found)
    return findings


def check_document(document: Document) -> list[str]:
    """Every paragraph of the body, in order."""
    findings: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            found = check_paragraph(block.text)
            if found:  # where the clerk typed the words, worked out only for a paragraph that needs it
                found = check_paragraph(block.text, {s.text.strip(): s.places for s in block.sentences if not s.is_framing})
            findings.extend(found)
    return findings
