"""Grammar on any title a clerk types, and the grammar lint that refuses what reads badly.

The corpus (tests/data/titles.yaml) holds titles of every shape a clerk writes; each is composed the
way the templates compose it, alone and inside a whole report, and must come out without a finding.
"""

from __future__ import annotations

import itertools
import time
import re
from pathlib import Path

import pytest
import yaml

from reportgen import grammar, grammar_lint, lexicon, lint
from reportgen.compose import compose, load_pack
from reportgen.document import Document, Paragraph, Run
from reportgen.model import THEMES, Report

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "titles.yaml").read_text(encoding="utf-8"))
ACTIVITIES = [(kind, title) for kind, titles in CORPUS["activities"].items() for title in titles]
MECHANISMS = [(kind, name) for kind, names in CORPUS["mechanisms"].items() for name in names]
PLANS = CORPUS["plans"]
PACK = load_pack()
#: Our verbs put before a title: never before a title that already opens with a verb (开展成立…).
OUR_VERBS = ("开展", "举办", "召开", "举行", "组织", "实施", "推进", "做好", "建立", "成立", "实行", "落实", "签订",
             "明确", "设立", "建设", "制定", "将")


def test_the_corpus_is_large_and_varied():
    for titles in ([t for _, t in ACTIVITIES], [n for _, n in MECHANISMS], PLANS):
        assert len(set(titles)) == len(titles)
    assert len(ACTIVITIES) + len(MECHANISMS) + len(PLANS) >= 300 and len(ACTIVITIES) >= 300
    shapes = {grammar.shape(t) for _, t in ACTIVITIES}
    assert shapes >= {"verb", "clause", "predicate", "event", "mechanism", "work", "task", "build", "noun"} - {"mechanism", "work"}


@pytest.mark.parametrize(("title", "kind", "expected"), [
    ("成立创建工作领导小组和工作机构", "其他", "成立创建工作领导小组和工作机构"),
    ("城市低保审核", "其他", "做好城市低保审核工作"),
    ("宣传阵地建设", "建设", "推进宣传阵地建设"),
    ("环保宣传", "宣传", "开展环保宣传"),
    ("端午节包粽子", "文体", "举办端午节包粽子活动"),
    ("创城工作推进会", "会议", "召开创城工作推进会"),
    ("驻区单位认领公益岗位签约仪式", "会议", "举行驻区单位认领公益岗位签约仪式"),
    ("消防安全应急演练", "其他", "组织消防安全应急演练"),
    ("“我们的节日·元宵”猜灯谜游园会", "文体", "举办“我们的节日·元宵”猜灯谜游园会"),
    ("迎接年度测评点位自查自纠", "检查督查", "开展迎接年度测评点位自查自纠"),
    ("迎接省级文明城市测评", "检查督查", "迎接省级文明城市测评"),
    ("新时代文明实践广场", "建设", "建设新时代文明实践广场"),
])
def test_an_activity_gets_only_the_verb_or_ending_its_title_lacks(title, kind, expected):
    assert grammar.text(grammar.activity_clause(title, kind)) == expected


def test_a_clause_title_keeps_its_own_subject_and_takes_the_place_after_it():
    assert grammar.text(grammar.activity_clause("夕阳红锣鼓队参加全市迎新春踩街活动", "文体", "人民广场")) == \
        "夕阳红锣鼓队在人民广场参加全市迎新春踩街活动"
    assert grammar.text(grammar.activity_clause("专人每天早上升挂国旗", "其他", "社区广场")) == "专人每天早上在社区广场升挂国旗"
    assert grammar.text(grammar.activity_clause("专人每天早上升挂国旗", "其他", None, "常态化")) == "专人每天早上常态化升挂国旗"
    assert grammar.text(grammar.activity_clause("门诊“一站式”服务中心启用", "建设", "门诊大厅")) == "门诊“一站式”服务中心在门诊大厅启用"
    assert grammar.shape("社区志愿者招募") == "noun"  # no object after 招募: a noun phrase, not a clause


