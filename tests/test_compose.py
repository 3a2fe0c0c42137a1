"""Composition: examples compose linter-clean; numbering, dropping and clause omission; determinism;
variety between units; title breaking; and a property test over random valid reports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen import lint, recurrence, rules
from reportgen.compose import compose, load_pack
from reportgen.document import Heading, Paragraph
from reportgen.loaders import load_report
from reportgen.model import SELF_REFERENCE, THEMES, Report
from reportgen.writers import markdown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PACK = load_pack()


def _example(name: str) -> Report:
    return load_report(ROOT / "examples" / name)[0]


def _data(name: str) -> dict:
    return yaml.safe_load((ROOT / "examples" / name).read_text(encoding="utf-8"))


def _compose(report: Report):
    return compose(report, pack=PACK)


def _texts(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def _headings(document, level: int | None = None) -> list[Heading]:
    return [b for b in document.blocks if isinstance(b, Heading) and (level is None or b.level == level)]


def _sentences(document) -> set[str]:
    """Body sentences of 8 characters or more (opening, sections and closing)."""
    return {s.strip() for t in _texts(document) for s in re.split(r"(?<=[。！？；])", t) if len(s.strip()) >= 8}


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_composes_linter_clean(path):
    document = _compose(load_report(path)[0])
    assert lint.check(document) == []
    assert document.blocks


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_theme_with_data_gets_a_section(path):
    report = load_report(path)[0]
    document = _compose(report)
    with_data = {a.theme for a in report.activities} | {m.theme for m in report.mechanisms}
    headings = {h.text for h in _headings(document)}
    for theme in with_data:
        options = PACK.manifest.get("headings_by_group", {}).get(report.unit.group, {}).get(theme) \
            or PACK.manifest["headings"][theme]
        assert headings & set(options if isinstance(options, list) else [options]), theme


def test_every_theme_template_extends_the_one_base():
    for name in PACK.names():
        if name.startswith("themes/") and name != "themes/base.j2":
            source = PACK.env.loader.get_source(PACK.env, name)[0]
            assert '{% extends "themes/base.j2" %}' in source, name


def test_no_template_prose_names_an_internal_theme_code():
    """Theme codes such as 文体节日 or 网格化 are data keys, not words for the reader."""
    text = markdown.render(_compose(_example("shequ-2024-shangbannian.yaml")))
    for code in ("在文体节日方面", "围绕网格化这一重点", "制度责任工作", "爱卫除四害工作"):
        assert code not in text


# ---------------------------------------------------------------- structure


def _without_theme(data: dict, theme: str) -> dict:
    data = dict(data)
    for key in ("activities", "mechanisms", "metrics"):
        kept = [x for x in data.get(key, []) if x.get("theme", "制度责任" if key == "mechanisms" else None) != theme]
        data[key] = kept
    return data


def _check_numbering(document) -> None:
    level1 = [h.number for h in _headings(document, 1)]
    assert level1 == [f"{n}、" for n in "一二三四五六七八九十"[: len(level1)]]
    current: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading) and block.level == 1:
            current = []
        elif isinstance(block, Heading) and block.level == 2:
            current.append(block.number)
            assert current == [f"（{n}）" for n in "一二三四五六七八九十"[: len(current)]] or len(current) > 10


@pytest.mark.parametrize("missing", ["组织领导", "宣传发动", "志愿服务", "环境卫生", "文体节日"])
def test_numbering_closes_up_when_a_theme_is_missing(missing):
    data = _without_theme(_data("shequ-2024-shangbannian.yaml"), missing)
    if missing == "组织领导":
        data.pop("leadership", None)
    report = Report.model_validate(data)
    document = _compose(report)
    _check_numbering(document)
    assert lint.check(document) == []


def test_flat_layout_numbers_level1_without_gaps():
    data = _data("minimal.yaml")
    document = _compose(Report.model_validate(data))
    level1 = _headings(document, 1)
    assert [h.number for h in level1] == ["一、", "二、", "三、", "四、"]
    assert not _headings(document, 2)


def test_empty_sections_are_dropped():
    data = _data("shequ-2024-shangbannian.yaml")
    for key in ("problems", "plans", "honours"):
        data.pop(key)
    document = _compose(Report.model_validate(data))
    headings = " ".join(h.text for h in _headings(document))
    assert "问题" not in headings and "打算" not in headings and "思路" not in headings
    assert lint.check(document) == []


def test_a_report_with_no_facts_has_no_body_sections():
    report = Report.model_validate({"unit": {"name": "青枫市竹园社区", "type": "社区"}, "period": {"year": 2024}})
    document = _compose(report)
    assert _headings(document) == []
    assert lint.check(document) == []


@pytest.mark.parametrize("theme", THEMES)
def test_theme_template_renders_nothing_without_data(theme):
    report = Report.model_validate({"unit": {"name": "青枫市竹园社区", "type": "社区"}, "period": {"year": 2024}})
    from reportgen.compose import Composer

    composer = Composer(report, PACK, None)
    assert composer.render(PACK.theme_template(theme), composer.theme_scope(theme)).strip() == ""


def test_missing_values_drop_their_clauses():
    data = {
        "unit": {"name": "青枫市竹园社区", "type": "社区"},
        "period": {"year": 2024, "type": "上半年"},
        "leadership": {"leader": {"role": "社区党委书记"}, "deputies": [{"role": "居委会主任"}]},
        "mechanisms": [{"name": "周例会制度"}, {"name": "门前三包责任书", "kind": "责任书", "theme": "环境卫生"}],
        "activities": [
            {"theme": theme, "title": f"{theme}主题活动"} for theme in THEMES
        ] + [{"theme": "文体节日", "title": "中秋游园", "festival": "中秋节"},
             {"theme": "文体节日", "title": "重阳敬老", "festival": "重阳节"}],
        "metrics": [{"label": "注册志愿者", "theme": "志愿服务", "value": 10, "unit": "人"}],
        "honours": [{"title": "文明社区"}],
        "problems": [{"label": "宣传阵地不足"}],
        "plans": [{"label": "增设宣传栏"}],
    }
    document = _compose(Report.model_validate(data))
    text = markdown.render(document)
    assert lint.check(document) == []
    for bad in ("None", "，，", "，。", "。，", "的的", "()", "（）", "“”", "《》", "为组长，为", "以为组长"):
        assert bad not in text, bad
    assert "由社区党委书记任组长" in text


# ---------------------------------------------------------------- layout is the writer's


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_document_carries_no_line_breaks_or_alignment(path):
    """The title comes in segments and the 附件说明 as bare entries: breaking and aligning are the writer's."""
    document = _compose(load_report(path)[0])
    assert "".join(document.title_segments) == document.title and "\n" not in document.title
    assert all(not note.startswith("附件") and "\u3000" not in note and note.strip() == note
               for note in document.attachment_note), document.attachment_note
    assert len(document.attachment_note) == len(document.attachments)


