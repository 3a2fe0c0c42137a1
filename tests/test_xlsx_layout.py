"""The workbook layout is derived from the models: every field has a column, every Literal a dropdown."""

from __future__ import annotations

import typing

from pydantic import BaseModel, Field

from reportgen import model as m
from reportgen import workbook_layout as L


def test_every_model_field_has_a_chinese_column() -> None:
    assert L.PROBLEMS_FOUND == []


def test_literal_fields_become_dropdowns_with_the_model_values() -> None:
    theme = L.ACTIVITIES.column("theme")
    assert theme.kind.name == "choice" and theme.choices == typing.get_args(m.Theme)
    assert L.METRICS.column("approx").choices[0] == "精确值"  # shown in Chinese, read back as "exact"
    assert L.UNDISPLAY["精确值"] == "exact"
    unit_type = next(r for r in L.INFO_ROWS if r.dotted == "unit.type")
    assert unit_type.kind.choices == typing.get_args(m.UnitType) and unit_type.required
    period_type = next(r for r in L.INFO_ROWS if r.dotted == "period.type")
    assert period_type.kind.choices == typing.get_args(m.PeriodType)
    assert L.ACTIVITIES.column("attendance_unit").kind.choices == ("人", "人次", "名")
    assert L.METRICS.column("unit").suggest == L.MEASURE_WORDS


def test_hints_are_the_field_descriptions() -> None:
    assert L.ACTIVITIES.column("title").hint == m.Activity.model_fields["title"].description
    assert L.ACTIVITIES.column("title").required


def test_headers_and_aliases_are_unambiguous_within_a_sheet() -> None:
    for spec in L.TABLES:
        seen: dict[str, str] = {}
        for column in spec.columns:
            for name in L.header_names(column):
                assert seen.setdefault(name, column.key) == column.key, (spec.name, name)
        assert len(spec.name) <= 31 and not set(spec.name) & set("[]:*?/\\")
    labels = [L.normalize_header(r.label) for r in L.INFO_ROWS]
    assert len(labels) == len(set(labels))


def test_issue_columns_in_order() -> None:
    assert [c.header for c in L.METRICS.columns][:13] == [
        "序号", "类别", "指标名称", "计量单位", "目标值", "完成值", "完成率", "上期值", "同比", "状态", "责任人", "佐证材料", "备注"]
    assert [c.header for c in L.ACTIVITIES.columns][:8] == [
        "序号", "日期", "类别", "活动名称", "地点", "参与人数/人次", "主要内容", "佐证材料"]
    for alias in ("活动名称", "活动主题", "名称"):
        assert L.normalize_header(alias) in L.header_names(L.ACTIVITIES.column("title"))
    for alias in ("参与人数", "参与人次", "人数"):
        assert L.normalize_header(alias) in L.header_names(L.ACTIVITIES.column("attendance"))


def test_a_new_field_still_gets_a_column() -> None:
    class Thing(BaseModel):
        name: m.Text = Field(description="名称")
        colour: typing.Literal["红", "蓝"] = Field("红", description="颜色，如红")

    before = len(L.PROBLEMS_FOUND)
    try:
        columns = L._columns(Thing, {"name": ("名称", (), True)})
        assert [c.header for c in columns] == ["名称", "颜色"]
        assert columns[1].kind.choices == ("红", "蓝")
        assert len(L.PROBLEMS_FOUND) == before + 1
    finally:
        del L.PROBLEMS_FOUND[before:]
