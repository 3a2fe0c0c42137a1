"""Figure shapes beyond value/target/previous: before → after, standard vs actual, a 其中 list that is only
part of the total, a target with no actual yet, and qualitative results and milestones.

Each shape is checked where it is said (the prose), shown (the attachment table), typed (the workbook)
and checked (the rules), because a shape that only one of them knows comes out wrong in another.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from reportgen import figures, lint, rules
from reportgen import workbook_layout as L
from reportgen.compose import compose, load_pack
from reportgen.document import Paragraph
from reportgen.loaders import load_report
from reportgen.loaders.xlsx_loader import load_xlsx
from reportgen.model import Report
from reportgen.pipeline import render_workbook
from reportgen.rollup import indicator_totals, summarise

PACK = load_pack()
BASE = {
    "unit": {"name": "柳湾镇", "type": "镇"}, "period": {"year": 2024},
    "campaign": {"level": "省级", "kind": "卫生乡镇"}, "signature": {"date": "2024-12-26"},
}


def report(**fields) -> Report:
    data = copy.deepcopy(BASE)
    data.update(fields)
    return Report.model_validate(data)


def metric(label: str, **extra) -> dict:
    return {"label": label, "theme": "环境卫生", **extra}


def text(r: Report) -> str:
    document = compose(r, pack=PACK)
    assert lint.check(document) == []
    return "\n".join(b.text for b in document.blocks if isinstance(b, Paragraph))


def table(r: Report) -> list[dict[str, str]]:
    t = figures.indicator_table(r)
    return [dict(zip((c.name for c in t.columns), row)) for row in t.rows]


def problems(r: Report) -> list[tuple]:
    return [x for x in rules.check(r) if x[0][0] in ("metrics", "results")]


# ---------------------------------------------------------------- before → after


def test_before_and_after_are_said_with_their_own_measure_words():
    r = report(metrics=[metric("路灯", theme="基础设施", value=23, unit="盏", before=2, before_unit="处",
                               before_when="创建前")])
    assert "路灯由创建前的2处增加到23盏" in text(r)
    (row,) = table(r)
    assert (row["指标名称"], row["完成值"], row["完成率"]) == ("路灯（原有2处）", "23", "—")
    assert problems(r) == []


def test_a_fall_is_said_as_a_fall_and_before_is_not_previous():
    r = report(metrics=[metric("暴露垃圾点", value=3, unit="处", before=41, lower_is_better=True)])
    said = text(r)
    assert "暴露垃圾点由41处减少到3处" in said
    assert "同比" not in said and "比上年" not in said  # before is no previous period


def test_before_details_without_before_are_refused():
    r = report(metrics=[metric("路灯", value=23, unit="盏", before_unit="处")])
    ((path, message, severity),) = problems(r)
    assert path == ("metrics", 0, "before") and severity == "error" and "请补填原有数" in message


# ---------------------------------------------------------------- standard vs actual


def test_a_standard_is_set_beside_the_actual_never_as_a_target():
    r = report(metrics=[
        metric("农贸市场公厕面积", value=300, approx="以上", unit="平方米", standard=60, standard_source="卫生乡镇标准"),
    ])
    said = text(r)
    assert "按照卫生乡镇标准，农贸市场公厕面积标准为60平方米，实际为300平方米以上" in said
    assert "完成率" not in said and "目标" not in said and "达标" not in said and "达到目标" not in said
    (row,) = table(r)
    assert (row["指标名称"], row["目标值"], row["完成值"], row["完成率"]) == (
        "农贸市场公厕面积（标准60平方米）", "—", "300以上", "—")
    assert r.metrics[0].met is None and r.metrics[0].completion is None


def test_before_and_standard_add_no_column_so_the_table_fits_a4():
    r = report(metrics=[
        metric("公共厕所", value=96, unit="座", before=41),
        metric("人均公园绿地面积", value=12.6, unit="平方米", standard=9),
    ])
    rows = table(r)
    assert [row["指标名称"] for row in rows] == ["公共厕所（原有41座）", "人均公园绿地面积（标准9平方米）"]
    assert len(rows[0]) == 8


def test_without_a_target_the_achievements_are_not_headed_as_targets():
    """柳湾村 sets no target (its figures are counts, 原有数 and a partial 其中): its achievements part
    was headed 目标完成情况, one of the pack's headings, before the choice left that one out."""
    from reportgen.document import Heading

    r, _ = load_report(Path(__file__).resolve().parents[1] / "examples" / "cun-2024-wenmingcun.yaml")
    headings = [b.text for b in compose(r, pack=PACK).blocks if isinstance(b, Heading)]
    assert "工作成效" in headings or "主要成效" in headings
    assert not any("目标" in h for h in headings), headings


