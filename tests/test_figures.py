"""Derived figures are computed once and agree with the data: counts count what they name, sums carry
no invented marker, judgements follow the figures, the outlook follows the period, and profile figures
are never results. The last tests read every bundled example as a reviewer would."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reportgen import figures
from reportgen.compose import compose, load_pack
from reportgen.document import Paragraph
from reportgen.loaders import load_report
from reportgen.model import Report
from test_compose import reports

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PACK = load_pack()
BASE = {"unit": {"name": "槐树里社区", "type": "社区"}, "period": {"year": 2024, "type": "全年"},
        "signature": {"date": "2024-12-28"}}


def report(**fields) -> Report:
    data = copy.deepcopy(BASE)
    data.update(fields)
    return Report.model_validate(data)


def act(kind="宣传", **extra) -> dict:
    return {"theme": "宣传发动", "title": f"{kind}工作", "kind": kind, "date": "2024-05-10", **extra}


def text_of(r: Report) -> str:
    document = compose(r, pack=PACK)
    return "\n".join(s.text for b in document.blocks if isinstance(b, Paragraph) for s in b.sentences)


# ---------------------------------------------------------------- counts count what they name


def test_meetings_projects_and_inspections_are_not_counted_as_activities():
    r = report(activities=[act("宣传"), act("评选"), act("会议"), act("建设"), act("建设"), act("检查督查")])
    kinds = {k["verb"]: k["count"].value for k in figures.report_figures(r)["activities"]["kinds"]}
    assert kinds == {"开展各类活动": 2, "召开会议": 1, "开展检查督查": 1, "实施建设项目": 2}
    assert "开展各类活动2项，召开会议1次，开展检查督查1次，实施建设项目2个" in text_of(r)


def test_attendance_in_people_and_in_visits_is_never_added():
    r = report(activities=[act(attendance=100), act(attendance=50, attendance_unit="人"),
                           act(attendance=30), act(attendance=20, attendance_unit="人")])
    (total,) = figures.report_figures(r)["activities"]["attendance"]
    assert (total["unit"], total["total"].value, total["of"].value) == ("人次", 130, 2)  # 2 of the 4 activities
    assert figures.attendance_by_unit(r.activities) == {"人次": 130, "人": 70}  # a ledger column's totals
    assert figures.attendance_text(figures.attendance_by_unit(r.activities)) == "130人次、70人"
    text = text_of(r)
    assert "其中2项累计参加130人次" in text
    assert "200" not in text and "70人" not in text  # people at different activities overlap: never summed


def test_person_times_of_every_activity_are_said_without_a_share():
    r = report(activities=[act(attendance=100), act(attendance=30), act(attendance=20, attendance_unit="人",
                                                                       theme="志愿服务")])
    (total,) = figures.report_figures(r)["activities"]["attendance"]
    assert total["of"].value == 2
    r = report(activities=[act(attendance=100), act(attendance=30)])
    (total,) = figures.report_figures(r)["activities"]["attendance"]
    assert total["of"] is None
    assert "累计参加130人次" in text_of(r) and "项累计参加" not in text_of(r)


def test_quantities_summed_across_activities_keep_an_honest_marker():
    r = report(activities=[
        act(quantities=[{"label": "固定标语", "value": 15, "unit": "条", "approx": "超过"}]),
        act(quantities=[{"label": "横幅", "value": 12, "unit": "条"}]),
    ])
    (total,) = figures.report_figures(r)["activities"]["quantities"]
    assert (total["total"].value, total["approx"]) == (Decimal(27), "以上")


def test_a_sum_with_a_near_part_is_not_stated():
    r = report(activities=[
        act(quantities=[{"label": "宣传单", "value": 2000, "unit": "份", "approx": "近"}]),
        act(quantities=[{"label": "宣传册", "value": 300, "unit": "份"}]),
    ])
    assert figures.report_figures(r)["activities"]["quantities"] == []


def test_one_activity_has_no_total_of_its_own():
    """A single activity's figures are already said in its item: no 合计 repeats them."""
    r = report(activities=[act(attendance=100, spend=5000, quantities=[{"label": "横幅", "value": 12, "unit": "条"}])])
    tallied = figures.report_figures(r)["activities"]
    assert tallied["attendance"] == [] and tallied["quantities"] == [] and tallied["spend"] is None


def test_there_is_one_honest_sum():
    assert not hasattr(figures, "honest_sum")  # zh.sum_quantities is the only one


# ---------------------------------------------------------------- judgements follow the figures


def metric(label, value, target=None, **extra) -> dict:
    return {"label": label, "theme": "志愿服务", "value": value, "unit": "人", "target": target, **extra}


@pytest.mark.parametrize(
    ("values", "said", "not_said"),
    [
        ([(120, 100), (80, 50)], "设定目标的2项指标全部达到目标", "未达到"),
        ([(20, 100), (30, 50)], "设定目标的2项指标均未达到目标", "全部达到"),
        ([(120, 100), (30, 50)], "设定目标的2项指标中，1项已达到目标", "全部达到"),
        ([(120, 100)], "设定目标的1项指标已达到目标", "全部"),  # one target: no 全部 or 均
        ([(20, 100)], "“指标0”尚未达到目标，仍需加力推进", "均未"),
    ],
)
def test_the_verdict_follows_the_figures(values, said, not_said):
    r = report(metrics=[metric(f"指标{i}", v, t) for i, (v, t) in enumerate(values)])
    text = text_of(r)
    assert said in text and not_said not in text
    assert "稳中有进" not in text and "正在推进" not in text