@pytest.mark.parametrize(("name", "kind", "frequency", "expected"), [
    ("督查通报制度", "督查通报", "每月一次", "建立督查通报制度，每月通报一次"),
    ("社区志愿服务督查小组", "制度", None, "成立社区志愿服务督查小组"),
    ("每周一创城例会制度", "例会", "每周一次", "实行每周一创城例会制度"),  # the name says how often
    ("网格员每日巡查", "巡查", "每天一次", "实行网格员每日巡查"),
    ("网格员每日巡查", "巡查", "每天两次", "实行网格员每日巡查，每天巡查两次"),
    ("目标责任考核", "考核", None, "实行目标责任考核"),
    ("村务和创城经费公开", "公开", "每季度一次", "实行村务和创城经费公开，每季度公开一次"),
    ("创城任务与年度绩效考核挂钩", "考核", None, "将创城任务与年度绩效考核挂钩"),
    ("科室创城责任分工", "责任书", None, "明确科室创城责任分工"),
    ("门前三包责任书", "责任书", None, "签订门前三包责任书"),
    ("建立创城工作例会制度", "例会", None, "建立创城工作例会制度"),
])
def test_a_mechanism_takes_the_verb_its_head_takes(name, kind, frequency, expected):
    assert grammar.text(grammar.mechanism_clause(name, kind, frequency)) == expected


def test_a_mechanism_says_what_it_binds_without_repeating_its_verb():
    assert grammar.text(grammar.mechanism_clause("门前三包责任书", "责任书", parties="216份")) == "签订门前三包责任书，共216份"
    assert grammar.text(grammar.mechanism_clause("科室创城责任分工", "责任书", parties="14份")) == "明确科室创城责任分工，签订责任书14份"
    assert grammar.text(grammar.mechanism_clause("目标责任考核", "考核", parties="21家")) == "实行目标责任考核，覆盖21家单位"


@pytest.mark.parametrize(("label", "expected"), [
    ("补齐偏远村短板", "补齐偏远村短板"),
    ("老旧小区长效管理", "加强老旧小区长效管理"),
    ("督查通报制度", "健全督查通报制度"),
    ("城市低保审核", "做好城市低保审核工作"),
    ("文明交通劝导常态化", "推动文明交通劝导常态化"),
])
def test_a_plan_reads_as_a_measure(label, expected):
    assert grammar.text(grammar.plan_clause(label)) == expected


def test_frequency_and_count_follow_the_action_with_its_verb_and_measure():
    assert grammar.text(grammar.recurrence_clause("新时代文明实践志愿服务进村", "志愿服务", "每月两次", 24)) == "每月两次，累计开展24次"
    assert grammar.text(grammar.recurrence_clause("镇村道德讲堂", "讲堂", "每月一期", 12)) == "每月一期，累计举办12期"
    assert grammar.recurrence_parts("每周五下午") == ("每周五下午", "")
    assert grammar.text(grammar.activity_clause("校园环境卫生包干和周五大扫除", "其他", "各班级包干区", "每周五下午")) == \
        "每周五下午在各班级包干区开展校园环境卫生包干和周五大扫除"


def test_bodies_above_the_unit_are_invited_or_worked_with_never_organised():
    text = grammar.text(grammar.participants_clause(["办事处", "包点部门", "社区居民"], "社区", "120人次"))
    assert text == "邀请办事处、包点部门参加，社区居民参与，共120人次"
    assert "组织" not in text
    assert grammar.is_superior("柳荫街道办事处", "社区")
    assert grammar.is_superior("区文明办", "镇")
    assert not grammar.is_superior("镇创城办", "镇")  # the town's own office
    assert not grammar.is_superior("石桥镇创城办", "镇")
    assert grammar.is_superior("县文明办", "镇")
    assert not grammar.is_superior("柳荫街道办事处", "街道")
    assert not grammar.is_superior("槐树里社区居委会", "局")
    assert grammar.text(grammar.partner_clause(["区税务局", "柳荫街道办事处"], "社区")) == "会同柳荫街道办事处、区税务局"


def test_a_bare_headcount_in_ming_leans_on_a_noun():
    assert grammar.text(grammar.participants_clause([], "乡", "45名")) == "参加人员45名"
    assert grammar.text(grammar.participants_clause([], "乡", "120人次")) == "参加120人次"
    assert grammar.text(grammar.participants_clause(["志愿者"], "乡", "45名")) == "志愿者参加，共45名"


def _item_sentences(kind: str, title: str) -> list[str]:
    bare = grammar.text(grammar.activity_clause(title, kind))
    placed = grammar.text(grammar.activity_clause(title, kind, "社区广场", "每周五下午"))
    counted = grammar.text(grammar.recurrence_clause(title, kind, "每月两次", 12))
    people = grammar.text(grammar.participants_clause(["街道办事处", "党员", "志愿者"], "社区", "60人次"))
    return [f"一是{bare}。", f"二是3月5日，{placed}，{counted}，{people}。"]


