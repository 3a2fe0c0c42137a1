"""Grammar for titles a clerk types: turn a title into a clause that reads as Chinese.

A title arrives in any shape: a verb phrase (召开动员大会, 成立创建工作领导小组), a noun phrase
(城市低保审核, 宣传阵地建设, 督查通报制度), a noun phrase already ending in its event word (…活动,
…会议, …仪式), or a whole clause with its own subject (夕阳红锣鼓队参加…踩街活动). :func:`shape`
says which; the ``*_clause`` functions add only the verb or the ending the shape lacks, so a title
never comes out as “开展成立…活动” or “二是督查通报制度”.

Every function returns :data:`Pieces`: the text in order, each piece naming the input it came from
(``"title"``, ``("participants", 2)``…) or ``""`` for the grammar's own connective words. The
composer marks the named pieces with their provenance; tests join them with :func:`text`.
"""

from __future__ import annotations

import re
from typing import Sequence, Union

from . import lexicon as lx

Origin = Union[str, tuple, None]
Pieces = list[tuple[str, Origin]]

#: Verb of a title that is a bare noun phrase, by the activity's kind.
KIND_VERB = {
    "会议": "召开", "讲堂": "举办", "文体": "举办", "培训": "举办", "评选": "组织", "建设": "实施",
    "志愿服务": "开展", "慰问": "开展", "检查督查": "开展", "整治": "开展", "宣传": "开展", "其他": "开展",
}
#: Verbs a title may open with that are also used as modifiers inside noun phrases (宣传阵地建设,
#: 督查通报制度): such a title is a verb phrase only when it does not end in a nominal head.
MODIFIER_VERBS = frozenset("""宣传 督查 检查 巡查 学习 培训 评选 整治 清理 走访 慰问 普及 推广 帮扶 结对 救助
    劝导 排查 暗访 抽查 表彰 包保 联系 建设 创建 总结 治理 更新 改造 安装 宣讲 集中 深入 全面 持续 广泛
    扎实 送 进行 认领 举全 组队 迎接""".split())
_QUOTES = "“”‘’《》「」\"'"
_ADVERBIAL = re.compile(r"^(每|定期|常态化|长期|不定期|坚持|持续|逢|工作日|节假日|周[一二三四五六日末])")
_TRAILING_COUNT = re.compile(r"^(.*?)([一两二三四五六七八九十百\d]+)\s*([次期场回轮遍趟批])$")


def text(pieces: Pieces) -> str:
    return "".join(piece for piece, _ in pieces)


def _clean(text: str) -> str:
    """A title as a clause: no surrounding spaces, no final stop (the sentence adds its own)."""
    return text.strip().rstrip("。；，、,;")


def _bare(title: str) -> str:
    """The title without surrounding quotes or spaces, for reading its shape."""
    return title.strip().strip(_QUOTES).strip()


def _starts(title: str, words: Sequence[str]) -> str:
    # most titles start with none of the words: str.startswith of the whole tuple says so at once
    if not title.startswith(tuple(words)):
        return ""
    return next((w for w in words if title.startswith(w)), "")


def _ends(title: str, words: Sequence[str]) -> str:
    core = title.rstrip(_QUOTES + "）)")
    if not core.endswith(tuple(words)):
        return ""
    return next((w for w in words if core.endswith(w)), "")


def nominal_head(title: str) -> tuple[str, str]:
    """(kind, ending) of the nominal head a title ends with, or ("", "")."""
    for kind, words in (("work", lx.WORK_ENDINGS), ("mechanism", lx.MECHANISM_ENDINGS), ("body", lx.BODY_ENDINGS),
                        ("event", lx.EVENT_ENDINGS), ("build", lx.BUILD_ENDINGS), ("task", lx.TASK_ENDINGS),
                        ("place", lx.PLACE_ENDINGS)):
        found = _ends(title, words)
        if found:
            return kind, found
    return "", ""


