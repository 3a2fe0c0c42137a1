"""Cross-field rules: each one is tested for the exact path, message and severity it reports."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from reportgen import rules
from reportgen.errors import InputError
from reportgen.loaders import load_report
from reportgen.model import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

BASE = {
    "unit": {"name": "槐树里社区", "type": "社区"}, "period": {"year": 2024, "type": "全年"},
    "signature": {"date": "2024-12-28"},
}
HALF = "2024年1月1日至2024年6月30日"
YEAR = "2024年1月1日至2024年12月31日"


def check(**fields) -> list[tuple]:
    data = copy.deepcopy(BASE)
    data.update(fields)
    return rules.check(Report.model_validate(data))


def metric(label="志愿者", value=100, unit="人", **extra) -> dict:
    return {"label": label, "theme": "志愿服务", "value": value, "unit": unit, **extra}


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_pass_every_rule_without_warnings(path):
    report, warnings = load_report(path)
    assert rules.check(report) == []
    assert warnings == []


def test_there_are_at_least_four_rich_examples():
    names = {p.name for p in EXAMPLES}
    assert {"shequ-2024-shangbannian.yaml", "zhen-2024-quannian.yaml", "yiyuan-2024-quannian.yaml",
            "ju-2024-quannian.yaml", "xian-2024-chuangwei.yaml", "cun-2024-wenmingcun.yaml"} <= names


# ---------------------------------------------------------------- parts


def test_parts_must_add_up_to_an_exact_value():
    parts = [{"label": "党员", "value": 40}, {"label": "青年", "value": 50}]
    assert check(metrics=[metric(value=100, parts=parts)]) == [
        (("metrics", 0, "parts"), "各分项合计 90人，与完成值 100人对不上：请核对分项或完成值"
         "；如果只列出了总数中的一部分，请把 parts_partial 设为 true（表格中“其中只列部分”选“是”）", "error")
    ]


def test_parts_that_add_up_pass_including_decimals():
    parts = [{"label": "宣传", "value": 16.8}, {"label": "整治", "value": 40.8}, {"label": "其他", "value": 0.1}]
    assert check(metrics=[metric(value=57.7, unit="万元", parts=parts)]) == []


def test_parts_above_the_value_are_wrong_too():
    parts = [{"label": "党员", "value": 60}, {"label": "青年", "value": 50}]
    assert check(metrics=[metric(value=100, parts=parts)]) == [
        (("metrics", 0, "parts"), "各分项合计 110人，与完成值 100人对不上：请核对分项或完成值", "error")
    ]


@pytest.mark.parametrize("approx", ["余", "多", "超过", "以上"])
def test_parts_of_an_over_approximation_may_exceed_but_not_fall_short(approx):
    over = [{"label": "a", "value": 60}, {"label": "b", "value": 50}]
    short = [{"label": "a", "value": 40}, {"label": "b", "value": 50}]
    assert check(metrics=[metric(value=100, approx=approx, parts=over)]) == []
    assert check(metrics=[metric(value=100, approx=approx, parts=short)]) == [
        (("metrics", 0, "parts"), "各分项合计 90人，与完成值 100人对不上：请核对分项或完成值"
         "；如果只列出了总数中的一部分，请把 parts_partial 设为 true（表格中“其中只列部分”选“是”）", "error")
    ]


@pytest.mark.parametrize("approx", ["近", "约"])
def test_parts_of_a_near_value_are_not_checked(approx):
    short = [{"label": "a", "value": 40}, {"label": "b", "value": 50}]
    assert check(metrics=[metric(value=100, approx=approx, parts=short)]) == []


# ---------------------------------------------------------------- shares


def test_share_of_a_comparable_base_passes():
    ms = [metric("常住人口", 8460, key="pop"), metric("注册志愿者", 1236, "名", base="pop"),
          metric("总户数", 3120, "户", key="hh"), metric("文明家庭", 46, "家", base="hh")]
    assert check(metrics=ms) == []


def test_person_times_over_persons_is_refused():
    ms = [metric("常住人口", 8460, key="pop"), metric("服务群众", 2600, "人次", base="pop")]
    assert check(metrics=ms) == [
        (("metrics", 1, "base"),
         "“服务群众”以“人次”计，“常住人口”以“人”计，不能相除求占比：请选择同一计量单位的指标作分母", "error")
    ]


@pytest.mark.parametrize(("unit", "base_unit"), [("人", "人次"), ("户", "人"), ("%", "人"), ("万元", "元")])
def test_incomparable_units(unit, base_unit):
    ms = [metric("基数", 1000, base_unit, key="b"), metric("分子", 10, unit, base="b")]
    assert check(metrics=ms) == [
        (("metrics", 1, "base"),
         f"“分子”以“{unit}”计，“基数”以“{base_unit}”计，不能相除求占比：请选择同一计量单位的指标作分母", "error")
    ]


def test_share_over_100_percent_is_refused():
    ms = [metric("在职职工", 120, key="staff"), metric("注册志愿者", 151, base="staff")]
    assert check(metrics=ms) == [
        (("metrics", 1, "base"), "“注册志愿者”（151）大于分母“在职职工”（120），占比会超过 100%：请核对数字或换一个分母", "error")
    ]


def test_unknown_base():
    assert check(metrics=[metric(base="population")]) == [
        (("metrics", 0, "base"), "找不到 key 为“population”的指标：占比的分母须是另一项指标的 key", "error")
    ]


def test_metric_cannot_be_its_own_base():
    assert check(metrics=[metric(key="v", base="v")]) == [
        (("metrics", 0, "base"), "指标不能以自己为占比基数", "error")
    ]


def test_duplicate_metric_keys():
    ms = [metric("常住人口", 8460, key="pop"), metric("户籍人口", 7900, key="pop")]
    assert check(metrics=ms) == [
        (("metrics", 0, "key"), "标识“pop”被多个指标使用：每个指标的 key 应不同", "error"),
        (("metrics", 1, "key"), "标识“pop”被多个指标使用：每个指标的 key 应不同", "error"),
    ]


# ---------------------------------------------------------------- dates


def test_activity_before_the_period():
    found = check(period={"year": 2024, "type": "上半年"},
                  activities=[{"theme": "环境卫生", "title": "大扫除", "date": "2023-12-31"}])
    assert found == [
        (("activities", 0, "date"), f"活动日期 2023-12-31 不在本期（{HALF}）内：请核对日期或删去这项活动", "error")
    ]


def test_activity_after_the_period():
    found = check(period={"year": 2024, "type": "上半年"},
                  activities=[{"theme": "环境卫生", "title": "大扫除", "date": "2024-07-01"}])
    assert found == [
        (("activities", 0, "date"), f"活动日期 2024-07-01 不在本期（{HALF}）内：请核对日期或删去这项活动", "error")
    ]


def test_first_and_last_day_are_inside():
    acts = [{"theme": "环境卫生", "title": "元旦", "date": "2024-01-01"},
            {"theme": "环境卫生", "title": "年末", "date": "2024-12-31", "end": "2024-12-31"}]
    assert check(activities=acts) == []


def test_activity_end_before_start():
    acts = [{"theme": "环境卫生", "title": "整治", "date": "2024-05-10", "end": "2024-05-01"}]
    assert check(activities=acts) == [(("activities", 0, "end"), "结束日期早于开始日期：请核对", "error")]


def test_activity_end_after_the_period():
    acts = [{"theme": "环境卫生", "title": "整治", "date": "2024-12-20", "end": "2025-01-05"}]
    assert check(activities=acts) == [(("activities", 0, "end"), f"结束日期不在本期（{YEAR}）内：请核对", "error")]


def test_as_of_outside_the_period():
    assert check(period={"year": 2024, "type": "上半年", "as_of": "2024-07-31"}) == [
        (("period", "as_of"), f"数据截至日期不在本期（{HALF}）内：请核对", "error")
    ]


def test_period_end_before_start():
    assert check(period={"year": 2024, "type": "阶段", "start": "2024-06-01", "end": "2024-05-01"}) == [
        (("period", "end"), "截止日期早于起始日期：请核对", "error")
    ]


def test_signature_before_the_period():
    assert check(signature={"date": "2023-12-30"}) == [(("signature", "date"), "成文日期早于本期开始：请核对", "error")]


def test_signature_after_the_period_is_normal():
    assert check(signature={"date": "2025-01-06"}) == []


# ---------------------------------------------------------------- plans


def test_full_year_plan_must_be_for_the_next_year():
    plans = [{"label": "加大宣传", "year": 2024}, {"label": "完善机制", "year": 2025}, {"label": "再上台阶", "year": 2026}]
    assert check(plans=plans) == [
        (("plans", 0, "year"), "计划年度 2024 不对：本期是2024年，下一步打算应写 2025 年", "error"),
        (("plans", 2, "year"), "计划年度 2026 不对：本期是2024年，下一步打算应写 2025 年", "error"),
    ]


def test_half_year_plan_may_be_for_this_or_next_year():
    plans = [{"label": "a", "year": 2024}, {"label": "b", "year": 2025}, {"label": "c", "year": 2023}]
    assert check(period={"year": 2024, "type": "上半年"}, plans=plans) == [
        (("plans", 2, "year"), "计划年度 2023 不对：本期是2024年，下一步打算应写 2024、2025 年", "error")
    ]


def test_plan_addressing_an_unknown_problem():
    problems = [{"id": "funds", "label": "经费紧张"}, {"label": "阵地不足"}]
    plans = [{"label": "拓宽经费渠道", "addresses": ["funds", "publicity"]}, {"label": "建设阵地", "addresses": ["p2"]}]
    assert check(problems=problems, plans=plans) == [
        (("plans", 0, "addresses", 1), "找不到 id 为“publicity”的问题：可用的有 funds、p2", "error")
    ]


def test_plan_addressing_a_problem_when_there_are_none():
    assert check(plans=[{"label": "加大宣传", "addresses": ["p1"]}]) == [
        (("plans", 0, "addresses", 0), "找不到 id 为“p1”的问题：可用的有 （尚未填写问题）", "error")
    ]


def test_unaddressed_problem_is_a_warning_once_plans_link_problems():
    problems = [{"id": "a", "label": "宣传不足"}, {"id": "b", "label": "经费紧张"}]
    assert check(problems=problems, plans=[{"label": "加大宣传", "addresses": ["a"]}]) == [
        (("problems", 1), "问题“经费紧张”没有对应的下一步措施", "warning")
    ]
    # Plans that link nothing: no warnings (the unit did not opt into linking).
    assert check(problems=problems, plans=[{"label": "加大宣传"}]) == []


# ---------------------------------------------------------------- duplicates


def test_duplicate_honours_even_with_different_quotes():
    honours = [{"title": "青枫市“文明社区”", "level": "市级"}, {"title": "“青枫市“文明社区””", "level": "市级"}]
    found = check(honours=honours)
    assert found == [(("honours", 1), "荣誉“青枫市“文明社区”重复填写：请删去重复的一项", "error")]


def test_duplicate_honours_plain():
    honours = [{"title": "平安社区"}, {"title": "文明社区"}, {"title": "平安社区"}]
    assert check(honours=honours) == [(("honours", 2), "荣誉“平安社区”重复填写：请删去重复的一项", "error")]


def test_same_title_at_different_levels_or_recipients_is_not_a_duplicate():
    honours = [{"title": "文明单位", "level": "市级"}, {"title": "文明单位", "level": "省级"},
               {"title": "文明单位", "level": "市级", "recipient": "门诊部"}]
    assert check(honours=honours) == []


def test_duplicate_problem_ids():
    problems = [{"id": "funds", "label": "经费紧张"}, {"id": "funds", "label": "资金不足"}]
    assert check(problems=problems) == [
        (("problems", 0, "id"), "问题 id“funds”重复：每个问题的 id 应不同", "error"),
        (("problems", 1, "id"), "问题 id“funds”重复：每个问题的 id 应不同", "error"),
    ]


# ---------------------------------------------------------------- located, all at once


def test_rule_findings_are_located_and_reported_together(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(
        "unit: {name: 槐树里社区, type: 社区}\n"         # 1
        "period: {year: 2024, type: 全年}\n"             # 2
        "metrics:\n"                                     # 3
        "  - key: pop\n"                                 # 4
        "    label: 常住人口\n"                          # 5
        "    theme: 志愿服务\n"                          # 6
        "    value: 8460\n"                              # 7
        "    unit: 人\n"                                 # 8
        "  - label: 服务群众\n"                          # 9
        "    theme: 志愿服务\n"                          # 10
        "    value: 2600\n"                              # 11
        "    unit: 人次\n"                               # 12
        "    base: pop\n"                                # 13
        "activities:\n"                                  # 14
        "  - {theme: 环境卫生, title: 大扫除, date: 2023-12-30}\n"  # 15
        "plans:\n"                                       # 16
        "  - label: 加大宣传\n"                          # 17
        "    year: 2024\n",                              # 18
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_report(Path("r.yaml"))
    assert [str(f) for f in info.value.findings] == [
        "r.yaml:13:11 metrics[1].base：“服务群众”以“人次”计，“常住人口”以“人”计，不能相除求占比：请选择同一计量单位的指标作分母",
        f"r.yaml:15:37 activities[0].date：活动日期 2023-12-30 不在本期（{YEAR}）内：请核对日期或删去这项活动",
        "r.yaml:18:11 plans[0].year：计划年度 2024 不对：本期是2024年，下一步打算应写 2025 年",
    ]


def test_warnings_do_not_stop_loading(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(
        "unit: {name: 槐树里社区, type: 社区}\n"
        "period: {year: 2024}\n"
        "signature: {date: 2024-12-28}\n"
        "problems:\n"
        "  - {id: a, label: 宣传不足}\n"
        "  - {id: b, label: 经费紧张}\n"
        "plans:\n"
        "  - {label: 加大宣传, addresses: [a]}\n",
        encoding="utf-8",
    )
    report, warnings = load_report(Path("r.yaml"))
    assert [str(w) for w in warnings] == ["r.yaml:6:5 problems[1]：提示：问题“经费紧张”没有对应的下一步措施"]
    assert len(report.problems) == 2


#: The full 创建文明城市 annual and half-year summaries. Examples written for one shape of data (a 创卫
#: unit, a village 汇报, a report with almost no figures) are real reports too, but not of this size.
WHOLE = ("ju-2024-quannian", "shequ-2024-shangbannian", "xuexiao-2024-xiabannian", "yiyuan-2024-quannian",
         "zhen-2024-quannian")
RICH = [p for p in EXAMPLES if p.stem in WHOLE]


@pytest.mark.parametrize("path", RICH, ids=lambda p: p.name)
def test_rich_examples_cover_a_whole_summary(path):
    """The bundled examples are realistic: enough activities, themes, metrics, problems and linked plans."""
    report, _ = load_report(path)
    assert 12 <= len(report.activities) <= 25
    assert len({a.theme for a in report.activities}) >= 8
    assert all(a.date for a in report.activities)
    assert sum(a.location is not None for a in report.activities) >= 0.75 * len(report.activities)
    assert sum(a.attendance is not None for a in report.activities) >= 0.5 * len(report.activities)
    assert any(a.spend for a in report.activities) and any(a.quantities for a in report.activities)
    assert 10 <= len(report.metrics) <= 15
    assert any(m.parts for m in report.metrics) and any(m.base for m in report.metrics)
    assert any(m.target is not None and m.target_source for m in report.metrics)
    assert any(m.previous is not None for m in report.metrics)
    assert len(report.mechanisms) >= 4
    assert 3 <= len(report.problems) <= 5 and all(p.id for p in report.problems)
    assert {ref for plan in report.plans for ref in plan.addresses} == set(report.problem_ids())
    next_year = {report.period.year + 1} if report.period.type == "全年" else {report.period.year, report.period.year + 1}
    assert {plan.year for plan in report.plans} <= next_year
    assert report.leadership and report.honours and report.closing.goal and report.signature.date
    basis = report.basis
    assert "习近平新时代中国特色社会主义思想" in basis.ideology and "党的二十大精神" in basis.ideology
    assert basis.standard == "全国文明城市测评体系"
    assert all(d.doc_no and "〔" in d.doc_no for d in basis.documents)


def test_minimal_example_stays_small():
    text = (ROOT / "examples" / "minimal.yaml").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 16
    report, warnings = load_report(ROOT / "examples" / "minimal.yaml")
    assert warnings == [] and report.activities and report.metrics


# ---------------------------------------------------------------- counts against frequency and dates


def activity(**extra) -> dict:
    return {"theme": "志愿服务", "title": "志愿服务进村", "kind": "志愿服务", **extra}


@pytest.mark.parametrize(
    ("fields", "most"),
    [
        # 3月5日 to the year's end spans 10 months: twice a month is at most 20, not 24.
        ({"date": "2024-03-05", "recurrence": "每月两次", "times": 24}, "“每月两次”从3月5日到12月31日最多20次，写的是24次"),
        # Fridays from 9月6日 to 12月31日: 17.
        ({"date": "2024-09-06", "recurrence": "每周五下午", "times": 18}, "“每周五下午”从9月6日到12月31日最多17次，写的是18次"),
        ({"date": "2024-02-23", "recurrence": "每月一次", "times": 12}, "“每月一次”从2月23日到12月31日最多11次，写的是12次"),
        ({"date": "2024-10-01", "recurrence": "每季度一期", "times": 2}, "“每季度一期”从10月1日到12月31日最多1次，写的是2次"),
        ({"date": "2024-12-30", "recurrence": "每天两次", "times": 5}, "“每天两次”从12月30日到12月31日最多4次，写的是5次"),
        ({"date": "2024-12-23", "recurrence": "工作日每天上午", "times": 8}, "“工作日每天上午”从12月23日到12月31日最多7次，写的是8次"),
        ({"date": "2024-12-02", "recurrence": "每周三、周五早高峰", "times": 10}, "“每周三、周五早高峰”从12月2日到12月31日最多8次，写的是10次"),
        ({"date": "2024-12-02", "recurrence": "每周一至周五", "times": 23}, "“每周一至周五”从12月2日到12月31日最多22次，写的是23次"),
        ({"date": "2024-06-03", "end": "2024-06-30", "recurrence": "每周一次", "times": 5}, "“每周一次”从6月3日到6月30日最多4次，写的是5次"),
    ],
)
def test_a_count_its_frequency_cannot_reach_is_an_error(fields, most):
    found = check(activities=[activity(**fields)])
    assert found == [(("activities", 0, "times"), most + "：请核对次数、频次或起止日期", "error")]


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "2024-03-05", "recurrence": "每月两次", "times": 20},
        {"date": "2024-09-06", "recurrence": "每周五下午", "times": 17},
        {"date": "2024-01-02", "recurrence": "每月一期", "times": 12},
        {"recurrence": "每周一次", "times": 52},  # no date: from the period's start
        {"date": "2024-03-05", "recurrence": "每月至少两次", "times": 40},  # a lower bound has no most
        {"date": "2024-03-05", "recurrence": "不定期", "times": 40},  # unreadable: not checked
        {"date": "2024-05-10", "end": "2024-05-12", "times": 3},  # several days, several times
        {"date": "2024-05-10", "times": 1},
    ],
)
def test_counts_that_fit_their_dates_pass(fields):
    assert check(activities=[activity(**fields)]) == []


def test_a_half_year_counts_up_to_the_data_cut_off():
    found = check(period={"year": 2024, "type": "上半年", "as_of": "2024-05-31"},
                  signature={"date": "2024-06-05"},
                  activities=[activity(date="2024-01-05", recurrence="每月一次", times=6)])
    assert found == [(("activities", 0, "times"), "“每月一次”从1月5日到5月31日最多5次，写的是6次：请核对次数、频次或起止日期", "error")]


def test_one_date_with_several_times_is_an_error():
    found = check(activities=[activity(date="2024-10-18", times=2)])
    assert found == [(("activities", 0, "times"), (
        "只有一个日期（10月18日），却写开展了2次：一天的活动请把次数改为1，或删去 times；"
        "分几次开展的，请填写结束日期 end 或频次 recurrence"
    ), "error")]


def test_validate_names_the_line_of_an_impossible_count(tmp_path):
    source = tmp_path / "镇.yaml"
    source.write_text(
        "unit: {name: 石桥镇, type: 镇}\n"
        "period: {year: 2024}\n"
        "signature: {date: 2024-12-28}\n"
        "activities:\n"
        "  - theme: 志愿服务\n"
        "    title: 志愿服务进村\n"
        "    date: 2024-03-05\n"
        "    recurrence: 每月两次\n"
        "    times: 24\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_report(source)
    assert [str(f) for f in caught.value.findings] == [
        f"{source}:9:12 activities[0].times：“每月两次”从3月5日到12月31日最多20次，写的是24次：请核对次数、频次或起止日期"
    ]


# ---------------------------------------------------------------- 成文日期


def test_a_missing_signature_date_is_a_warning_never_a_made_up_date(tmp_path):
    source = tmp_path / "r.yaml"
    source.write_text("unit: {name: 槐树里社区, type: 社区}\nperiod: {year: 2024}\n", encoding="utf-8")
    report, warnings = load_report(source)
    assert report.signature_date is None
    assert [str(w) for w in warnings] == [
        f"{source}:1:1 signature.date：提示：没有填写成文日期：生成的文件中落款日期留空，"
        "请补填成文日期（格式如 2024-06-05），或打印后手写"
    ]


def test_no_code_falls_back_to_the_last_day_of_the_year():
    files = [*(ROOT / "reportgen").rglob("*.py"), *(ROOT / "templates").rglob("*.j2"), *(ROOT / "templates").rglob("*.yaml")]
    code = "\n".join(p.read_text(encoding="utf-8") for p in files)
    assert "12月31日" not in code and "12, 31" not in code and "-12-31" not in code


# ---------------------------------------------------------------- profile figures


def test_a_profile_figure_has_no_target():
    found = check(metrics=[metric("常住人口", 8460, profile=True, target=9000)])
    assert found == [(("metrics", 0, "profile"), (
        "“常住人口”标为基本情况数字（profile: true），不是工作成效，不应有目标值或分项：请删去 profile，或删去 target 和 parts"
    ), "error")]


def test_build_without_a_signature_date_warns_and_leaves_the_date_line_blank(tmp_path):
    from docx import Document as Docx

    from reportgen.pipeline import Options, build

    source = tmp_path / "r.yaml"
    source.write_text(
        "unit: {name: 槐树里社区, type: 社区}\nperiod: {year: 2024, type: 上半年}\n"
        "activities:\n  - {theme: 环境卫生, title: 春季大扫除, kind: 整治, date: 2024-03-09, attendance: 80}\n",
        encoding="utf-8",
    )
    result = build(source, tmp_path / "out", Options(formats=("docx", "md")))
    assert [str(w) for w in result.warnings] == [
        f"{source}:1:1 signature.date：提示：没有填写成文日期：生成的文件中落款日期留空，"
        "请补填成文日期（格式如 2024-06-05），或打印后手写"
    ]
    markdown = (tmp_path / "out" / "r.md").read_text(encoding="utf-8")
    assert "槐树里社区<br></p>" in markdown and "年6月30日" not in markdown
    paragraphs = [p.text for p in Docx(str(tmp_path / "out" / "r.docx")).paragraphs]
    signed = len(paragraphs) - 1 - paragraphs[::-1].index("槐树里社区")
    assert paragraphs[signed + 1] == ""  # the date line is there, blank, to be written by hand
    assert not any(re.search(r"2024年(6月30日|12月31日)", p) for p in paragraphs)


def test_an_impossible_count_in_a_workbook_names_its_cell(tmp_path):
    from openpyxl import load_workbook as open_book

    from reportgen.pipeline import Options, build

    build(ROOT / "examples" / "zhen-2024-quannian.yaml", tmp_path, Options(formats=("xlsx",)))
    path = tmp_path / "zhen-2024-quannian.xlsx"
    book = open_book(path)
    sheet = book["活动台账"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "开展次数" for c in row))
    column = next(c.column for c in header if c.value == "开展次数")
    cell = next(sheet.cell(row=r, column=column) for r in range(header[0].row + 1, sheet.max_row + 1)
                if sheet.cell(row=r, column=column).value == 20)
    cell.value = 24
    book.save(path)
    with pytest.raises(InputError) as caught:
        load_report(path)
    errors = [str(f) for f in caught.value.findings if f.severity == "error"]  # notices (its 合计 row) ride along
    assert errors == [
        f"{path} 活动台账!{cell.coordinate} 开展次数："
        "“每月两次”从3月5日到12月31日最多20次，写的是24次：请核对次数、频次或起止日期"
    ]


def test_a_one_day_activity_carrying_the_period_indicator_is_flagged():
    smoking = {"label": "劝阻吸烟", "value": 1240, "unit": "人次"}
    day = {**activity(date="2024-05-31"), "theme": "控烟", "quantities": [{"label": "更新禁烟标识", "value": 650, "unit": "块"}, smoking]}
    found = check(activities=[day], metrics=[{**smoking, "theme": "控烟", "previous": 1610}])
    assert found == [(("activities", 0, "quantities", 1), (
        "“劝阻吸烟1240人次”与全期指标相同，却记在5月31日这一天的活动上：若是全期累计，只写在指标中，把这一项从活动中删去"
    ), "warning")]
    # The same figure on a recurring activity, or an indicator with neither target nor previous value, is fine.
    assert check(activities=[{**day, "recurrence": "每天"}], metrics=[{**smoking, "theme": "控烟", "previous": 1610}]) == []
    assert check(activities=[day], metrics=[{**smoking, "theme": "控烟"}]) == []


def test_a_problems_theme_under_the_usual_layout_is_a_warning_not_ignored():
    problems = [{"label": "宣传阵地不足", "theme": "宣传发动"}, {"label": "经费紧张"}]
    found = check(problems=problems)
    assert found == [(("problems", 0, "theme"), (
        "问题“宣传阵地不足”填了所属工作方面“宣传发动”，但版式（layout）是常规：所有问题都写在“存在的问题”部分。"
        "要写进该方面，请把版式改为“专题”；否则可删去这一项"), "warning")]
    assert check(problems=problems, layout="专题", kind="汇报") == []
