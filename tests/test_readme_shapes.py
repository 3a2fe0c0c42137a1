"""The README's table of real-life data shapes holds: each row's input, laid over a small report,
validates and gives the wording the row promises.

Each case quotes its row's input exactly as the README prints it, so the table cannot drift from what
the program does (a test fails if the README row changes and this case does not, or the reverse).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reportgen.compose import compose, load_pack
from reportgen.loaders import validate_data
from reportgen.loaders.yaml_loader import load_yaml, overlay
from reportgen.writers import markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACK = load_pack()

BASE = """
unit: {name: 青枫市东湖区柳荫街道竹园社区, type: 社区}
period: {year: 2024, type: 全年}
activities:
  - {theme: 环境卫生, title: 小区环境卫生大扫除, kind: 整治, attendance: 85}
metrics:
  - {label: 注册志愿者, theme: 志愿服务, value: 420, unit: 人, target: 400}
"""

#: (the input as the README's table prints it, YAML to lay over the base report, words the text must hold)
CASES = [
    ("`period: {year: 2025, type: 阶段, start: 2025-03-01}`", "period: {year: 2025, type: 阶段, start: 2025-03-01}",
     ["工作阶段性总结", "2025年3月以来"]),
    ("`period: {year: 2024, type: 专项, name: 春节、元宵节期间, start: 2024-02-01, end: 2024-02-24}`",
     "period: {year: 2024, type: 专项, name: 春节、元宵节期间, start: 2024-02-01, end: 2024-02-24}",
     ["2024年春节、元宵节期间，"]),
    ("`period: {year: 2024, type: 近年来, since: 2021}`", "period: {year: 2024, type: 近年来, since: 2021}",
     ["近年来", "2021年以来"]),
    ("`period: {year: 2025, type: 季度, quarter: 2}`",
     "{period: {year: 2025, type: 季度, quarter: 2}, plans: [{label: 加大宣传投入}]}",
     ["2025年第二季度", "第三季度，"]),
    ("`campaign: {kind: 文明城市, region: 陕西省, edition: 4, also: [国家卫生城市]}`",
     "campaign: {kind: 文明城市, region: 陕西省, edition: 4, also: [国家卫生城市]}",
     ["创建第四届陕西省文明城市和国家卫生城市"]),
    ("`before: 4, before_unit: 处, before_when: 创建前`",
     "metrics: [{label: 太阳能路灯, theme: 基础设施, value: 58, unit: 盏, before: 4, before_unit: 处, before_when: 创建前}]",
     ["太阳能路灯由创建前的4处增加到58盏"]),
    ("`standard: 9, standard_source: 省级卫生县城标准`",
     "metrics: [{label: 人均公园绿地面积, theme: 基础设施, value: 12.6, unit: 平方米, standard: 9,"
     " standard_source: 省级卫生县城标准}]",
     ["人均公园绿地面积标准为9平方米，实际为12.6平方米"]),
    ("`parts_partial: true`",
     "metrics: [{label: 村集体林地, theme: 环境卫生, value: 1560, unit: 亩, parts_partial: true,"
     " parts: [{label: 经济林, value: 820}, {label: 生态公益林, value: 430}]}]",
     ["村集体林地1560亩，其中经济林820亩、生态公益林430亩等"]),
    ("只填 `target`", "metrics: [{label: 县级健康教育基地, theme: 宣传发动, unit: 个, target: 3}]",
     ["县级健康教育基地目标为3个"]),
    ("`results: [{text: 通过省级技术评估, date: 2024-10-24}]`",
     "results: [{text: 通过省级技术评估, date: 2024-10-24}]", ["10月24日，通过省级技术评估。"]),
    ("`unit.profile.figures: [{label: 社区工作人员, value: 11, unit: 名}]`",
     "unit: {name: 青枫市东湖区柳荫街道竹园社区, type: 社区, profile: {figures: [{label: 社区工作人员, value: 11, unit: 名}]}}",
     ["社区工作人员11名"]),
]


def _compose(update: str) -> str:
    base = yaml.safe_load(BASE)
    text = yaml.safe_dump(overlay(base, yaml.safe_load(update)), allow_unicode=True, sort_keys=False)
    data, source = load_yaml(Path("readme.yaml"), text=text)
    report, _ = validate_data(data, source)
    return markdown.render(compose(report, pack=PACK, source=source)).replace("\n", "")


@pytest.mark.parametrize(("shown", "update", "words"), CASES, ids=[c[2][0] for c in CASES])
def test_each_row_of_the_readme_table_holds(shown: str, update: str, words: list[str]):
    assert shown in README, f"the README's table no longer shows {shown}"
    text = _compose(update)
    for word in words:
        assert word in text, f"{shown}: “{word}” not in the report"