_INNER = re.compile(lx.INNER_ADVERBS)
#: Longest subject a clause title is read with (夕阳红志愿服务队…): longer text is not a title.
_SUBJECT_MAX = 40
_PREPOSITIONS = ("为", "对", "向", "给", "在", "与", "和", "同", "跟", "帮")


def _clause_split(title: str) -> int:
    """Index where the predicate of a clause title begins (after its subject), else -1.

    “夕阳红锣鼓队参加全市踩街活动”, “专人每天早上升挂国旗”: the words before the verb end like a
    doer (队, 专人) and an object follows the verb, so the title has its own subject and needs no
    verb of ours. “社区志愿者招募” has no object after 招募: it is a noun phrase.
    """
    if _starts(title, lx.TITLE_VERBS) or title.startswith(_PREPOSITIONS):
        return -1
    for i in range(2, min(len(title) - 2, _SUBJECT_MAX)):  # bounded: a template may pass any text
        if not _ends(title[:i], lx.SUBJECT_ENDINGS):
            continue
        adverb = _INNER.match(title, i)
        at = adverb.end() if adverb else i
        verb = _starts(title[at:], lx.INNER_VERBS)
        if verb and len(title) - at - len(verb) >= 1:
            return at
    return -1


def shape(title: str) -> str:
    """How a title reads: ``verb`` (召开…), ``clause`` (…队参加…), ``predicate`` (…中心启用),
    ``event`` (…活动/会议/仪式), ``body`` (…小组), ``mechanism`` (…制度), ``work`` (…工作),
    ``task`` (…审核), ``build`` (…建设), ``place`` (…广场) or ``noun`` (any other noun phrase)."""
    core = _bare(title)
    head, ending = nominal_head(core)
    opener = _starts(core, lx.TITLE_VERBS)
    if opener and (opener not in MODIFIER_VERBS or head in ("", "place")) and ending != core:
        return "verb"  # 更新社区宣传栏: a place is an object, 宣传阵地建设: 建设 is the head
    if _ADVERBIAL.match(core) and _starts(_ADVERBIAL.sub("", core), lx.TITLE_VERBS):
        return "verb"
    if head in ("", "event") and _clause_split(core) > 0:
        return "clause"
    if not head and _ends(core, lx.END_VERBS) and len(core) > len(_ends(core, lx.END_VERBS)) + 1:
        return "predicate"
    return head or "noun"


_COUNTING_VERBS = ("召开", "举办", "举行", "开展", "组织")


def _verb_of(title: str, kind: str) -> str:
    """The verb an activity of this title and kind is carried out with (for counts: 累计举办12期)."""
    core = _bare(title)
    verb = _starts(_ADVERBIAL.sub("", core), lx.TITLE_VERBS) if shape(core) == "verb" else _head_verb(core, kind)[0]
    return verb if verb in _COUNTING_VERBS else "开展"


def _head_verb(title: str, kind: str) -> tuple[str, str]:
    """(verb to put before the title, ending to put after it) for an activity title."""
    core = _bare(title)
    found = shape(core)
    if found in ("verb", "clause", "predicate"):
        return "", ""
    if found == "event":
        ending = _ends(core, lx.EVENT_ENDINGS)
        verb = lx.EVENT_VERBS[ending]
        if kind == "会议" and ending.endswith("会"):
            verb = "召开"
        elif verb == "开展" and KIND_VERB.get(kind) in ("举办", "召开") and ending in ("活动", "月", "周", "日", "节", "培训", "宣讲"):
            verb = KIND_VERB[kind]
        return verb, ""
    if found == "work":
        return "做好", ""
    if found == "task":
        return "做好", "工作"
    if found == "build":
        return ("实施" if _ends(core, ("改造", "修缮", "新建", "扩建", "改建", "安装", "铺设", "维修", "更新", "提升改造")) else "推进"), ""
    if found == "mechanism":
        return lx.MECHANISM_HEADS[_ends(core, lx.MECHANISM_ENDINGS)], ""
    if found == "body":
        return "成立", ""
    if found == "place":
        return "建设", ""
    verb = KIND_VERB.get(kind, "开展")
    return verb, ("" if kind in ("建设", "会议") else "活动")