def test_a_standard_is_not_counted_among_targets_met():
    r = report(metrics=[
        metric("公厕面积", value=300, unit="平方米", standard=60),
        metric("垃圾清运车", value=6, unit="辆", target=5),
    ])
    assert "设定目标的1项指标已达到目标" in text(r)
    assert figures.context(r)["target_count"] == 1


def test_a_target_equal_to_the_standard_is_questioned():
    r = report(metrics=[metric("公厕面积", value=300, unit="平方米", standard=60, target=60)])
    ((path, message, severity),) = problems(r)
    assert path == ("metrics", 0, "target") and severity == "warning" and "不是要完成的目标" in message


# ---------------------------------------------------------------- partial 其中


def test_partial_parts_may_fall_short_of_the_total_and_are_said_with_deng():
    r = report(metrics=[metric("绿化面积", value=1560, unit="亩", parts_partial=True,
                               parts=[{"label": "果树", "value": 600}, {"label": "生态林", "value": 400}])])
    assert problems(r) == []
    assert "绿化面积1560亩，其中果树600亩、生态林400亩等" in text(r)
    assert [row["指标名称"] for row in table(r)] == ["绿化面积", "其中：果树", "其中：生态林"]


def test_partial_parts_may_not_exceed_the_total():
    r = report(metrics=[metric("绿化面积", value=1560, unit="亩", parts_partial=True,
                               parts=[{"label": "果树", "value": 1600}])])
    ((path, message, severity),) = problems(r)
    assert path == ("metrics", 0, "parts") and severity == "error" and "不能大于总数" in message


def test_parts_short_of_the_total_without_the_flag_say_how_to_mark_them_partial():
    r = report(metrics=[metric("绿化面积", value=1560, unit="亩", parts=[{"label": "果树", "value": 600}])])
    ((path, message, _),) = problems(r)
    assert "parts_partial" in message and "其中只列部分" in message


# ---------------------------------------------------------------- a target with no actual yet


def test_a_goal_without_a_value_is_said_as_a_goal_and_left_out_of_counts():
    r = report(metrics=[
        metric("卫生厕所普及率", unit="%", target=95, target_source="卫生乡镇标准"),
        metric("垃圾清运车", value=6, unit="辆", target=5),
    ])
    said = text(r)
    assert "按照卫生乡镇标准，卫生厕所普及率目标为95%" in said
    assert "设定目标的1项指标已达到目标" in said
    first = table(r)[0]
    assert (first["目标值"], first["完成值"], first["完成率"], first["同比"]) == ("95", "—", "—", "—")
    assert problems(r) == []


def test_a_metric_with_neither_value_nor_target_is_refused():
    r = report(metrics=[metric("卫生厕所普及率", unit="%")])
    ((path, message, _),) = problems(r)
    assert path == ("metrics", 0, "value") and "至少填写目标值" in message


def test_a_goal_cannot_carry_figures_that_need_a_value():
    r = report(metrics=[metric("公厕", unit="座", target=4, previous=2)])
    ((path, message, _),) = problems(r)
    assert path == ("metrics", 0, "previous") and "请补填完成值" in message


def test_a_goal_cannot_be_the_base_of_a_share():
    r = report(metrics=[metric("厕所", unit="座", target=40, key="all"), metric("新建厕所", value=6, unit="座", base="all")])
    ((path, message, _),) = problems(r)
    assert path == ("metrics", 1, "base") and "还没有完成值" in message


def test_a_goal_adds_nothing_to_a_rollup(tmp_path: Path):
    units = []
    for name, value in (("柳湾镇", None), ("杏林镇", 8)):
        m = metric("垃圾清运车", unit="辆", target=5, **({"value": value} if value is not None else {}))
        units.append(summarise(report(unit={"name": name, "type": "镇"}, metrics=[m]), tmp_path / f"{name}.yaml"))
    (total,) = indicator_totals(units)
    assert (total.units, total.value, total.target, total.targeted) == (1, 8, 5, 1)
    assert [s.target_count for s in units] == [0, 1]


# ---------------------------------------------------------------- qualitative results and milestones


