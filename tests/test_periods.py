"""Period kinds: how each is named (title, opening, 现将…, outlook) and what its rules refuse.

The phrasing tests are tables, one row per kind: adding a kind means adding a row, and a row that
changes shows exactly which wording moved.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import re
from pathlib import Path

import pytest

from reportgen import lint, periods, rules
from reportgen.compose import compose, load_pack
from reportgen.document import Paragraph
from reportgen.loaders import load_report
from reportgen.model import CLOSED_PERIODS, Period, Report
from reportgen.writers import markdown

ROOT = Path(__file__).resolve().parent.parent
PACK = load_pack()

# ---------------------------------------------------------------- the words of each kind

#: period fields → name, title part, 阶段性, lead, 现将 part, outlook, 【期间】, closed
WORDS = [
    ({"type": "全年"}, "2024年度", "2024年度", "", "2024年度", "2024年度", "2025年", "一年来", True),
    ({"type": "上半年"}, "2024年上半年", "2024年上半年", "", "2024年上半年", "2024年上半年", "下半年", "上半年", True),
    ({"type": "下半年"}, "2024年下半年", "2024年下半年", "", "2024年下半年", "2024年下半年", "2025年", "下半年", True),
    ({"type": "季度", "quarter": 1}, "2024年第一季度", "2024年第一季度", "", "2024年第一季度", "2024年第一季度",
     "第二季度", "本季度", True),
    ({"type": "季度", "quarter": 4}, "2024年第四季度", "2024年第四季度", "", "2024年第四季度", "2024年第四季度",
     "2025年", "本季度", True),
    ({"type": "月度", "month": 5}, "2024年5月", "2024年5月", "", "2024年5月", "2024年5月", "6月", "本月", True),
    ({"type": "阶段", "start": "2024-03-01"}, "2024年3月以来", "2024年", "阶段性", "2024年3月以来", "", "下一阶段",
     "这一阶段", False),
    ({"type": "阶段", "start": "2024-03-10"}, "2024年3月10日以来", "2024年", "阶段性", "2024年3月10日以来", "",
     "下一阶段", "这一阶段", False),
    ({"type": "阶段", "start": "2024-03-01", "end": "2024-06-30"}, "2024年3月至6月", "2024年", "阶段性",
     "2024年3月至6月", "", "下一阶段", "这一阶段", False),
    ({"type": "阶段"}, "2024年以来", "2024年", "阶段性", "2024年以来", "", "下一阶段", "这一阶段", False),
    ({"type": "专项", "name": "春节、元宵节期间", "start": "2024-02-01", "end": "2024-02-24"},
     "2024年春节、元宵节期间", "2024年春节、元宵节期间", "", "2024年春节、元宵节期间", "春节、元宵节期间", "下一步",
     "这段时间", False),
    ({"type": "专项", "name": "2024年春节期间", "start": "2024-02-01", "end": "2024-02-24"},
     "2024年春节期间", "2024年春节期间", "", "2024年春节期间", "2024年春节期间", "下一步", "这段时间", False),
    ({"type": "专项", "start": "2024-02-01", "end": "2024-02-24"}, "2024年2月1日至24日", "2024年2月1日至24日", "",
     "2024年2月1日至24日", "2024年2月1日至24日", "下一步", "这段时间", False),
    ({"type": "近年来", "since": 2021}, "2021年以来", "近年来", "", "2021年以来", "", "下一步", "近年来", False),
    ({"type": "近年来", "start": "2022-08-01"}, "2022年8月以来", "近年来", "", "2022年8月以来", "", "下一步",
     "近年来", False),
    ({"type": "多年", "since": 2015}, "2015年以来", "2015年以来", "", "2015年以来", "", "下一步", "多年来", False),
    # period.label, the old way of naming a period, still names it everywhere, and never after 现将 when it is
    # a span of years
    ({"type": "全年", "label": "近年来"}, "近年来", "近年来", "", "近年来", "", "2025年", "一年来", True),
    ({"type": "阶段", "label": "2024年春节、元宵节期间", "start": "2024-02-01", "end": "2024-02-24"},
     "2024年春节、元宵节期间", "2024年春节、元宵节期间", "阶段性", "2024年春节、元宵节期间", "", "下一阶段",
     "这一阶段", False),
]


@pytest.mark.parametrize(("fields", "name", "title", "stage", "lead", "intro", "outlook", "during", "closed"), WORDS,
                         ids=[f"{row[0]['type']}-{i}" for i, row in enumerate(WORDS)])
def test_each_period_kind_has_its_own_words(fields, name, title, stage, lead, intro, outlook, during, closed):
    period = Period.model_validate({"year": 2024, **fields})
    said = periods.words(period)
    # The opening's lead is the period's name; whether a kind is closed is CLOSED_PERIODS.
    assert (said.name, said.title, said.stage, said.name, said.intro, said.outlook, said.during,
            period.type in CLOSED_PERIODS) == (name, title, stage, lead, intro, outlook, during, closed)


@pytest.mark.parametrize(("start", "end", "text"), [
    ("2025-03-01", "2025-06-30", "2025年3月至6月"),
    ("2025-03-01", "2025-03-31", "2025年3月"),
    ("2024-11-01", "2025-02-28", "2024年11月至2025年2月"),
    ("2025-02-01", "2025-02-24", "2025年2月1日至24日"),
    ("2025-01-28", "2025-02-12", "2025年1月28日至2月12日"),
])
def test_a_span_says_whole_months_as_months(start, end, text):
    import datetime as dt
    assert periods.span(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == text


def test_a_span_of_years_starts_on_its_first_year():
    period = Period.model_validate({"year": 2024, "type": "近年来", "since": 2021})
    assert (period.start_date.isoformat(), period.end_date.isoformat()) == ("2021-01-01", "2024-12-31")


# ---------------------------------------------------------------- the composed report

BASE = {
    "kind": "汇报",
    "unit": {"name": "柳湾村", "type": "村"},
    "campaign": {"level": "省级", "kind": "文明村"},
    "activities": [
        {"theme": "环境卫生", "title": "村庄环境卫生集中整治", "kind": "整治", "attendance": 85},
        {"theme": "志愿服务", "title": "学雷锋志愿服务", "kind": "志愿服务", "attendance": 60},
    ],
    "problems": [{"label": "长效机制还不健全"}],
    "plans": [{"label": "抓好迎检准备"}],
}

#: period, 成文日期 → title, opening's first words, 现将 line, the plans' first words
COMPOSED = [
    ({"year": 2024, "type": "全年"}, "2025-01-06", "柳湾村2024年度创建省级文明村工作汇报", "2024年度，",
     "现将2024年度创建省级文明村工作情况汇报如下：", "2025年，"),
    ({"year": 2024, "type": "季度", "quarter": 3}, "2024-10-08", "柳湾村2024年第三季度创建省级文明村工作汇报",
     "2024年第三季度，", "现将2024年第三季度创建省级文明村工作情况汇报如下：", "第四季度，"),
    ({"year": 2025, "type": "阶段", "start": "2025-03-01"}, "2025-06-20", "柳湾村2025年创建省级文明村工作阶段性汇报",
     "2025年3月以来，", "现将创建省级文明村阶段性工作情况汇报如下：", "下一阶段，"),
    ({"year": 2025, "type": "专项", "name": "春节、元宵节期间", "start": "2025-02-01", "end": "2025-02-24"},
     "2025-02-26", "柳湾村2025年春节、元宵节期间创建省级文明村工作汇报", "2025年春节、元宵节期间，",
     "现将春节、元宵节期间创建省级文明村工作情况汇报如下：", "下一步，"),
    ({"year": 2024, "type": "近年来", "since": 2021}, "2024-11-10", "柳湾村近年来创建省级文明村工作汇报",
     "2021年以来，", "现将创建省级文明村工作情况汇报如下：", "下一步，"),
    ({"year": 2024, "label": "近年来"}, "2024-12-30", "柳湾村近年来创建省级文明村工作汇报", "近年来，",
     "现将创建省级文明村工作情况汇报如下：", "2025年，"),
]


def _build(period: dict, signed: str):
    data = copy.deepcopy(BASE)
    data.update(period=period, signature={"date": signed})
    report = Report.model_validate(data)
    return report, compose(report, pack=PACK)


@pytest.mark.parametrize(("period", "signed", "title", "lead", "intro", "outlook"), COMPOSED,
                         ids=[row[0].get("label") or row[0]["type"] for row in COMPOSED])
def test_each_kind_reads_as_its_own_report(period, signed, title, lead, intro, outlook):
    report, document = _build(period, signed)
    text = markdown.render(document)
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert document.title == title
    assert paragraphs[0].startswith(lead) and paragraphs[0].endswith(intro)
    assert any(p.startswith(outlook) for p in paragraphs)
    assert "近年来以来" not in text and "以来以来" not in text and "现将近年来" not in text
    assert rules.check(report) == [] and lint.check(document) == []


def test_the_opening_does_not_name_the_same_span_twice():
    _, document = _build({"year": 2024, "type": "近年来", "since": 2021}, "2024-11-10")
    opening = next(b.text for b in document.blocks if isinstance(b, Paragraph))
    assert opening.count("2021年以来") == 1 and "几年来，柳湾村" not in opening and "几年来，我村开展" in opening


# ---------------------------------------------------------------- rules

RULE_BASE = {"unit": {"name": "柳湾村", "type": "村"}}


def check(period: dict, signed: str | None = "2025-01-06") -> list[tuple]:
    data = {**copy.deepcopy(RULE_BASE), "period": period}
    if signed:
        data["signature"] = {"date": signed}
    return [r for r in rules.check(Report.model_validate(data)) if r[0][0] in ("period", "signature")]


@pytest.mark.parametrize(("period", "signed", "found"), [
    ({"year": 2024, "type": "季度"}, "2025-01-06",
     [(("period", "quarter"), "期间类型为季度：请填写 quarter（1–4），如第三季度填 3", "error")]),
    ({"year": 2024, "type": "月度"}, "2025-01-06", [(("period", "month"), "期间类型为月度：请填写 month（1–12）", "error")]),
    ({"year": 2025, "type": "阶段"}, "2025-06-20",
     [(("period", "start"), "阶段汇报没有起始日期：正文只能写“2025年以来”；请填写这一阶段的起始日期 start"
                            "（如 2025-03-01，写作“2025年3月以来”）", "warning")]),
    ({"year": 2025, "type": "专项", "start": "2025-02-01", "end": "2025-02-24"}, "2025-02-26",
     [(("period", "name"), "专项期间没有名称：请填写 name，如“春节、元宵节期间”", "error")]),
    ({"year": 2025, "type": "专项", "name": "春节期间"}, "2025-02-26",
     [(("period", "start"), "专项期间没有起始日期：请填写 start（如 2025-02-01）", "error"),
      (("period", "end"), "专项期间没有截止日期：请填写 end（如 2025-02-01）", "error")]),
    ({"year": 2025, "type": "阶段", "start": "2025-02-01", "name": "春节期间"}, "2025-02-26",
     [(("period", "name"), "期间名称“春节期间”只用于专项期间：节日、专项行动的报告请把期间类型改为“专项”，否则删去 name",
       "error")]),
    ({"year": 2024, "type": "近年来"}, "2024-11-10",
     [(("period", "since"), "期间类型为近年来：请填写起始年份 since（如 2021，正文写作“2021年以来”）", "error")]),
    ({"year": 2024, "type": "近年来", "since": 2025}, "2024-11-10",
     [(("period", "since"), "起始年份 2025 晚于年度 2024：请核对", "error")]),
    ({"year": 2024, "type": "近年来", "since": 2021, "start": "2022-03-01"}, "2024-11-10",
     [(("period", "since"), "起始年份 2021 与起始日期 2022年3月1日 不一致：两者留一个即可", "error")]),
    ({"year": 2024, "type": "全年", "since": 2021}, "2025-01-06",
     [(("period", "since"), "起始年份只用于近年来或多年的汇报：写几年来的工作请把期间类型改为“近年来”，否则删去 since",
       "error")]),
])
def test_each_kind_asks_for_the_fields_it_is_named_by(period, signed, found):
    assert check(period, signed) == found


@pytest.mark.parametrize(("period", "signed"), [
    ({"year": 2024, "type": "全年"}, "2024-12-27"),  # a 年终总结 signed in late December
    ({"year": 2024, "type": "全年"}, "2025-01-06"),
    ({"year": 2024, "type": "上半年", "as_of": "2024-05-31"}, "2024-06-03"),
    ({"year": 2024, "type": "季度", "quarter": 3}, "2024-09-26"),
    ({"year": 2025, "type": "阶段", "start": "2025-03-01"}, "2025-06-20"),  # a stage is reported on while it runs
    ({"year": 2025, "type": "阶段", "start": "2025-03-01", "end": "2025-12-31"}, "2025-06-20"),
    ({"year": 2025, "type": "专项", "name": "春节、元宵节期间", "start": "2025-02-01", "end": "2025-02-24"}, "2025-02-10"),
    ({"year": 2024, "type": "近年来", "since": 2021}, "2024-05-10"),
])
def test_signature_dates_each_kind_allows(period, signed):
    assert check(period, signed) == []


@pytest.mark.parametrize(("period", "signed", "found"), [
    ({"year": 2024, "type": "全年"}, "2024-09-20",
     "成文日期2024年9月20日早于本期的最后一个月（2024年12月）：全年的总结应在期末成文；写到目前为止的情况，"
     "请把期间类型改为“阶段”并填写起始日期 start，否则请核对成文日期"),
    ({"year": 2024, "type": "季度", "quarter": 3}, "2024-08-20",
     "成文日期2024年8月20日早于本期的最后一个月（2024年9月）：季度的总结应在期末成文；写到目前为止的情况，"
     "请把期间类型改为“阶段”并填写起始日期 start，否则请核对成文日期"),
    ({"year": 2024, "type": "上半年", "as_of": "2024-06-20"}, "2024-06-15",
     "成文日期2024年6月15日早于数据截至日期2024年6月20日：请核对两个日期"),
    ({"year": 2025, "type": "专项", "name": "春节期间", "start": "2025-02-01", "end": "2025-02-24"}, "2025-01-20",
     "成文日期早于本期开始：请核对"),
    ({"year": 2024, "type": "近年来", "since": 2021}, "2020-12-01", "成文日期早于本期开始：请核对"),
])
def test_signature_dates_each_kind_refuses(period, signed, found):
    assert check(period, signed) == [(("signature", "date"), found, "error")]


# ---------------------------------------------------------------- examples and the starter

NEW_EXAMPLES = ["xian-2025-jieduan.yaml", "jiedao-2025-jidu.yaml"]


@pytest.mark.parametrize("name", NEW_EXAMPLES)
def test_period_examples_build_lint_clean(name, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from reportgen.launch import main; sys.argv[0] = 'reportgen'; main()",
         "build", str(ROOT / "examples" / name), "-o", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "提示" not in result.stdout + result.stderr
    stem = name.removesuffix(".yaml")
    assert {p.name for p in tmp_path.iterdir()} >= {f"{stem}.md", f"{stem}.docx", f"{stem}.xlsx"}


def test_the_stage_example_reads_as_a_stage_report_without_figures():
    report, warnings = load_report(ROOT / "examples" / "xian-2025-jieduan.yaml")
    document = compose(report, pack=PACK)
    text = markdown.render(document)
    assert warnings == [] and rules.check(report) == []
    assert report.period.type == "阶段" and not report.metrics
    assert "阶段性汇报" in document.title and "年度" not in document.title
    assert "下一阶段，" in text and "一年来" not in text
    assert lint.check(document) == []


def test_the_quarterly_example_looks_to_the_next_quarter():
    report, _ = load_report(ROOT / "examples" / "jiedao-2025-jidu.yaml")
    document = compose(report, pack=PACK)
    text = markdown.render(document)
    assert report.period.type == "季度" and report.unit.type == "街道"
    assert document.title.startswith(f"{report.unit.name}2025年第{'一二三四'[report.period.quarter - 1]}季度")
    assert f"第{'一二三四'[report.period.quarter]}季度，" in text and "比上年同期" in text
    assert lint.check(document) == []


def _starter_alternatives(text: str) -> dict[str, dict[str, str]]:
    """The commented period groups of the starter: 【季度】 followed by its ``# key: value`` lines."""
    groups: dict[str, dict[str, str]] = {}
    current = None
    for line in text[text.index("\nperiod:"):text.index("\ncampaign:")].splitlines():
        stripped = line.strip()
        if stripped.startswith("# 【"):
            current = stripped[3:stripped.index("】")]
            groups[current] = {}
        elif current and stripped.startswith("# ") and ": " in stripped and " #" not in stripped:
            key, value = stripped[2:].split(": ", 1)
            groups[current][key] = value
    return groups