def _inner_point(core: str) -> int:
    """Where time and place go inside a title with its own predicate: before the verb that follows
    its subject (锣鼓队|参加…), or before the verb it ends with (服务中心|启用)."""
    if shape(core) == "clause":
        bare = _bare(core)
        return core.index(bare) + _clause_split(bare)
    body = core.rstrip(_QUOTES + "）)")
    return len(body) - len(_ends(body, lx.END_VERBS))


def recurrence_parts(recurrence: str | None) -> tuple[str, str]:
    """(adverbial before the verb, clause after it) for a frequency as typed.

    “每周五下午” is when it happens and goes before the verb; “每月两次”, “每季度一期” say how often
    and read best after the action (…开展志愿服务进村活动，每月两次).
    """
    if not recurrence:
        return "", ""
    value = recurrence.strip()
    if _TRAILING_COUNT.match(value) or value.endswith(("一次", "一期")):
        return "", value
    return value, ""


def activity_clause(title: str, kind: str = "其他", location: str | None = None, recurrence: str | None = None) -> Pieces:
    """The verb phrase of an activity: “每周五下午在各班级包干区开展校园环境卫生包干活动”.

    The place goes before the verb (在…召开), or after the subject of a clause title
    (夕阳红锣鼓队在人民广场参加…); the verb and the ending come only from what the title lacks.
    """
    pieces: Pieces = []
    adverb, _ = recurrence_parts(recurrence)
    core = _clean(title)
    if adverb.startswith("每") and re.search(r"每[天日周月季年]", core):
        adverb = ""  # the title says when already (志愿者每周清理河道垃圾): a second 每… would clash
    where: Pieces = [("在", ""), (location, "location")] if location and location not in core else []
    if shape(core) in ("clause", "predicate"):
        if not (adverb or where):
            return [(core, "title")]
        split = _inner_point(core)
        return [(core[:split], "title")] + ([(adverb, "recurrence")] if adverb else []) + where + [(core[split:], "title")]
    verb, ending = _head_verb(core, kind)
    if adverb:
        pieces.append((adverb, "recurrence"))
    pieces.extend(where)
    if verb:
        pieces.append((verb, ""))
    pieces.append((core, "title"))
    if ending:
        pieces.append((ending, ""))
    return pieces


def recurrence_clause(title: str, kind: str = "其他", recurrence: str | None = None, times: int | str | None = None) -> Pieces:
    """What follows the action: “每月两次，累计开展24次”; the count's verb and measure follow the
    title (累计召开 for meetings, 期 when the frequency counts in 期)."""
    pieces: Pieces = []
    _, after = recurrence_parts(recurrence)
    if after:
        pieces.append((after, "recurrence"))
    if times is not None and times != "":
        measure = "次"
        found = _TRAILING_COUNT.match((recurrence or "").strip())
        if found and found.group(3) in "期场轮批":
            measure = found.group(3)
        if pieces:
            pieces.append(("，", ""))
        pieces += [("累计" + _verb_of(title, kind), ""), (str(times), "times"), (measure, "")]
    return pieces


def is_superior(name: str, unit_type: str = "社区") -> bool:
    """Whether a body named in the data stands above the unit writing the report.

    For a 社区 or 村, 办事处, 街道, 包点部门 and 上级 bodies are above it; for a 街道 or 镇, its own
    街道/镇 bodies are not. A 社区居委会 is never above anyone who mentions it.
    """
    if any(word in name for word in lx.SUPERIOR_EXCEPTIONS) or (unit_type and name.startswith(unit_type)):
        return False  # 镇创城办 in a 镇's report is its own office
    own = {"街道": ("街道", "办事处", "党工委"), "镇": ("镇党委", "镇政府"), "乡": ("乡党委", "乡政府")}.get(unit_type, ())
    for marker in lx.SUPERIOR_MARKERS:
        if marker in name and marker not in own and f"{unit_type}{marker}" not in name:  # 石桥镇创城办: its own
            if marker in ("街道", "办事处", "党工委") and unit_type not in lx.BELOW_STREET:
                continue
            return True
    return False