# ---------------------------------------------------------------- determinism and variety


def test_composition_is_deterministic():
    for path in EXAMPLES:
        first = markdown.render(_compose(load_report(path)[0]))
        second = markdown.render(compose(load_report(path)[0]))  # a fresh pack, too
        assert first == second


def _overlap(a, b) -> float:
    sa, sb = _sentences(a), _sentences(b)
    return len(sa & sb) / min(len(sa), len(sb))


def test_two_units_share_no_body_paragraph():
    docs = [_compose(load_report(p)[0]) for p in EXAMPLES if p.stem != "minimal"]
    for i, a in enumerate(docs):
        for b in docs[i + 1:]:
            assert not set(_texts(a)) & set(_texts(b))


def test_two_units_share_few_sentences():
    """Share of shared sentences (≥ 8 characters) between two full examples, over the shorter one."""
    docs = {p.stem: _compose(load_report(p)[0]) for p in EXAMPLES if p.stem != "minimal"}
    names = sorted(docs)
    ratios = {(x, y): _overlap(docs[x], docs[y]) for i, x in enumerate(names) for y in names[i + 1:]}
    assert max(ratios.values()) <= 0.05, ratios
    assert sum(ratios.values()) / len(ratios) <= 0.03, ratios


def _framing(document) -> set[str]:
    return {s.text for b in document.blocks for s in getattr(b, "sentences", ()) if s.is_framing}


