"""Reading real ledgers: messy layouts, located Chinese errors, hostile files that must not crash."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen import model as m
from reportgen.errors import InputError
from reportgen.loaders import load_report, read_data
from reportgen.loaders import xlsx_loader
from reportgen.loaders.xlsx_loader import convert, load_xlsx, split_list, to_date
from reportgen.workbook_layout import Kind
from reportgen.pipeline import fill_in_workbook, render_workbook as render


def _unit_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("单位信息")
    ws.append(["项目", "内容"])
    ws.append(["单位全称", "五塔北街社区"])
    ws.append(["单位类型", "社区"])
    ws.append(["年度", "2024"])  # number stored as text


def _save(wb: Workbook, path: Path) -> Path:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        wb.remove(wb["Sheet"])
    wb.save(path)
    return path


def _messages(exc: pytest.ExceptionInfo) -> str:
    return "\n".join(str(f) for f in exc.value.findings)


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("raw", [
    "2024-06-05", "2024/6/5", "2024年6月5日", "2024.6.5", "2024 年 6 月 5 日", "20240605", "２０２４－０６－０５",
    45448, 45448.0, dt.datetime(2024, 6, 5), dt.datetime(2024, 6, 5, 9, 30), "2024-06-05 09:30",
])
def test_dates_in_every_form(raw: object) -> None:
    assert to_date(raw) == dt.date(2024, 6, 5)


def test_bad_date_passes_through_for_pydantic() -> None:
    assert to_date("2024-02-30") == "2024-02-30"
    assert to_date("六月五日") == "六月五日"


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("int", "1,200", 1200), ("int", "2024年", 2024), ("int", "５０人", 50), ("int", "36人次", 36), ("int", 12.0, 12), ("int", " 7 ", 7),
    ("decimal", "1,200.50", Decimal("1200.50")), ("decimal", "95%", Decimal(95)), ("decimal", 0.1, Decimal("0.1")),
    ("decimal", "3,000元", Decimal(3000)), ("bool", "是", True), ("bool", "否", False), ("bool", "TRUE", True),
    ("text", 2024, "2024"), ("text", 3.5, "3.5"), ("choice", "精确值", "exact"), ("choice", " 余 ", "余"),
])
def test_convert(kind: str, raw: object, expected: object) -> None:
    assert convert(Kind(kind), raw) == expected


def test_percent_formatted_cell_reads_as_percent_value() -> None:
    assert convert(Kind("decimal"), 0.955, "0.0%") == Decimal("95.5")


def test_lists() -> None:
    assert split_list("区文明办、区城管局，物业公司;派出所") == ["区文明办", "区城管局", "物业公司", "派出所"]
    assert split_list("甲、乙\n丙") == ["甲、乙", "丙"]
    assert split_list("p1 p2,p3", keys=True) == ["p1", "p2", "p3"]


# ---------------------------------------------------------------- real ledgers


def test_messy_ledger(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("2024年创文活动记录")  # an unknown name: recognised by its header
    ws.append(["五塔北街社区创文活动登记表"])
    ws.merge_cells("A1:H1")
    ws.append(["填报单位：五塔北街社区", None, None, None, "填报日期：2024年6月30日"])
    ws.append(["序号", "活动时间", "所属类别", "活动主题", "活动地点", "参与情况", None, "备注（内部）", "主要内容"])
    ws.merge_cells("F3:G3")
    ws.append([None, None, None, None, None, "参与人次", "其中志愿者", None, None])
    ws.append([1, dt.datetime(2024, 3, 5), "志愿服务", "学雷锋志愿服务", "社区广场", "45", "20", "x", "打扫卫生"])
    ws.append([])
    ws.append([None, None, None, None, None, None, None, None, None])
    ws.append(["2", "2024/4/1", "宣传发动", "  文明宣传进小区 ", None, "1,200人次", None, None, None])
    ws.append([3, 45448, "环境卫生", "集中整治", None, None, None, None, None])
    ws.append(["合计", None, None, None, None, 1245])
    ws.append(["填报人：张三", None, None, "审核人：李四"])
    path = _save(wb, tmp_path / "ledger.xlsx")
    report, _ = load_report(path)
    assert [a.title for a in report.activities] == ["学雷锋志愿服务", "文明宣传进小区", "集中整治"]
    assert [a.date for a in report.activities] == [dt.date(2024, 3, 5), dt.date(2024, 4, 1), dt.date(2024, 6, 5)]
    assert [a.attendance for a in report.activities] == [45, 1200, None]
    assert report.activities[1].attendance_unit == "人次"
    assert report.activities[0].content == "打扫卫生"
    assert report.unit.name == "五塔北街社区" and report.period.year == 2024


def test_header_aliases_for_metrics(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("指标")
    ws.append(["序号", "测评项目", "指标", "单位", "目标值（标准）", "指标值", "完成率", "责任科室（责任人）"])
    ws.append([1, "志愿服务", "注册志愿者", "人", 300, "320", 1.067, "社区办"])
    ws.append([None, None, "其中：党员", None, None, 120])
    ws.append([None, None, "其中:群众", None, None, "200"])
    ws.append([2, "诚信建设", "群众满意率", "%", "90%", 0.935, None, None])
    ws["F5"].number_format = "0.0%"
    path = _save(wb, tmp_path / "metrics.xlsx")
    report, _ = load_report(path)
    first, second = report.metrics
    assert (first.label, first.target, first.value, first.owner) == ("注册志愿者", 300, 320, "社区办")
    assert [(p.label, p.value) for p in first.parts] == [("党员", 120), ("群众", 200)]
    assert (second.target, second.value) == (Decimal(90), Decimal("93.5"))


# ---------------------------------------------------------------- located Chinese errors


def test_errors_point_at_sheet_and_cell(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "日期", "类别", "活动名称", "参与人数"])
    ws.append([1, "2024年13月5日", "志愿服务", "活动一", 10])
    ws.append([2, "2024-05-01", "不存在的类别", "活动二", "很多"])
    ws.append([3, "2024-05-02", "宣传发动", "+加号开头的名称", 5])
    path = _save(wb, tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as exc:
        load_report(path)
    text = _messages(exc)
    assert "活动台账!B2 日期：“2024年13月5日”，日期应写成 2024-06-05" in text
    assert "活动台账!C3 类别：“不存在的类别”，取值应为以下之一" in text
    assert "活动台账!E3 参与人数/人次：“很多”，应填写一个数，可带约数说法，如 1200、1,200、100多人、近百名" in text
    assert "activities[" not in text


def test_formula_text_is_text_and_formulas_read_cached_values(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称", "参与人数"])
    ws.append([1, "志愿服务", "=HYPERLINK(\"http://x\")", "=1+1"])  # openpyxl saves formulas without values
    ws.append([2, "志愿服务", "'=不是公式", 3])
    path = _save(wb, tmp_path / "formula.xlsx")
    with pytest.raises(InputError) as exc:
        load_report(path)
    text = _messages(exc)
    assert "活动台账!C2：“活动名称”是公式，但文件里没有保存计算结果" in text
    assert "活动台账!D2：“参与人数/人次”是公式" in text
    assert "C3" not in text


def test_missing_required_column_is_one_message(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "活动名称", "日期"])
    for i in range(30):
        ws.append([i + 1, f"活动{i}", "2024-05-01"])
    path = _save(wb, tmp_path / "nocol.xlsx")
    with pytest.raises(InputError) as exc:
        load_report(path)
    assert len(exc.value.findings) == 1
    assert "活动台账!A1" in _messages(exc) and "缺少“类别”列" in _messages(exc)


def test_fill_in_workbook_reads_back_without_example_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    path.write_bytes(fill_in_workbook("镇"))
    data, _ = load_xlsx(path)
    assert data["unit"] == {"type": "镇"}
    assert "activities" not in data and "metrics" not in data
    with pytest.raises(InputError) as exc:
        load_report(path)
    text = _messages(exc)
    assert "单位信息!C6 单位全称：缺少必填项" in text and "年度：缺少必填项" in text


def test_fill_in_workbook_filled_by_a_user(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "filled.xlsx"
    path.write_bytes(fill_in_workbook("社区"))
    wb = load_workbook(path)
    info = wb["单位信息"]
    for row in info.iter_rows(min_row=4):
        if row[1].value == "单位全称":
            row[2].value = "五塔北街社区"
        if row[1].value == "年度":
            row[2].value = 2024
    ws = wb["活动台账"]
    ws["A5"], ws["B5"], ws["C5"], ws["D5"], ws["F5"] = 1, "2024.6.5", "环境卫生", "卫生大扫除", "30人"
    wb.save(path)
    report, _ = load_report(path)
    assert report.unit.name == "五塔北街社区"
    assert [(a.title, a.date, a.attendance, a.attendance_unit) for a in report.activities] == [
        ("卫生大扫除", dt.date(2024, 6, 5), 30, "人")]


# ---------------------------------------------------------------- hostile files


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_loader, "MAX_UNCOMPRESSED", 8 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (10 * 1024 * 1024))
    assert path.stat().st_size < 100 * 1024
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "解压后过大" in _messages(exc)


def test_too_many_entries(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(xlsx_loader.MAX_ENTRIES + 1):
            z.writestr(f"x/{i}", "")
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "内部文件过多" in _messages(exc)


def test_macros_are_refused(tmp_path: Path) -> None:
    good = render(m.Report(unit=m.Unit(name="某社区甲", type="社区"), period=m.Period(year=2024)))
    path = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\0" * 100)
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "含有宏" in _messages(exc)
    xlsm = tmp_path / "book.xlsm"
    xlsm.write_bytes(good)
    with pytest.raises(InputError) as exc:
        read_data(xlsm)
    assert "不支持 .xlsm" in _messages(exc)


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 .xls"),
    ("序号,活动名称\n1,x\n".encode("gbk"), "不是有效的 .xlsx"),
    (b"", "不是有效的 .xlsx"),
])
def test_not_a_workbook(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert expected in _messages(exc)


def test_damaged_workbook(tmp_path: Path) -> None:
    good = render(m.Report(unit=m.Unit(name="某社区甲", type="社区"), period=m.Period(year=2024)))
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "损坏" in _messages(exc)


def test_huge_sheet_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_loader, "MAX_DATA_ROWS", 50)
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称"])
    for i in range(80):
        ws.append([i + 1, "志愿服务", f"活动{i}"])
    ws.cell(row=1, column=16000, value="很远的列")  # columns beyond the bound are never read
    path = _save(wb, tmp_path / "huge.xlsx")
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "数据行过多" in _messages(exc)


def test_far_away_cells_do_not_hang(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称"])
    ws.append([1, "志愿服务", "活动"])
    ws.cell(row=1_048_576, column=16_384, value="末尾")
    path = _save(wb, tmp_path / "far.xlsx")
    report, _ = load_report(path)
    assert len(report.activities) == 1


def test_zip_entry_that_lies_about_its_size(tmp_path: Path) -> None:
    """zipfile enforces declared sizes: a sheet inflating past its header is a damaged file, quickly."""
    import struct

    good = render(m.Report(unit=m.Unit(name="某社区甲", type="社区"), period=m.Period(year=2024)))
    buf = io.BytesIO()
    target = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                data = data.replace(b"</sheetData>", b"<row r='99'><c r='A99' t='inlineStr'><is><t>"
                                    + b"A" * (20 * 1024 * 1024) + b"</t></is></c></row></sheetData>")
            dst.writestr(info.filename, data)
    raw = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(target)
    struct.pack_into("<I", raw, info.header_offset + 22, 1000)
    pos = bytes(raw).find(b"PK\x01\x02")
    while pos != -1:
        length = struct.unpack_from("<H", raw, pos + 28)[0]
        if bytes(raw[pos + 46: pos + 46 + length]) == target.encode():
            struct.pack_into("<I", raw, pos + 24, 1000)
        pos = bytes(raw).find(b"PK\x01\x02", pos + 4)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as exc:
        load_xlsx(path)
    assert "损坏" in _messages(exc)


def test_vertically_merged_category_applies_to_every_row(tmp_path: Path) -> None:
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称", "参与人数"])
    ws.append([1, "志愿服务", "活动一", 10])
    ws.append([2, None, "活动二", 20])
    ws.append([3, None, "活动三", 30])
    ws.append([4, "环境卫生", "活动四", 40])
    ws.merge_cells("B2:B4")
    path = _save(wb, tmp_path / "merged.xlsx")
    report, _ = load_report(path)
    assert [a.theme for a in report.activities] == ["志愿服务", "志愿服务", "志愿服务", "环境卫生"]


def test_lying_dimension_does_not_hide_columns(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称"])
    ws.append([1, "志愿服务", "活动一"])
    _save(wb, good)
    path = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1"/>')
            dst.writestr(info, data)
    report, _ = load_report(path)
    assert [a.title for a in report.activities] == ["活动一"]


def test_info_sheet_in_other_words_and_missing_items_named(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.create_sheet("基本信息")
    ws.append(["项目", "内容"])
    ws.append(["单位名称", "五塔北街社区"])
    ws.append(["类型", "社区"])
    path = _save(wb, tmp_path / "info.xlsx")
    with pytest.raises(InputError) as exc:
        load_report(path)
    text = _messages(exc)
    assert "年度：缺少必填项" in text and "基本信息!" in text


def test_serials_follow_the_1904_date_system() -> None:
    assert to_date(45448) == dt.date(2024, 6, 5)
    assert to_date(43986, dt.datetime(1904, 1, 1)) == dt.date(2024, 6, 5)


def test_early_serials_follow_excels_phantom_leap_day() -> None:
    """Excel counts a 1900-02-29 that never was: serial 1 is 1900-01-01 and 61 is 1900-03-01, as Excel shows them."""
    assert to_date(1) == dt.date(1900, 1, 1)
    assert to_date(59) == dt.date(1900, 2, 28)
    assert to_date(61) == dt.date(1900, 3, 1)


def test_formulas_read_as_their_cached_values(tmp_path: Path) -> None:
    """A workbook saved by Excel/WPS keeps each formula's value: that value is read, never evaluated."""
    wb = Workbook()
    _unit_sheet(wb)
    ws = wb.create_sheet("活动台账")
    ws.append(["序号", "类别", "活动名称", "参与人数"])
    ws.append([1, "志愿服务", "活动一", 7])
    plain = _save(wb, tmp_path / "plain.xlsx")
    path = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<c r="D2" t="n"><v>7</v></c>', b'<c r="D2"><f>SUM(A1:A9)*0+42</f><v>42</v></c>')
            dst.writestr(info, data)
    assert b"<f>" in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    report, _ = load_report(path)
    assert report.activities[0].attendance == 42