def _series(names: Sequence[tuple[str, Origin]]) -> Pieces:
    pieces: Pieces = []
    for i, (name, origin) in enumerate(names):
        if i:
            pieces.append(("、", ""))
        pieces.append((name, origin))
    return pieces


def partner_clause(partners: Sequence[str], unit_type: str = "社区", organizer: str | None = None) -> Pieces:
    """“由…牵头，会同…”: bodies above the unit come first and are worked 会同, never 组织."""
    pieces: Pieces = []
    if organizer:
        pieces += [("由", ""), (organizer, "organizer"), ("牵头", "")]
    named = [(p, ("partners", i)) for i, p in enumerate(partners)]
    ordered = [x for x in named if is_superior(x[0], unit_type)] + [x for x in named if not is_superior(x[0], unit_type)]
    if ordered:
        if pieces:
            pieces.append(("，", ""))
        pieces += [("会同", "")] + _series(ordered)
    return pieces


def participants_clause(participants: Sequence[str], unit_type: str = "社区", attendance: str | None = None) -> Pieces:
    """“邀请街道办事处参加，党员、志愿者参与，共120人次”: a body above the unit is invited, not
    organised; the unit's own people take part; ``attendance`` is the count as written (120人次)."""
    named = [(p, ("participants", i)) for i, p in enumerate(participants)]
    above = [x for x in named if is_superior(x[0], unit_type)]
    own = [x for x in named if not is_superior(x[0], unit_type)]
    pieces: Pieces = []
    if above:
        pieces += [("邀请", "")] + _series(above) + [("参加", "")]
    if own:
        if pieces:
            pieces.append(("，", ""))
        # No 等: it would say others took part, which the data does not (a clerk who means it types it).
        pieces += _series(own) + [("参与" if above else "参加", "")]
    if attendance:
        if pieces:
            pieces += [("，共", ""), (str(attendance), "attendance")]
        else:  # 45名 counts people and needs a noun to lean on: 参加人员45名, not 参加45名
            pieces += [("参加人员" if str(attendance).endswith("名") else "参加", ""), (str(attendance), "attendance")]
    return [(t, o) for t, o in pieces if t]


_PLAN_VERBS = (
    (("制度", "机制", "体系"), "健全"), (("建设",), "加强"), (("工作", "任务"), "做好"), (("管理", "服务"), "加强"),
    (("积分制", "积分", "轮值", "预约"), "推行"), (("短板", "弱项", "不足"), "补齐"), (("队伍",), "建强"),
    (("阵地", "平台", "渠道"), "拓展"), (("氛围",), "营造"), (("水平", "质量", "能力", "效能", "实效"), "提升"),
)


def plan_clause(label: str) -> Pieces:
    """A measure of the plans: as typed when it opens with a verb, else the verb its head takes
    (老旧小区长效管理 → 加强老旧小区长效管理; 督查通报制度 → 健全督查通报制度)."""
    label = _clean(label)
    core = _bare(label)
    opener = _starts(core, lx.TITLE_VERBS)
    nominal = shape(core) in ("mechanism", "body", "work", "task", "build", "event")
    if (opener or _starts(core, lx.PREDICATES) or _ADVERBIAL.match(core)) and (not nominal or opener not in MODIFIER_VERBS):
        return [(label, "label")]
    if shape(core) == "predicate" and _ends(core, ("常态化", "全覆盖", "提质", "升级", "落地", "见效")):
        return [("推动", ""), (label, "label")]
    if shape(core) in ("clause", "predicate"):
        return [(label, "label")]
    verb = next((v for ends, v in _PLAN_VERBS if _ends(core, ends)), "")
    if not verb:
        head = shape(core)
        verb = {"mechanism": "健全", "body": "建强", "event": "办好", "build": "推进", "task": "做好", "work": "做好"}.get(head, "抓好")
    ending = "工作" if shape(core) == "task" and verb == "做好" else ""
    return [(verb, ""), (label, "label")] + ([(ending, "")] if ending else [])


