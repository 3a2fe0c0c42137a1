"""Dates known only to the month or the year: typed, checked, written and read back without a made-up day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from reportgen import dates, rules, zh
from reportgen import model as m
from reportgen import workbook_layout as L
from reportgen.compose import compose, load_pack
from reportgen.loaders import load_report
from reportgen.loaders.xlsx_loader import load_xlsx, to_date
from reportgen.pipeline import render_workbook
from reportgen.web import form as F
from reportgen.writers import markdown

PACK = load_pack()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-08", dates.month(2024, 8)), ("2024-8", dates.month(2024, 8)), ("2024年8月", dates.month(2024, 8)),
        ("2024年8月份", dates.month(2024, 8)), (2023, dates.year(2023)), ("2023", dates.year(2023)),
        ("2023年", dates.year(2023)), ("2024-06-05", dt.date(2024, 6, 5)), (dt.date(2024, 6, 5), dt.date(2024, 6, 5)),
    ],
)
def test_a_date_field_takes_a_day_a_month_or_a_year(typed, expected):
    activity = m.Activity(theme="志愿服务", title="清扫", date=typed)
    assert activity.date == expected and dates.precision(activity.date) == dates.precision(expected)


@pytest.mark.parametrize("typed", ["2024-13", "2024年13月", 1800, "八月", "2024-02-30", "2024/6/5"])
def test_a_date_that_is_none_of_them_is_refused_with_the_forms_to_use(typed):
    with pytest.raises(ValidationError) as caught:
        m.Activity(theme="志愿服务", title="清扫", date=typed)
    assert "只知道月份写 2024-08" in str(caught.value)


def test_the_signature_date_still_needs_a_day():
    with pytest.raises(ValidationError):
        m.Signature(date="2024-08")


def test_months_and_years_are_written_without_a_day():
    assert zh.date_span(dates.month(2024, 8)) == "8月份"
    assert zh.date_span(dates.month(2024, 8), dates.month(2024, 10)) == "8月至10月"
    assert zh.cn_date(dates.month(2024, 8)) == "2024年8月"
    assert zh.cn_date(dates.year(2023)) == "2023年"
    assert zh.date_span(dates.year(2023)) == "2023年"
    assert zh.cn_date(dt.date(2024, 6, 5)) == "2024年6月5日"  # unchanged for a day


def test_the_schema_offers_the_same_three_forms():
    schema = m.Report.model_json_schema(mode="validation")
    activity = schema["$defs"]["Activity"]["properties"]["date"]
    forms = activity["anyOf"][0]["anyOf"]
    assert {"type": "string", "format": "date"} in forms
    assert any(f.get("type") == "integer" for f in forms)
    assert any("年" in f.get("pattern", "") for f in forms)


def _report(**fields) -> m.Report:
    base = dict(unit=m.Unit(name="槐荫社区", type="社区"), period=m.Period(year=2024))
    return m.Report(**{**base, **fields})


def _errors(report: m.Report) -> list[tuple]:
    return [(path, text) for path, text, severity in rules.check(report) if severity == "error"]


def test_a_month_inside_the_period_passes_and_one_outside_is_named():
    inside = _report(period=m.Period(year=2024, type="阶段", start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 24)),
                     activities=[m.Activity(theme="文体节日", title="写春联", date="2024-02")])
    assert _errors(inside) == []  # February overlaps 2月1日至24日 although its last day does not
    outside = _report(activities=[m.Activity(theme="文体节日", title="写春联", date="2023-12")])
    assert _errors(outside) == [(("activities", 0, "date"),
                                 "活动日期 2023-12 不在本期（2024年1月1日至2024年12月31日）内：请核对日期或删去这项活动")]


def test_a_month_only_date_is_its_whole_month_for_the_count_rules():
    # 8月份 with no end and no frequency: several times in the month is possible, not "one day, 3 times"
    several = _report(activities=[m.Activity(theme="环境卫生", title="清扫楼道", date="2024-08", times=3)])
    assert _errors(several) == []
    # 每周一次 from 8月份 to 9月份 counts the weeks touching 8月1日 to 9月30日: 10, so 10 fits and 11 does not
    fits = _report(activities=[m.Activity(theme="环境卫生", title="清扫楼道", date="2024-08", end="2024-09",
                                          recurrence="每周一次", times=10)])
    assert _errors(fits) == []
    too_many = _report(activities=[m.Activity(theme="环境卫生", title="清扫楼道", date="2024-08", end="2024-09",
                                              recurrence="每周一次", times=11)])
    assert [p for p, _ in _errors(too_many)] == [("activities", 0, "times")]
    assert "从8月1日到9月30日最多10次" in _errors(too_many)[0][1]


def test_a_one_day_total_is_not_suspected_on_a_month():
    report = _report(
        metrics=[m.Metric(label="劝阻吸烟", theme="控烟", value=120, unit="人次", target=100)],
        activities=[m.Activity(theme="控烟", title="控烟劝阻", date="2024-05",
                               quantities=[m.Quantity(label="劝阻吸烟", value=120, unit="人次")])],
    )
    assert not [r for r in rules.check(report) if r[0][:2] == ("activities", 0)]


def test_the_text_says_8月份_and_2023年成立():
    report = _report(
        leadership=m.LeadershipGroup(leader=m.Person(role="党委书记"), established=2023),
        activities=[m.Activity(theme="环境卫生", title="背街小巷清扫", kind="整治", date="2024-08", attendance=30)],
    )
    text = markdown.render(compose(report, pack=PACK))
    assert "8月份，" in text and "于2023年成立" in text
    assert "8月1日" not in text and "1月1日" not in text


def test_months_and_years_survive_the_workbook(tmp_path: Path):
    report = _report(
        leadership=m.LeadershipGroup(leader=m.Person(role="党委书记"), established=2023),
        basis=m.Basis(documents=[m.DocRef(title="实施方案", date="2024-03")]),
        activities=[m.Activity(theme="环境卫生", title="清扫", date="2024-08", end="2024-10"),
                    m.Activity(theme="环境卫生", title="整治", date=dt.date(2024, 6, 5))],
        honours=[m.Honour(title="文明单位", date=2024)],
    )
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    back = m.Report.model_validate(load_xlsx(path)[0])
    assert back.model_dump() == report.model_dump()
    assert [dates.precision(a.date) for a in back.activities] == ["month", "day"]
    assert dates.precision(back.leadership.established) == "year"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2024年8月", dates.month(2024, 8)), ("2024-08", dates.month(2024, 8)), ("2024/8", dates.month(2024, 8)),
     ("2023", dates.year(2023)), ("2023年", dates.year(2023)), (2023, dates.year(2023)), (2023.0, dates.year(2023)),
     ("2024年6月5日", dt.date(2024, 6, 5)), (45448, dt.date(2024, 6, 5))],
)
def test_the_workbook_reader_takes_what_clerks_type(cell, expected):
    activity = m.Activity(theme="志愿服务", title="清扫", date=to_date(cell))
    assert activity.date == expected and dates.precision(activity.date) == dates.precision(expected)


def test_the_workbook_writes_a_month_as_text_not_as_a_first_day():
    from reportgen.unit_book import cell_value

    kind = L.kind_of(m.Activity.model_fields["date"].annotation)
    assert kind.partial
    assert cell_value(kind, dates.month(2024, 8)) == "2024年8月"
    assert cell_value(kind, dates.year(2023)) == "2023年"
    assert not L.kind_of(m.Signature.model_fields["date"].annotation).partial


def test_the_web_form_shows_and_reads_months_and_years():
    field = F.FIELDS["activities.*.date"]
    assert field.widget == "text"  # a date picker could not hold 2024-08
    assert F.shown(field, dates.month(2024, 8)) == "2024-08" and F.shown(field, dates.year(2023)) == "2023"
    assert F.typed(field, "2023") == 2023 and F.typed(field, "2024-08") == "2024-08"
    assert F.typed(field, "2024-06-05") == dt.date(2024, 6, 5)
    assert F.FIELDS["signature.date"].widget == "date"


def test_yaml_months_and_years_load(tmp_path: Path):
    source = tmp_path / "r.yaml"
    source.write_text(
        "unit: {name: 槐荫社区, type: 社区}\nperiod: {year: 2024}\n"
        "leadership: {leader: {role: 党委书记}, established: 2023}\n"
        "activities:\n  - {theme: 环境卫生, title: 清扫, date: 2024-08}\n",
        encoding="utf-8",
    )
    report, _ = load_report(source)
    assert report.activities[0].date == dates.month(2024, 8) and report.leadership.established == dates.year(2023)


def test_from_a_month_on_counts_from_its_first_day():
    def report(times: int) -> m.Report:
        return _report(activities=[m.Activity(theme="志愿服务", title="敬老志愿服务", date="2024-08",
                                              recurrence="每月两次", times=times)])
    assert _errors(report(10)) == []  # 8月至12月: 5 months, twice a month
    assert [p for p, _ in _errors(report(11))] == [("activities", 0, "times")]
    assert "从8月1日到12月31日最多10次" in _errors(report(11))[0][1]
    assert "自8月份起" in markdown.render(compose(report(10), pack=PACK))