def test_framing_varies_between_units_with_the_same_facts():
    """A 文明办 reading a batch notices the same framing sentence in every report: with the same facts
    under other names, most framing differs."""
    data = _data("shequ-2024-shangbannian.yaml")
    framings = []
    for name in ("梧桐里", "银杏里", "枫林", "竹园", "桃源", "杏花"):
        other = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True))
        other["unit"]["name"] = f"青枫市东湖区柳荫街道{name}社区"
        other["unit"]["short_name"] = f"{name}社区"
        framings.append(_framing(_compose(Report.model_validate(other))))
    counts: dict[str, int] = {}
    for found in framings:
        for text in found:
            counts[text] = counts.get(text, 0) + 1
    assert counts, "the report has framing to compare"
    assert max(counts.values()) <= 3, sorted(counts.items(), key=lambda kv: -kv[1])[:3]


# ---------------------------------------------------------------- property test over random reports

UNIT_TYPES = list(SELF_REFERENCE)
PLACES = ["青枫市", "东湖区", "西岭县", "柳荫街道", "石桥镇", "南塘"]
UNIT_WORDS = {
    "社区": "槐树里社区", "居委会": "槐荫居委会", "村": "柳湾村", "街道": "柳荫街道办事处", "乡": "南坝乡人民政府",
    "镇": "石桥镇人民政府", "区": "东湖区", "县": "西岭县", "开发区": "高新技术产业开发区", "局": "自然资源和规划局",
    "分局": "公安分局", "机关": "机关事务管理局", "办": "信访办", "医院": "第二人民医院", "卫生院": "中心卫生院",
    "卫生服务中心": "社区卫生服务中心", "疾控中心": "疾病预防控制中心", "学校": "实验小学", "幼儿园": "第一幼儿园",
    "银行": "农商银行支行", "信用社": "农村信用社", "客运站": "汽车客运站", "企业": "自来水公司", "其他": "图书馆",
}
TITLES = ["环境卫生大扫除", "文明交通劝导", "道德讲堂", "“我们的节日”主题活动", "垃圾分类宣传", "消防安全演练",
          "困难群众走访慰问", "公益广告更新", "志愿服务进社区", "背街小巷整治", "控烟宣传", "窗口服务礼仪培训",
          "文明家庭评选", "党员先锋岗创建", "法治宣传进万家", "病媒生物防制", "留守儿童关爱", "测评点位自查",
          "健身器材安装", "理论学习专题会", "诚信经营承诺", "共建单位联席会", "网格员业务培训", "好人事迹巡讲"]
LOCATIONS = ["社区广场", "党群服务中心", "文化站", "门诊大厅", "学校操场", "镇政府会议室", "各居民小区"]
GROUPS = ["党员", "志愿者", "居民", "干部职工", "学生家长", "网格员"]
QUANTITY_UNITS = [("宣传单", "份"), ("公益广告", "块"), ("卫生死角", "处"), ("垃圾", "吨"), ("横幅", "条"), ("宣传栏", "个")]
METRIC_LABELS = ["注册志愿者", "志愿服务时长", "居民知晓率", "患者满意度", "清理卫生死角", "道德讲堂开讲", "投诉件数",
                 "文明家庭", "宣传栏", "慰问困难家庭", "培训人次", "整改问题", "窗口好评率", "控烟巡查"]
METRIC_UNITS = ["人", "小时", "%", "处", "期", "件", "户", "个", "人次", "次"]
SENTENCES = ["居民反响良好", "问题全部整改到位", "参与人员掌握了相关技能", "环境面貌明显改善", "营造了良好氛围",
             "得到上级部门肯定", "群众满意度提高", "形成了长效机制"]