def mechanism_clause(name: str, kind: str = "制度", frequency: str | None = None, detail: str | None = None,
                     parties: str | None = None) -> Pieces:
    """“建立督查通报制度，每月通报一次”: the verb the mechanism's head takes, then how often, then
    how many it binds (``parties`` as written: 216份 for 责任书, else the number of units covered)."""
    name = _clean(name)
    core = _bare(name)
    pieces: Pieces = []
    opener = _starts(core, lx.TITLE_VERBS)
    headless = not nominal_head(core)[0] and not _ends(core, lx.PRACTICE_HEADS)
    if opener and (opener not in MODIFIER_VERBS or headless):
        pieces.append((name, "name"))
    elif "与" in core and _ends(core, ("挂钩", "结合", "衔接", "联动")):
        pieces += [("将", ""), (name, "name")]
    else:
        ending = _ends(core, lx.MECHANISM_ENDINGS)
        practice = _ends(core, lx.PRACTICE_HEADS) or lx.EVENT_VERBS.get(_ends(core, lx.EVENT_ENDINGS)) == "召开"
        verb = lx.MECHANISM_HEADS[ending] if ending else "实行" if practice else {"责任书": "签订"}.get(kind, "落实")
        if ending in ("制度", "机制") and kind == "例会":
            verb = "实行"
        pieces += [(verb, ""), (name, "name")]
    if frequency and frequency not in (detail or "") and frequency not in core and not _said_by_name(core, frequency):
        pieces += [("，", "")] + frequency_clause(name, kind, frequency)
    if parties:
        if kind == "责任书":
            if text(pieces).startswith("签订"):
                pieces += [("，共", ""), (parties, "parties")]
            else:  # 明确科室创城责任分工，签订责任书14份: say what was signed
                pieces += [("，签订", ""), (kind, "kind"), (parties, "parties")]
        else:
            pieces += [("，覆盖", ""), (parties, "parties"), ("单位", "")]
    return pieces


#: Ways a name already says how often: 网格员每日巡查 needs no “，每天巡查一次”.
_SAME_PERIOD = {"每天": ("每天", "每日"), "每日": ("每天", "每日"), "每周": ("每周",), "每月": ("每月",)}


def _said_by_name(core: str, frequency: str) -> bool:
    """Whether the name gives the frequency already: same period, once (a count beyond one is news)."""
    found = re.fullmatch(r"(每天|每日|每周|每月)(?:[一1]次|一回)?", frequency.strip())
    return bool(found) and any(word in core for word in _SAME_PERIOD[found.group(1)])


_KIND_ACTION = {"例会": "召开", "巡查": "巡查", "督查通报": "通报", "公开": "公开", "考核": "考核"}
_NAME_ACTION = ("学习", "查房", "巡查", "通报", "公开", "考评", "考核", "评比", "督查", "督导", "点评", "回访", "召开")


def frequency_clause(name: str, kind: str, frequency: str) -> Pieces:
    """“每周召开一次”: the frequency split around the action the mechanism names."""
    core = _bare(name)
    stem = core
    for ending in ("制度", "机制", "办法"):
        if stem.endswith(ending):
            stem = stem[: -len(ending)]
    action = _ends(stem, _NAME_ACTION) or _KIND_ACTION.get(kind, "")
    if stem.endswith(("例会", "会议", "联席会")):
        action = "召开"
    found = _TRAILING_COUNT.match(frequency.strip())
    if action and found and found.group(1):
        return [(found.group(1), "frequency"), (action, ""), (found.group(2) + found.group(3), "frequency")]
    return [(frequency, "frequency")]
