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
    ("数量加 `per: 户`；`others: [200]`",
     "activities: [{theme: 民生服务, title: 春节走访慰问困难家庭, kind: 慰问, quantities: ["
     "{label: 慰问金, value: 1000, unit: 元, per: 户}, {label: 节日补助, value: 300, unit: 元, per: 人, others: [200]}]}]",
     ["慰问金每户1000元", "每人300元、200元不等"]),
    ("数量加 `verb: 慰问, money: 13200, money_label: 慰问金`",
     "activities: [{theme: 民生服务, title: 走访慰问困难党员, kind: 慰问, quantities: ["
     "{verb: 慰问, label: 困难党员, value: 11, unit: 人, money: 13200, money_label: 慰问金}]}]",
     ["慰问困难党员11人，慰问金共13200元"]),
    ("活动加 `attendance_approx: 多`、`spend_approx: 多`",
     "activities: [{theme: 环境卫生, title: 背街小巷集中清扫, kind: 整治, attendance: 100, attendance_unit: 人,"
     " attendance_approx: 多, spend: 400000, spend_approx: 多}]",
     ["100多人", "投入经费40多万元"]),
    ("`date: 2024-08`，`established: 2023`",
     "{activities: [{theme: 环境卫生, title: 背街小巷集中清扫, kind: 整治, date: 2024-08}],"
     " leadership: {leader: {role: 社区党委书记, name: 何静}, established: 2023}}",
     ["8月份，", "于2023年成立"]),
    ("不填 `leader`；人员加 `post: 总指挥`；`others` 列政委等",
     "leadership: {name: 创建工作指挥部, leader: {role: 街道党工委书记, name: 赵立, post: 总指挥},"
     " others: [{role: 派出所所长, name: 李强, post: 政委}]}",
     ["赵立任总指挥", "李强任政委"]),
    ("`office_head_from: 副组长`",
     "leadership: {leader: {role: 社区党委书记, name: 何静}, deputies: [{role: 社区主任, name: 王芳}],"
     " office_head_from: 副组长}",
     ["下设办公室，办公室主任由副组长兼任"]),
    ("文件加 `own: true`", "basis: {documents: [{title: 竹园社区创建工作实施方案, own: true}]}",
     ["制定《竹园社区创建工作实施方案》"]),
    ("`kind: 汇报`，`layout: 专题`，问题加 `theme`",
     "{kind: 汇报, layout: 专题, mechanisms: [{name: 志愿服务积分制度, kind: 制度, theme: 志愿服务}],"
     " problems: [{label: 志愿者队伍不够稳定, theme: 志愿服务}]}",
     ["（一）基本情况", "做法", "存在问题"]),
    ("`requests: [{label: ……, addressee: 县卫生健康局}]`",
     "{kind: 汇报, requests: [{label: 将社区卫生服务站改造列入年度计划, addressee: 区卫生健康委}]}",
     ["意见和建议", "恳请区卫生健康委将社区卫生服务站改造列入年度计划"]),
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