FESTIVALS = ["春节", "元宵节", "清明节", "端午节", "中秋节", "国庆节", "重阳节", "寒假", "暑假", "学雷锋月"]


@st.composite
def periods(draw):
    year = draw(st.integers(2020, 2030))
    kind = draw(st.sampled_from(["上半年", "下半年", "全年", "季度", "月度"]))
    data = {"year": year, "type": kind}
    if kind == "季度":
        data["quarter"] = draw(st.integers(1, 4))
    if kind == "月度":
        data["month"] = draw(st.integers(1, 12))
    return data


def _most_times(activity: dict, start: dt.date, end: dt.date) -> int:
    """The largest count the activity's dates and frequency allow (a valid report keeps within it)."""
    frequency = recurrence.parse(activity.get("recurrence"))
    if frequency is None:
        one_day = "date" in activity and activity.get("end", activity["date"]) == activity["date"]
        return 1 if one_day else 60
    return max(1, min(60, frequency.most(activity.get("date", start), activity.get("end", end))))


@st.composite
def reports(draw):
    unit_type = draw(st.sampled_from(UNIT_TYPES))
    unit = {"name": draw(st.sampled_from(PLACES)) + UNIT_WORDS[unit_type], "type": unit_type}
    period_data = draw(periods())
    probe = Report.model_validate({"unit": unit, "period": period_data})
    start, end = probe.period.start_date, probe.period.end_date
    days = (end - start).days
    counter = iter(range(1, 10_000))

    def unique_sentence() -> str:  # user sentences differ, as real facts do
        return f"{draw(st.sampled_from(SENTENCES))}，涉及点位{next(counter)}个"

    def a_date() -> dt.date:
        return start + dt.timedelta(days=draw(st.integers(0, days)))

    titles = draw(st.lists(st.sampled_from(TITLES), unique=True, max_size=10))
    activities = []
    for title in titles:
        a: dict = {"theme": draw(st.sampled_from(THEMES)), "title": title,
                   "kind": draw(st.sampled_from(["会议", "宣传", "整治", "评选", "讲堂", "志愿服务", "文体", "培训", "检查督查",
                                                 "建设", "慰问", "其他"]))}
        if draw(st.booleans()):
            a["date"] = a_date()
            if draw(st.booleans()):
                a["end"] = a["date"] + dt.timedelta(days=draw(st.integers(0, (end - a["date"]).days)))
        if draw(st.booleans()):
            a["recurrence"] = draw(st.sampled_from(["每月一次", "每周一次", "每季度一期"]))
        if draw(st.booleans()):
            a["times"] = draw(st.integers(1, _most_times(a, start, end)))
        if draw(st.booleans()):
            a["festival"] = draw(st.sampled_from(FESTIVALS))
        if draw(st.booleans()):
            a["location"] = draw(st.sampled_from(LOCATIONS))
        if draw(st.booleans()):
            a["partners"] = draw(st.lists(st.sampled_from(["区文明办", "辖区派出所", "共建单位", "卫生服务站"]), unique=True, min_size=1, max_size=2))
        if draw(st.booleans()):
            a["participants"] = draw(st.lists(st.sampled_from(GROUPS), unique=True, min_size=1, max_size=3))
        if draw(st.booleans()):
            a["attendance"] = draw(st.integers(0, 50_000))
            a["attendance_unit"] = draw(st.sampled_from(["人", "人次", "名"]))
        a["quantities"] = [
            {"label": label, "unit": u, "value": draw(st.integers(1, 30_000)),
             "approx": draw(st.sampled_from(["exact", "余", "多", "近", "约", "超过", "以上"])),
             "agg": draw(st.sampled_from(["none", "共", "累计", "达"]))}
            for label, u in draw(st.lists(st.sampled_from(QUANTITY_UNITS), unique=True, max_size=3))
        ]
        if draw(st.booleans()):
            a["spend"] = draw(st.integers(0, 5_000_000))
        if draw(st.booleans()):
            a["content"] = unique_sentence()
        if draw(st.booleans()):
            a["outcome"] = unique_sentence()
        activities.append(a)

    labels = draw(st.lists(st.sampled_from(METRIC_LABELS), unique=True, max_size=8))
    metrics = []
    for i, label in enumerate(labels):
        value = draw(st.integers(0, 200_000))
        unit_name = draw(st.sampled_from(METRIC_UNITS))
        if unit_name == "%":
            value = draw(st.integers(0, 100))
        m: dict = {"key": f"m{i}", "label": label, "theme": draw(st.sampled_from(THEMES)), "value": value, "unit": unit_name,
                   "approx": draw(st.sampled_from(["exact", "余", "多", "近", "约"])),
                   "agg": draw(st.sampled_from(["none", "共", "累计", "达"]))}
        if draw(st.booleans()):
            m["target"] = draw(st.integers(0, 200_000 if unit_name != "%" else 100))
            if draw(st.booleans()):
                m["target_source"] = draw(st.sampled_from(["测评体系要求", "街道下达的年度任务", "上级考核"]))
            m["lower_is_better"] = draw(st.booleans())
        if draw(st.booleans()):
            m["previous"] = draw(st.integers(0, 200_000 if unit_name != "%" else 100))
        if draw(st.booleans()) and value >= 2 and m["approx"] == "exact":
            first = draw(st.integers(1, value - 1))
            m["parts"] = [{"label": "党员", "value": first}, {"label": "群众", "value": value - first}]
            if draw(st.booleans()):  # only some of the parts are listed
                m["parts"] = m["parts"][:1]
                m["parts_partial"] = True
        shape = draw(st.sampled_from(["plain", "plain", "before", "standard", "goal"]))
        if shape == "before":
            m["before"] = draw(st.integers(0, 200_000 if unit_name != "%" else 100).filter(lambda b: b != value))
            if draw(st.booleans()):
                m["before_unit"] = draw(st.sampled_from(["处", "个"]))
            if draw(st.booleans()):
                m["before_when"] = draw(st.sampled_from(["创建前", "2021年"]))
        elif shape == "standard":
            m["standard"] = draw(st.integers(0, 200_000 if unit_name != "%" else 100))
            if m.get("target") == m["standard"]:
                del m["target"]
            if draw(st.booleans()):
                m["standard_source"] = draw(st.sampled_from(["卫生乡镇标准", "测评体系要求"]))
        elif shape == "goal" and "target" in m:  # a target with no actual yet
            for name in ("value", "previous", "parts", "parts_partial"):
                m.pop(name, None)
        metrics.append(m)
    # A share needs a comparable, larger base.
    for m in metrics:
        bases = [b for b in metrics if b is not m and "value" in m and "value" in b and b["unit"] == m["unit"]
                 and b["value"] >= m["value"] and b["value"] > 0 and m["unit"] != "%"]
        if bases and draw(st.booleans()):
            m["base"] = draw(st.sampled_from(bases))["key"]

    names = draw(st.lists(st.sampled_from(["周例会制度", "网格巡查制度", "责任书签订", "督查通报制度", "考核办法", "台账管理制度"]),
                          unique=True, max_size=4))
    mechanisms = []
    for name in names:
        x: dict = {"name": name, "theme": draw(st.sampled_from(THEMES)),
                   "kind": draw(st.sampled_from(["制度", "例会", "巡查", "督查通报", "考核", "责任书", "网格化", "公开"]))}
        if draw(st.booleans()):
            x["detail"] = unique_sentence()
        if draw(st.booleans()):
            x["frequency"] = draw(st.sampled_from(["每周一次", "每月一次", "每天两次"]))
        if draw(st.booleans()):
            x["parties"] = draw(st.integers(1, 300))
        mechanisms.append(x)

    problem_labels = draw(st.lists(st.sampled_from(["宣传阵地不足", "经费保障困难", "群众参与不够", "长效机制不健全", "环境卫生反弹"]),
                                   unique=True, max_size=4))
    problems = [{"id": f"p{i}", "label": label, **({"detail": unique_sentence()} if draw(st.booleans()) else {})}
                for i, label in enumerate(problem_labels, 1)]
    plan_years = [period_data["year"] + 1] if period_data["type"] == "全年" else [period_data["year"], period_data["year"] + 1]
    plans = []
    for j, label in enumerate(draw(st.lists(st.sampled_from(["加大宣传投入", "拓宽经费渠道", "激发群众参与", "健全长效机制"]),
                                            unique=True, max_size=4))):
        plan: dict = {"label": label}
        if problems and draw(st.booleans()):
            plan["addresses"] = [problems[j % len(problems)]["id"]]
        if draw(st.booleans()):
            plan["detail"] = unique_sentence()
        if draw(st.booleans()):
            plan["year"] = draw(st.sampled_from(plan_years))
        plans.append(plan)

    honours = [{"title": t, **({"level": draw(st.sampled_from(["市级", "区级", "省级"]))} if draw(st.booleans()) else {})}
               for t in draw(st.lists(st.sampled_from(["文明单位", "平安社区", "无烟单位", "最美志愿服务组织"]), unique=True, max_size=3))]

    results = [{"text": text, **({"theme": draw(st.sampled_from(THEMES))} if draw(st.booleans()) else {}),
                **({"date": a_date()} if draw(st.booleans()) else {})}
               for text in draw(st.lists(st.sampled_from(["通过市级测评验收", "文明程度指数排位提升", "实现垃圾日产日清"]),
                                         unique=True, max_size=3))]

    data: dict = {"unit": unit, "period": period_data, "activities": activities, "metrics": metrics,
                  "mechanisms": mechanisms, "problems": problems, "plans": plans, "honours": honours, "results": results,
                  "kind": draw(st.sampled_from(["总结", "汇报", "情况汇报", "进展情况汇报"])),
                  "closing": {"style": draw(st.sampled_from(["auto", "总之", "差距与决心", "展望"]))},
                  "campaign": {"verb": draw(st.sampled_from(["创建", "巩固", "深化创建", "争创"])),
                               "kind": draw(st.sampled_from(["文明城市", "文明城区", "文明县城"]))}}
    if draw(st.booleans()):
        data["leadership"] = {
            "leader": {"role": "党委书记", **({"name": "周丽华"} if draw(st.booleans()) else {})},
            "deputies": [{"role": "副主任", "name": "韩志强"}] if draw(st.booleans()) else [],
            **({"office": draw(st.sampled_from(["办公室", "党政办公室"]))} if draw(st.booleans()) else {}),
            **({"meetings": draw(st.integers(1, 20))} if draw(st.booleans()) else {}),
        }
    if draw(st.booleans()):
        data["basis"] = {"superiors": [{"name": "区文明办", "relation": "指导"}], "ideology": ["党的二十大精神"],
                         "goals": ["环境优美", "秩序井然"]}
    data["list_style"] = draw(st.sampled_from(["一是", "数字"]))
    report = Report.model_validate(data)
    assert [r for r in rules.check(report) if r[2] == "error"] == []
    return report