@pytest.mark.parametrize(("kind", "title"), ACTIVITIES, ids=[t for _, t in ACTIVITIES])
def test_every_corpus_activity_composes_without_a_grammar_finding(kind, title):
    pieces = grammar.activity_clause(title, kind)
    assert any(origin == "title" for _, origin in pieces), "the title reaches the text as typed"
    ours = "".join(p for p, origin in itertools.takewhile(lambda x: not x[1], pieces))
    if grammar.shape(title) in ("verb", "clause", "predicate"):
        assert not ours, f"a verb before a title that has one: {grammar.text(pieces)}"
    assert not re.search(r"(活动|行动|会议|工作)(活动|行动|工作)$", grammar.text(pieces))
    for sentence in _item_sentences(kind, title):
        assert grammar_lint.check_paragraph(sentence) == [], sentence


@pytest.mark.parametrize(("kind", "name"), MECHANISMS, ids=[n for _, n in MECHANISMS])
def test_every_corpus_mechanism_reads_as_a_statement(kind, name):
    text = grammar.text(grammar.mechanism_clause(name, kind, "每月一次"))
    assert text.startswith(OUR_VERBS) or grammar.shape(name) == "verb" or name.startswith(lexicon.TITLE_VERBS)
    assert grammar_lint.check_paragraph(f"二是{text}。") == [], text


@pytest.mark.parametrize("label", PLANS)
def test_every_corpus_plan_reads_as_a_measure(label):
    text = grammar.text(grammar.plan_clause(label))
    assert grammar_lint.check_paragraph(f"三是{text}。") == [], text


def _corpus_report() -> Report:
    themes = [t for t in THEMES if t != "组织领导"]
    activities = [
        {"theme": themes[i % len(themes)], "title": title, "kind": kind, "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
         **({"location": "社区广场"} if i % 3 == 0 else {}), **({"participants": ["街道办事处", "党员"], "attendance": 40 + i} if i % 4 == 0 else {}),
         **({"recurrence": "每月两次", "times": 6} if i % 5 == 0 else {}), **({"partners": ["区文明办"]} if i % 7 == 0 else {})}
        for i, (kind, title) in enumerate(ACTIVITIES)
    ]
    mechanisms = [{"name": name, "kind": kind, "theme": themes[i % len(themes)], **({"frequency": "每月一次"} if i % 2 else {})}
                  for i, (kind, name) in enumerate(MECHANISMS)]
    problems = [{"id": f"p{i}", "label": "宣传方式比较单一"} for i in range(1)]
    plans = [{"label": label, **({"addresses": ["p0"]} if i == 0 else {})} for i, label in enumerate(PLANS)]
    return Report.model_validate({
        "unit": {"name": "青枫市东湖区柳荫街道竹园社区", "type": "社区"}, "period": {"year": 2024, "type": "全年"},
        "activities": activities, "mechanisms": mechanisms, "problems": problems, "plans": plans,
    })


def test_the_whole_corpus_composes_through_the_templates_clean_and_traceable():
    document = compose(_corpus_report(), pack=PACK)
    assert grammar_lint.check_document(document) == []
    text = document.plain_text()
    for kind, title in ACTIVITIES[:40]:
        assert title in text
    assert "二是督查通报制度" not in text and "开展成立" not in text and "组织动员" not in text
    for block in document.blocks:
        if isinstance(block, Paragraph):
            for sentence in block.sentences:
                assert sentence.is_supported, (sentence.text, sentence.unsupported)


def test_a_title_in_a_sentence_cites_its_field():
    report = Report.model_validate({
        "unit": {"name": "竹园社区", "type": "社区"}, "period": {"year": 2024},
        "activities": [{"theme": "环境卫生", "title": "城市低保审核", "date": "2024-03-05", "location": "社区大厅",
                        "participants": ["街道办事处", "党员"], "attendance": 30}],
    })
    document = compose(report, pack=PACK)
    found = [s for b in document.blocks if isinstance(b, Paragraph) for s in b.sentences if "做好城市低保审核工作" in s.text]
    assert found
    paths = {source.path for source in found[0].sources}
    assert {"activities[0].title", "activities[0].location", "activities[0].participants[0]", "activities[0].attendance"} <= paths
    assert "邀请街道办事处参加" in found[0].text