def test_a_profile_figure_is_neither_an_indicator_nor_a_result():
    r = report(metrics=[
        {**metric("常住人口", 8460), "key": "pop", "profile": True, "previous": 8000},
        {**metric("注册志愿者", 1200, 1000), "base": "pop", "previous": 1000},
    ])
    assert figures.reported_metrics(r) == [1]
    labels = [row[2] for row in figures.indicator_table(r).rows]
    assert labels == ["注册志愿者"]
    assert figures.report_figures(r)["improved"] == (1,)
    text = text_of(r)
    assert "常住人口比上年" not in text and "占常住人口的14.2%" in text


def test_the_attachment_table_shows_a_figure_as_written():
    r = report(metrics=[metric("清运垃圾", 1450, approx="余"), metric("投入", Decimal("56.10"))])
    rows = figures.indicator_table(r).rows
    assert [row[5] for row in rows] == ["1450余", "56.1"]
    assert [row[4] for row in rows] == ["—", "—"]


# ---------------------------------------------------------------- the period decides the wording


@pytest.mark.parametrize(
    ("period", "outlook", "compare"),
    [
        ({"year": 2024, "type": "上半年"}, "下半年", "比上年同期"),
        ({"year": 2024, "type": "季度", "quarter": 2}, "第三季度", "比上年同期"),
        ({"year": 2024, "type": "季度", "quarter": 4}, "2025年", "比上年同期"),
        ({"year": 2024, "type": "月度", "month": 5}, "6月", "比上年同期"),
        ({"year": 2024, "type": "下半年"}, "2025年", "比上年同期"),
        ({"year": 2024, "type": "全年"}, "2025年", "比上年"),
    ],
)
def test_outlook_and_comparison_follow_the_period(period, outlook, compare):
    r = report(period=period)
    found = figures.report_figures(r)
    assert found["outlook"].value == outlook
    assert found["compare"].value == compare


def test_a_half_year_report_looks_ahead_to_the_second_half():
    r = report(period={"year": 2024, "type": "上半年"}, signature={"date": "2024-07-05"},
               problems=[{"id": "a", "label": "宣传阵地不足"}],
               plans=[{"label": "增设宣传栏", "addresses": ["a"]}])
    text = text_of(r)
    assert re.search(r"^下半年，", text, re.M)
    assert "2024年，" not in text and "2025年，" not in text


# ---------------------------------------------------------------- the bundled examples, as a reviewer reads them


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request):
    r, _ = load_report(request.param)
    return r, text_of(r), request.param.read_text(encoding="utf-8")


def test_examples_use_no_wording_their_data_does_not_support(example):
    r, text, data = example
    if r.period.type == "全年":
        assert "本期" not in text
    assert "同上年同期比较" not in text and "同比增长" not in text.replace("比上年同期增长", "")
    assert "正在推进" not in text and "稳中有进" not in text
    for word in ("考核", "如期完成", "提前完成", "坚强领导"):
        assert word not in text or word in data, word
    assert not re.search(r"(\d+)项[^，。]*指标中，\1项", text)  # “10项指标中，10项达到” is “全部达到”


def test_examples_list_no_profile_figure_in_the_attachment(example):
    r, _, _ = example
    labels = {row[2] for row in figures.indicator_table(r).rows} if r.metrics else set()
    assert not labels & {"常住人口", "辖区常住人口", "在岗职工", "在校学生"}


def test_examples_credit_no_yearly_indicator_to_one_day(example):
    """A one-day activity does not carry a figure that is also a whole-period indicator (劝阻吸烟1240人次,
    compared with last year): an indicator with a target or a previous value measures the period."""
    r, _, _ = example
    yearly = {(m.label, m.value) for m in r.metrics if m.previous is not None or m.target is not None}
    for a in r.activities:
        if a.date and not a.recurrence and (a.end is None or a.end == a.date):
            assert not {(q.label, q.value) for q in a.quantities} & yearly, a.title


def test_examples_state_no_rescaled_number(example):
    _, text, _ = example
    assert not re.search(r"\d+\.\d+万(?!元)", text.replace("平方公里", ""))  # 1.26万人次 is not in any data


# ---------------------------------------------------------------- any valid report


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reports())
def test_random_reports_say_only_what_their_figures_support(r):
    text = text_of(r)
    found = figures.report_figures(r)
    if r.period.type == "全年":
        assert "本期" not in text and "比上年同期" not in text
    assert "正在推进" not in text and "稳中有进" not in text
    if found["targets"]:
        n = found["targets"].value
        if found["all_met"]:
            assert f"设定目标的{n}项指标{'已' if n == 1 else '全部'}达到目标" in text
        elif found["none_met"] and n == 1:
            assert f"“{found['unmet'][0].value}”尚未达到目标" in text
        elif found["none_met"]:
            assert f"设定目标的{n}项指标均未达到目标" in text
        else:
            assert f"设定目标的{n}项指标中，{found['met'].value}项已达到目标" in text
    for x in found["activities"]["attendance"]:
        members = [a.attendance for a in r.activities if a.attendance and a.attendance_unit == x["unit"]]
        assert x["total"].value == sum(members)