@given(reports())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_valid_reports_compose_linter_clean(report):
    document = _compose(report)
    assert lint.check(document) == []
    text = markdown.render(document)
    assert "，，" not in text and "None" not in text


# ---------------------------------------------------------------- theme-specific touches


def _one(unit_type: str, activities: list, metrics: list | None = None, year: int = 2024) -> str:
    report = Report.model_validate({
        "unit": {"name": f"青枫市{UNIT_WORDS[unit_type]}", "type": unit_type},
        "period": {"year": year}, "activities": activities, "metrics": metrics or [],
    })
    document = _compose(report)
    assert lint.check(document) == []
    return markdown.render(document)


def test_publicity_sums_materials_of_the_same_unit_honestly():
    text = _one("社区", [
        {"theme": "宣传发动", "title": "入户宣传", "date": "2024-03-01",
         "quantities": [{"label": "宣传单", "value": 2000, "unit": "份", "approx": "余"}]},
        {"theme": "宣传发动", "title": "广场宣传", "date": "2024-04-01",
         "quantities": [{"label": "倡议书", "value": 1500, "unit": "份"}, {"label": "横幅", "value": 12, "unit": "条"}]},
    ])
    # 2000余 + 1500 is at least 3500: the sum keeps that, and never invents 余 or 约
    assert "宣传单和倡议书合计3500份以上" in text
    assert "合计12条" not in text  # one activity's own figure is not a total