def test_the_starter_shows_every_new_kind_and_each_alternative_is_valid():
    from reportgen import starter
    from reportgen.loaders.yaml_loader import load_yaml

    text = starter.yaml_text("街道", year=2025)
    groups = _starter_alternatives(text)
    assert set(groups) == {"季度", "阶段", "专项", "近年来"}
    for kind in ("全年", "上半年", "下半年", "季度", "月度", "阶段", "专项", "近年来", "多年"):
        assert kind in text[text.index("\nperiod:"):text.index("\ncampaign:")]
    for kind, fields in groups.items():
        assert fields["type"] == kind
        lines = [f"  {key}: {value}" for key, value in fields.items()]
        chosen = text.replace("  type: 全年 ", "\n".join(lines) + "\n  # ", 1)
        data, _ = load_yaml(Path("s.yaml"), text=chosen)
        report = Report.model_validate(data)  # the sample activities' dates fit a 全年 only
        assert report.period.type == kind
        assert [r for r in rules.check(report) if r[0][0] == "period"] == []
        assert "以来以来" not in periods.words(report.period).name


def test_a_period_rule_names_the_file_and_line(tmp_path, monkeypatch):
    from reportgen.errors import InputError

    monkeypatch.chdir(tmp_path)
    Path("q.yaml").write_text(
        "unit: {name: 柳湾村, type: 村}\n"
        "period:\n"
        "  year: 2025\n"
        "  type: 季度\n"
        "signature: {date: 2025-07-03}\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_report(Path("q.yaml"))
    # the period's first line; and no second message about a 成文日期 measured against a made-up end
    assert str(raised.value) == "q.yaml:3:3 period.quarter：期间类型为季度：请填写 quarter（1–4），如第三季度填 3"


@pytest.mark.parametrize("period", [
    {"year": 2025, "type": "专项", "name": "春节、元宵节期间", "start": "2025-02-01", "end": "2025-02-24"},
    {"year": 2024, "type": "近年来", "since": 2021},
    {"year": 2025, "type": "阶段", "start": "2025-03-01"},
], ids=lambda p: p["type"])
def test_each_kind_is_typed_in_the_workbook_and_read_back(period, tmp_path):
    from reportgen.pipeline import render_workbook

    signed = {"专项": "2025-02-26", "近年来": "2024-11-10", "阶段": "2025-06-20"}[period["type"]]
    report = Report.model_validate({**RULE_BASE, "period": period, "signature": {"date": signed}})
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    loaded, warnings = load_report(path)
    assert loaded.period == report.period and warnings == []


@pytest.mark.parametrize(("period", "signed", "last"), [
    ({"type": "全年"}, "2025-01-06", "2024-12-31"),
    ({"type": "季度", "quarter": 2}, "2024-07-03", "2024-06-30"),
    ({"type": "阶段", "start": "2024-03-01"}, "2024-06-16", "2024-06-16"),  # a running stage reaches its report
    ({"type": "阶段", "start": "2024-03-01", "as_of": "2024-06-10"}, "2024-06-16", "2024-06-10"),
    ({"type": "阶段", "start": "2024-03-01", "end": "2024-05-31"}, "2024-06-16", "2024-05-31"),
    ({"type": "近年来", "since": 2021}, "2024-11-10", "2024-11-10"),
    ({"type": "近年来", "since": 2021}, None, "2024-12-31"),
])
def test_the_workbook_span_of_a_running_period_ends_where_the_report_does(period, signed, last):
    import datetime as dt
    day = dt.date.fromisoformat(signed) if signed else None
    assert periods.reach(Period.model_validate({"year": 2024, **period}), day).isoformat() == last


def test_the_stage_example_workbook_does_not_reach_the_end_of_the_year(tmp_path):
    from openpyxl import load_workbook

    from reportgen.pipeline import render_workbook

    report, _ = load_report(ROOT / "examples" / "xian-2025-jieduan.yaml")
    path = tmp_path / "x.xlsx"
    path.write_bytes(render_workbook(report))
    cells = [str(c.value) for row in load_workbook(path)["汇总"].iter_rows() for c in row if c.value]
    assert "2025年3月1日至2025年6月16日（2025年3月以来）" in cells


def test_the_fill_in_workbook_asks_for_each_kinds_fields(tmp_path):
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from reportgen.cli import app

    result = CliRunner().invoke(app, ["init", "--type", "街道", "--xlsx", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    cells = {str(c.value) for ws in load_workbook(tmp_path / "t.xlsx") for row in ws.iter_rows() for c in row if c.value}
    assert {"专项名称", "起始年份", "起始日期", "季度"} <= cells
    assert any("专项" in c and "近年来" in c for c in cells)  # the 期间类型 hint or its dropdown


def test_a_report_over_several_years_names_the_year_of_every_date():
    """“9月16日” in a 2021年以来 report could be any of four years: each date carries its year."""
    from reportgen.compose import compose, load_pack
    from reportgen.loaders import load
    from reportgen.writers import markdown

    for name in ("cun-2024-wenmingcun.yaml", "xian-2024-chuangwei.yaml"):
        loaded = load(ROOT / "examples" / name)
        assert loaded.report.period.start_date.year < loaded.report.period.end_date.year
        body = markdown.render(compose(loaded.report, pack=load_pack(), source=loaded.source)).split("附件")[0]
        days = re.findall(r"(.{0,5})(?<![0-9])\d{1,2}月\d{1,2}日", body)
        assert days, name
        assert all(re.search(r"\d{4}年$|至$", before) for before in days), (name, days)
