"""Facts as clerks have them: quantities (每户1000元, 300元、200元不等, 慰问11人共13200元), leading groups
without a named 组长 or with posts of their own (政委, 总指挥, 办公室主任由副组长兼任), the unit's own documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from reportgen import lint, rules, zh
from reportgen import model as m
from reportgen.compose import compose, load_pack
from reportgen.figures import tally
from reportgen.loaders.xlsx_loader import load_xlsx, split_numbers
from reportgen.pipeline import render_workbook
from reportgen.writers import markdown

PACK = load_pack()
D = Decimal


def _report(**fields) -> m.Report:
    return m.Report(**{"unit": m.Unit(name="槐荫社区", type="社区"), "period": m.Period(year=2024), **fields})


def _text(report: m.Report) -> str:
    document = compose(report, pack=PACK)
    assert lint.check(document) == []
    return markdown.render(document)


def _errors(report: m.Report) -> list[tuple]:
    return [(path, text) for path, text, severity in rules.check(report) if severity == "error"]


def _visit(*quantities: m.Quantity) -> m.Activity:
    return m.Activity(theme="民生服务", title="春节走访困难家庭", kind="慰问", quantities=list(quantities))


# ---------------------------------------------------------------- quantities


def test_an_amount_per_household_a_spread_and_a_count_with_its_money():
    assert zh.qty(D(1000), "元", label="慰问金", per="户") == "慰问金每户1000元"
    assert zh.qty(D(300), "元", label="慰问金", per="户", others=[D(200)]) == "慰问金每户300元、200元不等"
    assert zh.qty(11, "人", label="困难群众", verb="慰问") == "慰问困难群众11人"
    text = _text(_report(activities=[_visit(
        m.Quantity(verb="慰问", label="困难群众", value=11, unit="人", money=13200, money_label="慰问金"),
        m.Quantity(label="米面油", value=2, unit="份", per="户"),
        m.Quantity(label="节日补助", value=300, unit="元", per="人", others=[200, 100]),
    )]))
    assert "慰问困难群众11人，慰问金共13200元，米面油每户2份，节日补助每人300元、200元、100元不等" in text


def test_exact_money_keeps_its_form():
    assert "共13200元" in zh.qty(D(13200), "元", agg="共") and "1.32万" not in zh.qty(D(13200), "元", agg="共")


def test_per_recipient_figures_are_never_added_into_a_total():
    report = _report(activities=[
        _visit(m.Quantity(label="慰问品", value=2, unit="份", per="户")),
        _visit(m.Quantity(label="慰问品", value=30, unit="份")),
        _visit(m.Quantity(label="慰问品", value=20, unit="份")),
    ])
    [total] = tally(report, [0, 1, 2])["quantities"]
    assert total["total"].value == 50  # 30 + 20; the 每户2份 is not a count of things


@pytest.mark.parametrize(
    ("quantity", "field", "says"),
    [
        (m.Quantity(label="慰问金", value=1000, unit="元", per="户", agg="共"), "agg", "不是合计"),
        (m.Quantity(label="慰问金", value=300, unit="元", others=[200], approx="约"), "approx", "约数说法"),
        (m.Quantity(label="慰问金", value=300, unit="元", others=[300]), "others", "只填与数值不同的数"),
        (m.Quantity(label="慰问金", value=300, unit="元", money=300), "money", "已是金额"),
        (m.Quantity(label="困难群众", value=11, unit="人", money_label="慰问金"), "money_label", "没有金额"),
    ],
)
def test_rules_say_how_to_fix_a_quantity(quantity, field, says):
    [(path, text)] = _errors(_report(activities=[_visit(quantity)]))
    assert path == ("activities", 0, "quantities", 0, field) and says in text


def test_the_new_quantity_fields_survive_the_workbook(tmp_path: Path):
    report = _report(activities=[_visit(
        m.Quantity(verb="慰问", label="困难群众", value=11, unit="人", money=13200, money_label="慰问金"),
        m.Quantity(label="节日补助", value=300, unit="元", per="人", others=[200, D("150.5")]),
    )])
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    assert m.Report.model_validate(load_xlsx(path)[0]).model_dump() == report.model_dump()


@pytest.mark.parametrize(("cell", "numbers"), [("200、100", ["200", "100"]), ("200，100", ["200", "100"]),
                                               ("1,200、800", ["1,200", "800"]), (200, ["200"])])
def test_the_workbook_reads_a_spread_typed_in_one_cell(cell, numbers):
    assert split_numbers(cell) == numbers
    assert m.Quantity(label="补助", value=1, unit="元", others=[D(s.replace(",", "")) for s in numbers]).others


# ---------------------------------------------------------------- leading group


def test_a_group_with_no_named_leader_names_whom_it_has():
    text = _text(_report(leadership=m.LeadershipGroup(
        name="春节慰问工作领导小组", deputies=[m.Person(role="社区党委书记", name="张华")], members="各网格员")))
    assert "春节慰问工作领导小组由社区党委书记张华任副组长，成员包括各网格员。" in text
    assert "任组长" not in text


def test_posts_other_than_leader_and_deputy():
    text = _text(_report(leadership=m.LeadershipGroup(
        name="创建工作指挥部",
        leader=m.Person(role="街道党工委书记", name="赵立", post="总指挥"),
        deputies=[m.Person(role="街道办主任", name="钱明", post="副总指挥"), m.Person(role="社区主任", name="孙燕")],
        others=[m.Person(role="派出所所长", name="李强", post="政委")],
    )))
    assert ("创建工作指挥部由街道党工委书记赵立任总指挥，街道办主任钱明任副总指挥，社区主任孙燕任副组长，"
            "派出所所长李强任政委。") in text


def test_another_post_without_its_name_is_refused():
    report = _report(leadership=m.LeadershipGroup(others=[m.Person(role="派出所所长")]))
    [(path, text)] = _errors(report)
    assert path == ("leadership", "others", 0, "post") and "请填写 post" in text


@pytest.mark.parametrize(
    ("group", "sentence"),
    [
        (m.LeadershipGroup(leader=m.Person(role="党委书记"), office_head_from="副组长"),
         "领导小组下设办公室，办公室主任由副组长兼任。"),
        (m.LeadershipGroup(leader=m.Person(role="党委书记"), office="党政办", office_head_from="副组长"),
         "领导小组办公室设在党政办，办公室主任由副组长兼任。"),
        (m.LeadershipGroup(leader=m.Person(role="党委书记"),
                           office_head=m.Person(role="社区副主任", name="王芳", post="副组长")),
         "领导小组下设办公室，由副组长、社区副主任王芳兼任办公室主任。"),
        (m.LeadershipGroup(leader=m.Person(role="党委书记"), office_head=m.Person(role="社区副主任", name="王芳")),
         "领导小组办公室由社区副主任王芳任办公室主任。"),
    ],
)
def test_the_office_head_being_a_deputy_is_said_even_without_an_office(group, sentence):
    assert sentence in _text(_report(leadership=group))


def test_two_answers_to_who_heads_the_office_must_agree():
    report = _report(leadership=m.LeadershipGroup(
        leader=m.Person(role="党委书记"), office_head_from="副组长",
        office_head=m.Person(role="社区副主任", post="成员")))
    assert [p for p, _ in _errors(report)] == [("leadership", "office_head_from")]


def test_an_empty_group_is_refused_rather_than_dropped():
    with pytest.raises(ValidationError) as caught:
        m.LeadershipGroup()
    assert "请至少填写名称、组长、副组长或成员" in str(caught.value)


def test_other_posts_survive_the_workbook(tmp_path: Path):
    report = _report(leadership=m.LeadershipGroup(
        name="创建工作指挥部", leader=m.Person(role="街道党工委书记", post="总指挥"),
        others=[m.Person(role="派出所所长", name="李强", post="政委")], office_head_from="副总指挥"))
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    assert m.Report.model_validate(load_xlsx(path)[0]).model_dump() == report.model_dump()


# ---------------------------------------------------------------- the unit's own documents


def _documents() -> m.Basis:
    return m.Basis(documents=[
        m.DocRef(title="关于做好春节元宵节期间走访慰问工作的通知", doc_no="街道办〔2024〕5号"),
        m.DocRef(title="槐荫社区春节元宵节走访慰问工作实施方案", own=True, date="2024-01"),
    ])


def test_the_units_own_document_is_made_not_obeyed():
    text = _text(_report(basis=_documents()))
    assert ("我社区按照《关于做好春节元宵节期间走访慰问工作的通知》（街道办〔2024〕5号）的要求，"
            "制定《槐荫社区春节元宵节走访慰问工作实施方案》，围绕") in text
    assert "按照《槐荫社区" not in text


def test_only_own_documents_give_no_依据():
    text = _text(_report(basis=m.Basis(documents=[m.DocRef(title="槐荫社区文明创建实施方案", own=True)])))
    assert "我社区制定《槐荫社区文明创建实施方案》，围绕" in text and "按照" not in text


def test_a_document_issued_after_the_report_is_refused():
    report = _report(basis=_documents(), signature=m.Signature(date="2023-12-28"),
                     period=m.Period(year=2023))
    assert [p for p, _ in _errors(report)] == [("basis", "documents", 1, "date")]


def test_own_documents_survive_the_workbook(tmp_path: Path):
    report = _report(basis=_documents())
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    back = m.Report.model_validate(load_xlsx(path)[0])
    assert [d.own for d in back.basis.documents] == [False, True]
    assert back.model_dump() == report.model_dump()


def test_a_group_that_is_not_a_领导小组_keeps_its_own_name_for_its_office():
    text = _text(_report(leadership=m.LeadershipGroup(
        name="节日活动工作专班", leader=m.Person(role="社区党委书记", post="召集人"), office_head_from="副召集人")))
    assert "节日活动工作专班由社区党委书记任召集人。下设办公室，办公室主任由副召集人兼任。" in text
    assert "领导小组" not in text


def test_meetings_of_a_group_that_is_not_a_领导小组_are_its_own():
    text = _text(_report(leadership=m.LeadershipGroup(name="创建工作指挥部", meetings=3)))
    assert "成立创建工作指挥部。2024年度，创建工作指挥部共召开会议3次。" in text


def test_the_readme_command_post_example_reads_as_promised():
    text = _text(_report(leadership=m.LeadershipGroup(
        name="创建工作指挥部", leader=m.Person(role="街道党工委书记", name="赵立", post="总指挥"),
        deputies=[m.Person(role="街道办主任", name="钱明", post="副总指挥")],
        others=[m.Person(role="派出所所长", name="李强", post="政委")], office_head_from="副总指挥")))
    assert ("创建工作指挥部由街道党工委书记赵立任总指挥，街道办主任钱明任副总指挥，派出所所长李强任政委。"
            "下设办公室，办公室主任由副总指挥兼任。") in text


def test_an_office_head_named_and_said_to_be_a_deputy():
    text = _text(_report(leadership=m.LeadershipGroup(
        leader=m.Person(role="党委书记"), office_head_from="副组长",
        office_head=m.Person(role="社区副主任", name="王芳"))))
    assert "领导小组下设办公室，由副组长、社区副主任王芳兼任办公室主任。" in text


def test_a_spread_cell_with_thousands_marks_is_read_as_numbers():
    from reportgen import workbook_layout as L
    from reportgen.loaders.xlsx_loader import convert

    kind = L.kind_of(m.Quantity.model_fields["others"].annotation)
    assert kind.name == "numberlist"
    assert convert(kind, "1,200、800") == [D(1200), D(800)]
    assert convert(kind, "300，200") == [D(300), D(200)]


@pytest.mark.parametrize(("typed", "per"), [("300元、200元不等", "人"), ("每人300元、200元不等", "人")])
def test_a_spread_typed_in_the_value_cell_is_split(tmp_path: Path, typed, per):
    import openpyxl

    report = _report(activities=[_visit(m.Quantity(label="节日补助", value=1, unit="元", per="人" if typed[0] != "每" else None))])
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    book = openpyxl.load_workbook(path)
    sheet = book["数量明细"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "*数值" for c in row))
    cell = next(c for c in header if c.value == "*数值")
    sheet.cell(row=cell.row + 1, column=cell.column).value = typed
    book.save(path)
    [quantity] = m.Report.model_validate(load_xlsx(path)[0]).activities[0].quantities
    assert (quantity.value, quantity.others, quantity.unit, quantity.per) == (300, [200], "元", per)


def test_an_amount_per_household_typed_in_the_value_cell(tmp_path: Path):
    from reportgen.loaders.xlsx_loader import _per

    assert _per("每户1000元") == ("户", "1000元") and _per("每人约50元") == ("人", "约50元")
    assert _per("1000元") == (None, "1000元") and _per("每月两次") == (None, "每月两次")


@pytest.mark.parametrize("unit_type", ["社区", "镇", "局"])
def test_the_starter_file_shows_the_new_shapes_and_they_work_when_uncommented(unit_type, tmp_path: Path):
    import re

    from reportgen.loaders import load_report
    from reportgen.starter import yaml_text

    text = yaml_text(unit_type, 2024)
    assert "own: true" in text and "office_head_from: 副组长" in text and "post: 政委" in text
    assert "只知道月份写 2024-02" in text
    # uncommenting the shown lines gives a file that still validates, and the text says what they mean
    opened = re.sub(r"^(\s*)# (- title: 本单位|  own: true|office_head_from|others)", r"\1\2", text, flags=re.M)
    source = tmp_path / "r.yaml"
    source.write_text(opened, encoding="utf-8")
    report, _ = load_report(source)
    assert report.leadership.office_head_from == "副组长" and report.leadership.others[0].post == "政委"
    assert [d.own for d in report.basis.documents] == [False, True]