def test_a_sum_over_近_or_约_is_not_stated():
    text = _one("社区", [
        {"theme": "宣传发动", "title": "入户宣传", "date": "2024-03-01",
         "quantities": [{"label": "宣传单", "value": 2000, "unit": "份", "approx": "约"}]},
        {"theme": "宣传发动", "title": "广场宣传", "date": "2024-04-01",
         "quantities": [{"label": "倡议书", "value": 1500, "unit": "份"}]},
    ])
    assert "合计" not in text and "3500" not in text


def test_volunteer_metrics_close_the_section_after_the_activities():
    text = _one("社区", [{"theme": "志愿服务", "title": "助老服务", "date": "2024-05-01", "location": "各小区"}],
                [{"label": "注册志愿者", "theme": "志愿服务", "value": 420, "unit": "人"},
                 {"label": "志愿服务时长", "theme": "志愿服务", "value": 3600, "unit": "小时", "agg": "累计"}])
    assert text.index("助老服务") < text.index("注册志愿者420人") < text.index("累计3600小时")


@pytest.mark.parametrize(("period", "words"), [("全年", "比上年提高1.5个百分点"), ("上半年", "比上年同期提高1.5个百分点")])
def test_change_is_told_against_the_right_period(period, words):
    report = Report.model_validate({
        "unit": {"name": "青枫市第二人民医院", "type": "医院"}, "period": {"year": 2024, "type": period},
        "activities": [{"theme": "窗口服务", "title": "预约诊疗推广", "date": "2024-05-01", "location": "门诊大厅"}],
        "metrics": [{"label": "门诊患者满意度", "theme": "窗口服务", "value": 96.5, "unit": "%", "previous": 95}],
    })
    text = markdown.render(_compose(report))
    assert "门诊患者满意度96.5%" in text and words in text
    assert "同比" not in text.split("附件")[0] and "本期" not in text


