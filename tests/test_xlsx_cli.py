"""The workbook through the command line: init --xlsx, validate and build accept .xlsx, hostile files exit 1."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from reportgen import model as m
from reportgen.cli import app
from reportgen.errors import InputError
from reportgen.loaders import load_report
from reportgen.pipeline import render_workbook as render

runner = CliRunner()


def _ok_report() -> m.Report:
    return m.Report(
        unit=m.Unit(name="五塔北街社区", type="社区"),
        period=m.Period(year=2024, type="上半年"),
        activities=[m.Activity(theme="志愿服务", title="学雷锋志愿服务活动", kind="志愿服务", date=dt.date(2024, 3, 5),
                               location="社区广场", attendance=45)],
        metrics=[m.Metric(label="注册志愿者人数", theme="志愿服务", value=Decimal(320), unit="人", target=Decimal(300))],
    )


def test_init_xlsx_then_validate(tmp_path: Path) -> None:
    target = tmp_path / "填报.xlsx"
    result = runner.invoke(app, ["init", "--xlsx", "--type", "学校", "-o", str(target)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    assert "单位信息" in wb.sheetnames and "活动台账" in wb.sheetnames
    result = runner.invoke(app, ["validate", str(target)])
    assert result.exit_code == 1
    assert "单位信息!C6 单位全称：缺少必填项" in result.output
    assert "Traceback" not in result.output


def test_validate_and_build_accept_xlsx(tmp_path: Path) -> None:
    source = tmp_path / "wuta.xlsx"
    source.write_bytes(render(_ok_report()))
    result = runner.invoke(app, ["validate", str(source)])
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output


def test_rule_errors_point_at_cells(tmp_path: Path) -> None:
    report = _ok_report()
    report.metrics[0].parts = [m.Part(label="党员", value=Decimal(100)), m.Part(label="群众", value=Decimal(100))]
    report.activities[0].date = dt.date(2024, 9, 1)  # outside 上半年
    source = tmp_path / "rules.xlsx"
    source.write_bytes(render(report))
    with pytest.raises(InputError) as exc:
        load_report(source)
    text = "\n".join(str(f) for f in exc.value.findings)
    assert "指标完成情况表!F4 其中各分项：各分项合计 200人" in text
    assert "活动台账!B4 日期：" in text


@pytest.mark.parametrize("kind", ["bomb", "xlsm", "text", "formula"])
def test_hostile_files_exit_1_with_chinese_message(tmp_path: Path, kind: str) -> None:
    if kind == "bomb":
        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(5):
                z.writestr(f"xl/worksheets/sheet{i}.xml", b"<" * (40 * 1024 * 1024))
    elif kind == "xlsm":
        path = tmp_path / "macro.xlsm"
        path.write_bytes(render(_ok_report()))
    elif kind == "text":
        path = tmp_path / "renamed.xlsx"
        path.write_text("这不是工作簿", encoding="utf-8")
    else:
        path = tmp_path / "formula.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "活动台账"
        ws.append(["序号", "类别", "活动名称", "日期"])
        ws.append([1, "=A1", "=HYPERLINK(\"http://x\",\"点\")", "=TODAY()"])
        wb.save(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)