@pytest.mark.parametrize(("bad", "good", "what"), [
    ("社区开展活动活动。", "社区开展活动。", "词语重复"),
    ("近年来以来，我社区坚持创建。", "近年来，我社区坚持创建。", "词语重复"),
    ("2024年以来以来，我社区持续推进。", "2024年以来，我社区持续推进。", "词语重复"),
    ("二是督查通报制度。", "二是建立督查通报制度。", "条目没有谓语"),
    ("一是推进会。", "一是召开推进会。", "条目没有谓语"),
    ("3月5日开展义诊，居民5位。", "3月5日开展义诊，参加居民5人。", "数量悬空"),
    ("开展宣讲，组织志愿者参加，党员12名。", "开展宣讲，党员12名参加。", "数量悬空"),
    ("按照《实施方案》、《任务分解表》的要求推进。", "按照《实施方案》《任务分解表》的要求推进。", "书名号"),
    ("2024年，以党的二十大精神为指导，扎实推进创建。", "2024年，我社区坚持以党的二十大精神为指导，扎实推进创建。", "以…为指导"),
])
def test_the_grammar_lint_finds_each_slip_and_passes_the_fix(bad, good, what):
    findings = grammar_lint.check_paragraph(bad)
    assert findings and what in findings[0], findings
    assert grammar_lint.check_paragraph(good) == []


def test_reduplications_that_are_words_pass():
    assert grammar_lint.check_paragraph("围绕目标一项一项抓好落实，家家户户参与。") == []


@pytest.mark.parametrize("text", [
    "一是群众参与度有待提升。", "二是老旧小区管理难。", "一是在社区广场开展环境卫生大扫除。", "三是宣传阵地建设不够完善。",
    "参加人员包括：干部8名，党员12名。", "参加宣讲的有干部8名，党员12名。",
])
def test_what_a_clerk_writes_as_a_statement_or_a_list_passes(text):
    assert grammar_lint.check_paragraph(text) == []


def test_a_build_refuses_a_grammar_finding():
    document = Document(title="标题", title_segments=("标题",), blocks=[
        Paragraph((Run("一是建立督查通报制度。"),)), Paragraph((Run("二是督查通报制度。"),)),
    ])
    with pytest.raises(lint.LintError) as raised:
        lint.ensure_clean(document)
    assert any("条目没有谓语" in f and "二是督查通报制度" in f for f in raised.value.findings)


def test_the_sentences_reviewers_sent_back_now_read_right():
    """The titles behind the sentences in issue 10, composed through the standard templates."""
    report = Report.model_validate({
        "unit": {"name": "竹园社区", "type": "社区"}, "period": {"year": 2024},
        "mechanisms": [{"name": "督查通报制度", "kind": "督查通报"}, {"name": "社区志愿服务督查小组"}],
        "activities": [
            {"theme": "组织领导", "title": "成立创建工作领导小组和工作机构", "date": "2024-01-08"},
            {"theme": "民生服务", "title": "城市低保审核", "date": "2024-03-05"},
            {"theme": "文体节日", "title": "夕阳红锣鼓队参加全市迎新春踩街活动", "kind": "文体", "date": "2024-02-08"},
            {"theme": "道德建设", "title": "专人每天早上升挂国旗", "recurrence": "常态化", "date": "2024-01-02"},
            {"theme": "环境卫生", "title": "背街小巷环境卫生整治", "kind": "整治", "date": "2024-04-02",
             "participants": ["办事处", "包点部门", "社区党员"], "attendance": 80},
        ],
    })
    text = compose(report, pack=PACK).plain_text()
    for wrong in ("领导小组和工作机构活动", "开展城市低保审核活动", "是督查通报制度。", "推行社区志愿服务督查小组",
                  "举办夕阳红锣鼓队", "常态化开展", "组织动员"):
        assert wrong not in text
    for right in ("成立创建工作领导小组和工作机构", "做好城市低保审核工作", "建立督查通报制度", "成立社区志愿服务督查小组",
                  "夕阳红锣鼓队参加全市迎新春踩街活动", "专人每天早上常态化升挂国旗", "邀请办事处、包点部门参加"):
        assert right in text


def test_grammar_and_its_lint_stay_fast_and_small_on_any_text():
    """A user template may pass any text to the filters, and the lint reads every paragraph."""
    started = time.perf_counter()
    grammar.activity_clause("志愿者" * 100_000 + "参加活动", "其他", "广场", "每周五")
    grammar.mechanism_clause("制度" * 100_000, "制度", "每月一次")
    findings = grammar_lint.check_paragraph("以" * 100_000 + "为指导。" + "党员参加，" * 20_000 + "。")
    assert time.perf_counter() - started < 5
    assert len(findings) <= 5 and all(len(f) < 200 for f in findings)