def test_results_without_a_theme_are_told_among_the_achievements_in_date_order():
    r = report(
        metrics=[metric("垃圾清运车", value=6, unit="辆")],
        results=[{"text": "县文明程度指数排位提升"}, {"text": "通过省级卫生乡镇技术评估", "date": "2024-10-15"},
                 {"text": "完成市级初审", "date": "2024-06-02"}],
    )
    document = compose(r, pack=PACK)
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    said = "\n".join(p.text for p in paragraphs)
    assert "6月2日，完成市级初审。10月15日，通过省级卫生乡镇技术评估。县文明程度指数排位提升。" in said
    cited = {s.text: s.sources for p in paragraphs for s in p.sentences}
    assert any("results" in str(src) for src in cited["县文明程度指数排位提升。"])


def test_a_result_with_a_theme_closes_its_section():
    r = report(results=[{"text": "集镇主街实现垃圾日产日清", "theme": "环境卫生"}])
    assert "集镇主街实现垃圾日产日清。" in text(r)


def test_a_milestone_outside_the_period_is_refused():
    r = report(results=[{"text": "通过省级验收", "date": "2025-03-01"}])
    ((path, message, _),) = problems(r)
    assert path == ("results", 0, "date") and "不在本期" in message


# ---------------------------------------------------------------- the workbook


def test_every_shape_survives_the_workbook(tmp_path: Path):
    r = report(
        metrics=[
            metric("路灯", value=23, unit="盏", before=2, before_unit="处", before_when="创建前"),
            metric("公厕面积", value=300, approx="以上", unit="平方米", standard=60, standard_source="卫生乡镇标准"),
            metric("绿化面积", value=1560, unit="亩", parts_partial=True, parts=[{"label": "果树", "value": 600}]),
            metric("卫生厕所普及率", unit="%", target=95),
        ],
        results=[{"text": "通过省级卫生乡镇技术评估", "date": "2024-10-15", "theme": "测评迎检"}],
    )
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(r))
    data, _ = load_xlsx(path)
    assert Report.model_validate(data).model_dump() == r.model_dump()


def test_a_clerk_types_before_with_its_measure_word_in_one_cell(tmp_path: Path):
    """“2处” typed in 原有数 is the number 2 and the measure word 处, as 完成值 “23盏” would be."""
    r = report(metrics=[metric("路灯", value=23, unit="盏", before=5)])
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(r))
    book = load_workbook(path)
    sheet = book[L.METRICS.name]
    header = next(row for row in sheet.iter_rows() if any(c.value and "原有数" == str(c.value).strip("*") for c in row))
    column = next(c.column for c in header if c.value and str(c.value).strip("*") == "原有数")
    sheet.cell(header[0].row + 1, column, "2处")
    book.save(path)
    data, _ = load_xlsx(path)
    loaded = Report.model_validate(data).metrics[0]
    assert (loaded.before, loaded.before_unit) == (Decimal(2), "处")


def test_the_blank_form_has_a_column_for_each_shape_and_a_sheet_for_results():
    headers = {c.header for c in L.METRICS.columns}
    assert {"原有数", "原有数单位", "原有数时间", "标准值", "标准出处", "其中只列部分"} <= headers
    assert not next(c for c in L.METRICS.columns if c.key == "value").required  # a goal leaves 完成值 empty
    assert L.RESULTS in L.TABLES and {"成效或节点", "日期", "所属方面"} <= {c.header for c in L.RESULTS.columns}
    assert L.PROBLEMS_FOUND == []


# ---------------------------------------------------------------- old input


def test_existing_examples_keep_their_meaning():
    root = Path(__file__).resolve().parents[1] / "examples"
    r, _ = load_report(root / "minimal.yaml")
    assert all(m.value is not None and not m.parts_partial and m.before is None and m.standard is None
               for m in r.metrics)
    assert r.results == []


def test_the_starter_shows_each_shape_with_examples_that_validate():
    """`reportgen init` names every shape; its commented examples are valid items once uncommented."""
    import yaml

    from reportgen import starter
    from reportgen.model import Metric, Result

    text = starter.yaml_text("村", year=2024)
    for word in ("before", "before_unit", "standard", "parts_partial", "只填 target", "results:"):
        assert word in text
    examples = [yaml.safe_load(line.split("#   - ", 1)[1]) for line in text.splitlines() if line.startswith("#   - {")]
    assert len(examples) == 3
    for model, example in zip((Metric, Metric, Result), examples):
        model.model_validate(example)
    assert examples[0]["before_unit"] != examples[0]["unit"] and "value" not in examples[1]