@pytest.mark.parametrize(("period", "outlook"), [
    ({"type": "上半年"}, "下半年，"), ({"type": "全年"}, "2025年，"), ({"type": "季度", "quarter": 2}, "第三季度，"),
    ({"type": "季度", "quarter": 4}, "2025年，"), ({"type": "下半年"}, "2025年，"),
])
def test_plans_look_ahead_from_the_period(period, outlook):
    report = Report.model_validate({
        "unit": {"name": "青枫市槐树里社区", "type": "社区"}, "period": {"year": 2024, **period},
        "activities": [{"theme": "宣传发动", "title": "公益广告更新"}],
        "plans": [{"label": "加大宣传投入", "year": 2024 if period["type"] != "全年" else None}],
    })
    text = markdown.render(_compose(report))
    assert outlook in text, text


def test_tally_without_metrics_adds_up_person_times_only():
    text = _one("镇", [
        {"theme": "环境卫生", "title": "村庄清洁行动", "date": "2024-03-01", "attendance": 300},
        {"theme": "环境卫生", "title": "河道清理", "date": "2024-04-01", "attendance": 120, "spend": 20000},
        {"theme": "环境卫生", "title": "集镇大扫除", "date": "2024-05-01", "attendance": 50, "attendance_unit": "人",
         "spend": 10000},
    ])
    assert "420人次" in text  # 300 + 120 person-times; the 50 people are not added to them
    assert "3万元" in text
