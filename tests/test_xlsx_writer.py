"""The workbook `build` writes: layout as offices print it, figures agreeing with the Word document."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import figures, textwidth, zh
from reportgen import model as m
from reportgen import workbook_layout as L
from reportgen.pipeline import fill_in_workbook, render_workbook as render


def _report() -> m.Report:
    return m.Report(
        unit=m.Unit(name="清河街道五塔北街社区", type="社区"),
        period=m.Period(year=2024, type="上半年"),
        campaign=m.Campaign(verb="巩固"),
        activities=[
            m.Activity(theme="志愿服务", title="“学雷锋”志愿服务", date=dt.date(2024, 3, 5), attendance=45,
                       content="=清理楼道小广告", evidence="签到表、照片6张"),
            m.Activity(theme="环境卫生", title="卫生大扫除", date=dt.date(2024, 4, 1), attendance=1200,
                       spend=Decimal("3500.5")),
        ],
        metrics=[
            m.Metric(label="注册志愿者人数", theme="志愿服务", value=Decimal(320), unit="人", target=Decimal(300),
                     previous=Decimal(280), parts=[m.Part(label="党员", value=Decimal(120)),
                                                   m.Part(label="群众", value=Decimal(200))]),
            m.Metric(label="群众投诉件数", theme="诚信建设", value=Decimal(3), unit="件", target=Decimal(2),
                     lower_is_better=True, previous=Decimal(5)),
            m.Metric(label="知晓率", theme="宣传发动", value=Decimal("95.46"), unit="%", target=Decimal(100)),
        ],
    )


@pytest.fixture(scope="module")
def book() -> tuple[bytes, object]:
    data = render(_report())
    return data, load_workbook(io.BytesIO(data))


def test_deterministic_bytes() -> None:
    assert render(_report()) == render(_report())
    assert fill_in_workbook("社区") == fill_in_workbook("社区")
    with zipfile.ZipFile(io.BytesIO(render(_report()))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2024-06-30T00:00:00Z" in core


def test_sheets(book) -> None:  # noqa: ANN001
    _, wb = book
    assert wb.sheetnames[:4] == ["汇总", "指标完成情况表", "活动台账", "单位信息"]
    assert L.CHOICES not in wb.sheetnames  # every dropdown is short enough to be listed in its validation


def test_indicator_sheet_agrees_with_the_word_table(book) -> None:  # noqa: ANN001
    _, wb = book
    ws = wb["指标完成情况表"]
    headers = [c.value.lstrip("*") for c in ws[3]]  # required columns are marked *完成值
    assert headers[:13] == ["序号", "类别", "指标名称", "计量单位", "目标值", "完成值", "完成率", "上期值", "同比", "状态",
                            "责任人", "佐证材料", "备注"]
    rows = figures.indicator_rows(_report())
    word = figures.indicator_table(_report()).rows
    for i, (row, printed) in enumerate(zip(rows, word)):
        cells = {h: c for h, c in zip(headers, ws[4 + i])}
        if row.depth:
            assert cells["指标名称"].value == "其中：" + row.label
            assert cells["指标名称"].alignment.indent > 0
            assert cells["序号"].value is None
            continue
        assert isinstance(cells["完成值"].value, (int, float))
        assert Decimal(str(cells["完成值"].value)) == row.value
        if row.completion is not None:
            shown = zh.percent(Decimal(str(cells["完成率"].value)) * 100)
            assert shown == printed[6] == zh.percent(row.completion)
            assert cells["完成率"].number_format == "0.0%"
        if row.change is not None:
            assert zh.percent(abs(Decimal(str(cells["同比"].value)) * 100)) == printed[7].lstrip("+-")
        assert (cells["状态"].value or "") == row.status
    assert ws["J8"].value == "未达标" or any(c.value == "未达标" for c in ws["J"])


def test_text_is_never_a_formula(book) -> None:  # noqa: ANN001
    data, wb = book
    ws = wb["活动台账"]
    cell = next(c for c in ws["G"] if c.value == "=清理楼道小广告")
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode(), name


def test_office_layout(book) -> None:  # noqa: ANN001
    _, wb = book
    for name in ("指标完成情况表", "活动台账", "单位信息"):
        ws = wb[name]
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges), name
        assert ws["A2"].value.startswith("填报单位：")
        assert ws.freeze_panes[-1] == "4"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
        assert ws.page_setup.fitToHeight == 0
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws["A3"].font.name == "宋体" and ws["A3"].font.b and ws["A3"].fill.fgColor.rgb.endswith("D9D9D9")
        assert ws["A4"].border.left.style == "thin"
    for name in ("指标完成情况表", "活动台账"):
        ws = wb[name]
        assert ws.print_title_rows == "$3:$3"
        assert ws.auto_filter.ref.startswith("A3:")
    ws = wb["活动台账"]
    assert ws["B4"].number_format == 'yyyy"年"m"月"d"日"' and ws["B4"].value == dt.datetime(2024, 3, 5)
    assert ws["A6"].value == "合计" and ws["F6"].value == 1245
    title = wb["指标完成情况表"]["A1"].value
    assert title == "清河街道五塔北街社区2024年上半年巩固全国文明城市工作指标完成情况表"


def test_column_widths_count_cjk_double(book) -> None:  # noqa: ANN001
    _, wb = book
    ws = wb["活动台账"]
    assert ws.column_dimensions["D"].width >= textwidth.columns("“学雷锋”志愿服务")
    assert textwidth.columns("志愿a") == 5


def test_dropdowns_for_every_enumerated_column(book) -> None:  # noqa: ANN001
    _, wb = book
    for spec in (L.ACTIVITIES, L.METRICS):
        ws = wb[spec.name]
        lists = {str(dv.sqref).split(":")[0][:-1] for dv in ws.data_validations.dataValidation if dv.type == "list"}
        for i, column in enumerate(spec.columns, 1):
            if column.kind.name in ("choice", "bool"):
                assert re.sub(r"\d", "", ws.cell(row=4, column=i).column_letter) in lists, column.header


def test_conditional_format_for_unmet(book) -> None:  # noqa: ANN001
    _, wb = book
    rules = [r for cf in wb["指标完成情况表"].conditional_formatting for r in cf.rules]
    assert any('"未达标"' in (r.formula or []) for r in rules)


def test_summary(book) -> None:  # noqa: ANN001
    _, wb = book
    ws = wb["汇总"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=4).value for r in range(4, 16)}
    assert values["开展活动（项）"] == 2 and values["参与人次合计（人次）"] == 1245
    assert not any("参与人数合计" in str(label) for label in values)  # no 人 in this report, and never 人+人次
    assert values["指标达标率"] == pytest.approx(0.333)
    assert ws._charts, "native chart of completion rates"


def test_fill_in_workbook_has_dropdowns_hints_and_examples() -> None:
    wb = load_workbook(io.BytesIO(fill_in_workbook("医院")))
    assert {"单位信息", "活动台账", "指标完成情况表", "存在问题", "下一步打算"} <= set(wb.sheetnames)
    info = wb["单位信息"]
    rows = {r[1].value: r for r in info.iter_rows(min_row=4)}
    assert rows["单位类型"][2].value == "医院"
    validated = {c for dv in info.data_validations.dataValidation for rng in dv.sqref.ranges for c in [rng.coord]}
    for label in ("单位类型", "期间类型", "创建级别", "文种"):
        assert rows[label][2].coordinate in validated, label
    ws = wb["活动台账"]
    assert ws["A4"].value == "示例"
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.prompt]
    assert any("活动名称" in (p or "") for p in prompts)
    measure = wb["指标完成情况表"]
    assert any(dv.type == "list" and not dv.showErrorMessage for dv in measure.data_validations.dataValidation)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_opens_and_prints_it(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(_report()))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "book.pdf"
    assert pdf.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "指标完成情况表" in text and "未达标" in text and "106.7%" in text


def test_change_of_a_rate_is_in_points_as_the_document_says_it() -> None:
    report = _report().model_copy(update={"metrics": [
        m.Metric(label="知晓率", theme="宣传发动", value=Decimal("95.5"), unit="%", previous=Decimal("91.5")),
        m.Metric(label="志愿者", theme="志愿服务", value=Decimal(110), unit="人", previous=Decimal(100)),
    ]})
    ws = load_workbook(io.BytesIO(render(report)))["指标完成情况表"]
    headers = [c.value.lstrip("*") for c in ws[3]]  # required columns are marked *
    rate, count = ({h: c for h, c in zip(headers, ws[r])} for r in (4, 5))
    rows = figures.indicator_rows(report)
    assert rows[0].change_text == "+4个百分点" or rows[0].change_text == "+4.0个百分点"
    assert rate["同比"].value == 4.0 and "个百分点" in rate["同比"].number_format
    assert count["同比"].value == pytest.approx(0.1) and count["同比"].number_format == "+0.0%;-0.0%;0.0%"
    for cell in (rate["完成值"], count["完成值"], rate["同比"]):
        assert cell.alignment.horizontal == "right"
    assert count["完成值"].number_format == "#,##0"


def test_only_the_report_sheets_print_by_default_and_hints_stay_on_screen(book) -> None:  # noqa: ANN001
    data, wb = book
    selected = [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected]
    assert selected == ["汇总", "指标完成情况表", "活动台账"]
    info = wb["单位信息"]
    assert info.print_area == f"'单位信息'!$A$1:$C${info.max_row}"  # 分组, 项目, 内容 — not 填写说明
    metrics = wb["指标完成情况表"]
    assert metrics.protection.sheet  # 完成率, 同比, 状态 are computed: protected, the rest unlocked
    headers = [c.value.lstrip("*") for c in metrics[3]]
    assert metrics.cell(4, headers.index("完成率") + 1).protection.locked
    assert not metrics.cell(4, headers.index("完成值") + 1).protection.locked


def test_a_long_dropdown_lives_on_the_hidden_choices_sheet() -> None:
    from reportgen import unit_book
    from reportgen import workbook as W

    book = W.Book()
    choices = unit_book.Choices(book)
    short = choices.validation((4, 1, 9, 1), ("是", "否"))
    long = choices.validation((4, 2, 9, 2), tuple(f"第{i}号选项" for i in range(60)))
    choices.close()
    assert short.choices == ("是", "否") and not short.source
    assert long.source == f"'{L.CHOICES}'!$A$2:$A$61" and book[L.CHOICES].hidden
