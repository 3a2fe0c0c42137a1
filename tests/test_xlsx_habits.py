"""The blank workbook filled the way clerks fill it: each habit seen in real ledgers, with the outcome a
clerk would expect. Nothing typed may vanish without a message; every figure cell takes 多/余/近/约/以上
and 万; every message quotes what was typed and says what to type instead.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import workbook_layout as L
from reportgen.compose import compose
from reportgen.errors import InputError
from reportgen.loaders import load_report
from reportgen.loaders.amounts import AmountError, parse
from reportgen.unit_book import ordered
from reportgen.pipeline import fill_in_workbook

FIRST = 5  # the row under the 示例 row


def blank():  # noqa: ANN201 — an openpyxl Workbook
    wb = load_workbook(io.BytesIO(fill_in_workbook("社区")))
    info = wb[L.INFO]
    values = {"单位全称": "槐树里社区", "年度": 2024}
    for row in info.iter_rows(min_row=4):
        if row[1].value in values:
            row[2].value = values[row[1].value]
    return wb


def col(spec: L.TableSheet, key: str) -> int:
    """The column as the form writes it: printed columns first (``unit_book.ordered``)."""
    return next(i for i, c in enumerate(ordered(spec), 1) if c.key == key)


def put_row(wb, spec: L.TableSheet, row: int, **values) -> None:  # noqa: ANN001
    ws = wb[spec.name]
    for key, value in values.items():
        ws.cell(row=row, column=col(spec, key), value=value)


def activity(wb, row: int = FIRST, seq=1, **values) -> None:  # noqa: ANN001
    values = {L.SEQ: seq, "theme": "环境卫生", "title": "背街小巷清扫", **values}
    put_row(wb, L.ACTIVITIES, row, **values)


def save(wb, tmp_path: Path, name: str = "form.xlsx") -> Path:  # noqa: ANN001
    path = tmp_path / name
    wb.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_report(path)
    return [str(f) for f in exc.value.findings]


def notices(warnings) -> str:  # noqa: ANN001
    return "\n".join(str(w) for w in warnings)


def text_of(report) -> str:  # noqa: ANN001
    return "".join(s.text for block in compose(report).blocks for s in getattr(block, "sentences", ()) or ())


# ---------------------------------------------------------------- renamed sheets


@pytest.mark.parametrize("new_name", ["Sheet3", "活动数量统计"])
def test_renamed_quantity_sheet_is_read_by_its_header_and_said(tmp_path: Path, new_name: str) -> None:
    wb = blank()
    activity(wb)
    put_row(wb, L.QUANTITIES, FIRST, **{L.PARENT: 1, "label": "宣传单", "value": "2000余", "unit": "份"})
    wb[L.QUANTITIES.name].title = new_name
    report, warnings = load_report(save(wb, tmp_path))
    quantity = report.activities[0].quantities[0]
    assert (quantity.label, quantity.value, quantity.approx) == ("宣传单", 2000, "余")
    assert f"工作表“{new_name}”按内容当作“数量明细”读取" in notices(warnings)


@pytest.mark.parametrize(("spec", "values", "path"), [
    (L.SUPERIORS, {L.SEQ: 1, "name": "街道党工委", "relation": "领导"}, ("basis", "superiors")),
    (L.DOCUMENTS, {L.SEQ: 1, "title": "创建工作实施方案", "doc_no": "街文明办〔2024〕2号"}, ("basis", "documents")),
])
def test_renamed_basis_sheets_are_read_too(tmp_path: Path, spec, values, path) -> None:  # noqa: ANN001
    wb = blank()
    put_row(wb, spec, FIRST, **values)
    wb[spec.name].title = "Sheet9"
    report, warnings = load_report(save(wb, tmp_path))
    items = getattr(getattr(report, path[0]), path[1])
    assert len(items) == 1
    assert f"当作“{spec.name}”读取" in notices(warnings)


def test_a_renamed_info_sheet_is_read_by_its_items(tmp_path: Path) -> None:
    wb = blank()
    wb[L.INFO].title = "基本情况表"
    report, warnings = load_report(save(wb, tmp_path))
    assert report.unit.name == "槐树里社区"
    assert "工作表“基本情况表”按内容当作“单位信息”读取" in notices(warnings)


def test_a_sheet_nobody_recognises_is_reported_not_dropped(tmp_path: Path) -> None:
    wb = blank()
    ws = wb.create_sheet("我的草稿")
    ws.append(["事项", "备忘"])
    ws.append(["联系物业", "周三"])
    report, warnings = load_report(save(wb, tmp_path))
    assert "工作表“我的草稿”没有读取" in notices(warnings)


def test_an_info_item_nobody_recognises_is_reported(tmp_path: Path) -> None:
    wb = blank()
    info = wb[L.INFO]
    row = info.max_row + 1
    info.cell(row=row, column=2, value="党员人数")
    info.cell(row=row, column=3, value=86)
    _, warnings = load_report(save(wb, tmp_path))
    assert f"单位信息!B{row}：提示：“党员人数”这一项认不出，没有读取" in notices(warnings)


# ---------------------------------------------------------------- 示例 and 合计 rows


def test_untouched_example_rows_are_not_read_and_not_reported(tmp_path: Path) -> None:
    path = save(blank(), tmp_path)
    report, warnings = load_report(path)
    assert report.activities == [] and report.metrics == [] and report.problems == []
    assert "示例" not in notices(warnings)
    assert not re.findall(r"[A-Za-z]{2,}", notices(warnings).replace(str(path), ""))  # 成文日期, not signature.date


def test_a_real_activity_typed_over_the_example_row_is_read_and_said(tmp_path: Path) -> None:
    wb = blank()
    activity(wb, row=4, seq="示例", title="清理楼道堆物", attendance="30人")
    put_row(wb, L.QUANTITIES, 4, **{L.PARENT: 1, "label": "楼道", "value": 12, "unit": "处", "approx": None})
    report, warnings = load_report(save(wb, tmp_path))
    assert [a.title for a in report.activities] == ["清理楼道堆物"]
    assert "序号仍是“示例”，但这一行已改填了内容，已作为真实记录读取" in notices(warnings)
    assert report.activities[0].quantities[0].label == "楼道"


@pytest.mark.parametrize("theme", [None, "志愿服务"])
def test_total_rows_with_or_without_category_are_skipped_with_a_notice(tmp_path: Path, theme) -> None:  # noqa: ANN001
    wb = blank()
    put_row(wb, L.METRICS, FIRST, **{L.SEQ: 1, "theme": "志愿服务", "label": "道旗", "unit": "面", "value": 100})
    put_row(wb, L.METRICS, FIRST + 1, **{L.SEQ: 2, "theme": "志愿服务", "label": "横幅", "unit": "面", "value": 60})
    put_row(wb, L.METRICS, FIRST + 2, **{"theme": theme, "label": "合计", "unit": "面", "value": 160})
    report, warnings = load_report(save(wb, tmp_path))
    assert [m.label for m in report.metrics] == ["道旗", "横幅"]
    assert f"指标完成情况表!A{FIRST + 2}：提示：这是合计行，没有读取" in notices(warnings)
    assert "合计160" not in text_of(report)


def test_a_value_under_an_unknown_column_is_reported(tmp_path: Path) -> None:
    wb = blank()
    activity(wb)
    ws = wb[L.ACTIVITIES.name]
    extra = len(L.ACTIVITIES.columns) + 2
    ws.cell(row=3, column=extra, value="照片张数")
    ws.cell(row=FIRST, column=extra, value=6)
    _, warnings = load_report(save(wb, tmp_path))
    assert "“照片张数”有内容，但列名认不出，没有读取" in notices(warnings)


# ---------------------------------------------------------------- figures as typed


def test_approximate_attendance_and_spending_reach_the_text_as_typed(tmp_path: Path) -> None:
    wb = blank()
    activity(wb, seq=1, title="背街小巷清扫", attendance="100多人", spend="40多万元")
    activity(wb, row=FIRST + 1, seq=2, title="文明劝导", attendance="近百名", spend="近6万元")
    report, _ = load_report(save(wb, tmp_path))
    first, second = report.activities
    assert (first.attendance, first.attendance_approx, first.attendance_unit) == (100, "多", "人")
    assert (first.spend, first.spend_approx) == (Decimal(400000), "多")
    assert (second.attendance, second.attendance_approx, second.attendance_unit) == (100, "近", "名")
    text = text_of(report)
    assert "100多人" in text and "40多万元" in text
    assert "近100名" in text and "近6万元" in text


def _numeric_cells():  # noqa: ANN202
    for spec in L.TABLES:
        for column in spec.columns:
            if column.is_field and column.kind.name in ("int", "decimal"):
                yield spec, column


@pytest.mark.parametrize(("spec", "column"), list(_numeric_cells()), ids=lambda x: getattr(x, "header", ""))
def test_every_numeric_column_takes_an_approximate_figure_or_says_where_it_goes(tmp_path: Path, spec, column) -> None:  # noqa: ANN001
    wb = blank()
    activity(wb)
    base = {
        L.ACTIVITIES.name: {L.SEQ: 2, "theme": "环境卫生", "title": "巡查"},
        L.QUANTITIES.name: {L.PARENT: 1, "label": "宣传单", "value": 1, "unit": "份"},
        L.METRICS.name: {L.SEQ: 1, "theme": "志愿服务", "label": "志愿者", "unit": "人", "value": 1},
        L.MECHANISMS.name: {L.SEQ: 1, "name": "例会制度"},
        L.MEETINGS.name: {L.SEQ: 1, "name": "推进会"},
        L.PLANS.name: {L.SEQ: 1, "label": "加大宣传"},
        L.PROFILE_FIGURES.name: {L.SEQ: 1, "label": "社区工作人员", "value": 1, "unit": "名"},
    }[spec.name]
    row = FIRST + 1 if spec is L.ACTIVITIES else FIRST
    typed = "2024年以上" if column.key == "year" else "100多"
    put_row(wb, spec, row, **{**base, column.key: typed})
    path = save(wb, tmp_path)
    if (spec.model, column.key) in L.APPROXIMABLE:
        report, _ = load_report(path)
        return
    found = "\n".join(problems(path))
    letter = re.escape(f"{spec.name}!")
    assert re.search(letter + rf"[A-Z]+{row} {re.escape(column.header)}：“{typed}”", found), found
    assert "应填写整数" not in found and "应填写数字" not in found


def _numeric_items():  # noqa: ANN202
    return [r for r in L.INFO_ROWS if r.kind.name in ("int", "decimal")]


@pytest.mark.parametrize("info", _numeric_items(), ids=lambda r: r.label)
def test_every_numeric_info_item_says_where_an_approximate_figure_goes(tmp_path: Path, info) -> None:  # noqa: ANN001
    wb = blank()
    sheet = wb[L.INFO]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == info.label)
    row[2].value = "100多"
    found = "\n".join(problems(save(wb, tmp_path)))
    assert f"单位信息!C{row[2].row} {info.label}：“100多”是约数，这一栏只能填确切的数（如 100）" in found


def test_a_typed_completion_rate_without_its_target_is_reported(tmp_path: Path) -> None:
    wb = blank()
    put_row(wb, L.METRICS, FIRST, **{L.SEQ: 1, "theme": "志愿服务", "label": "志愿者", "unit": "人", "value": 90,
                                     L.COMPLETION: "90%"})
    _, warnings = load_report(save(wb, tmp_path))
    assert "“完成率”由程序计算，填的数没有读取：请填写“目标值”" in notices(warnings)


def test_two_figures_in_one_cell_say_use_two_rows(tmp_path: Path) -> None:
    wb = blank()
    activity(wb, spend="300元、200元")
    found = problems(save(wb, tmp_path))
    assert any("活动台账!" in f and "投入经费（元）：“300元、200元”，一格只能填一个数" in f and "分成两行" in f
               for f in found), found


def test_messages_quote_the_typed_value(tmp_path: Path) -> None:
    wb = blank()
    activity(wb, date="6月31日", attendance="好多人")
    found = "\n".join(problems(save(wb, tmp_path)))
    assert f"活动台账!B{FIRST} 日期：“6月31日”" in found
    assert f"活动台账!F{FIRST} 参与人数/人次：“好多人”" in found


@pytest.mark.parametrize(("typed", "value", "approx"), [
    ("40多万元", 400000, "多"), ("近60万元", 600000, "近"), ("100多人", 100, "多"), ("近百名", 100, "近"),
    ("约3000份", 3000, "约"), ("1,200", 1200, "exact"), ("500人以上", 500, "以上"), ("120余面", 120, "余"),
    ("１２０", 120, "exact"), ("累计1.5万人次", 15000, "exact"),
])
def test_amounts_parse_what_clerks_type(typed: str, value: int, approx: str) -> None:
    amount = parse(typed)
    assert (amount.value, amount.approx) == (value, approx)


@pytest.mark.parametrize("typed", ["300元、200元", "200-300人", "很多", "近100多人"])
def test_amounts_refuse_what_is_not_one_figure(typed: str) -> None:
    with pytest.raises(AmountError):
        parse(typed)


# ---------------------------------------------------------------- links, codes and computed columns


def test_plans_pick_problems_by_their_words_and_metrics_their_base_by_name(tmp_path: Path) -> None:
    wb = blank()
    put_row(wb, L.PROBLEMS, FIRST, **{L.SEQ: 1, "label": "宣传阵地不足"})
    put_row(wb, L.PROBLEMS, FIRST + 1, **{L.SEQ: 2, "label": "志愿者老龄化"})
    put_row(wb, L.PLANS, FIRST, **{L.SEQ: 1, "label": "增设宣传栏", "addresses": "宣传阵地不足", "year": 2025})
    put_row(wb, L.PLANS, FIRST + 1, **{L.SEQ: 2, "label": "招募青年志愿者", "addresses": 2, "year": 2025})
    put_row(wb, L.METRICS, FIRST, **{L.SEQ: 1, "theme": "志愿服务", "label": "常住人口", "unit": "人", "value": 3000})
    put_row(wb, L.METRICS, FIRST + 1, **{L.SEQ: 2, "theme": "志愿服务", "label": "注册志愿者", "unit": "人",
                                         "value": 450, "base": "常住人口"})
    report, _ = load_report(save(wb, tmp_path))
    ids = report.problem_ids()
    assert [p.addresses for p in report.plans] == [[ids[0]], [ids[1]]]
    assert report.metrics[1].base == report.metrics[0].key is not None


def test_the_form_links_and_locks_what_the_clerk_does_not_type() -> None:
    wb = load_workbook(io.BytesIO(fill_in_workbook()))
    plans = wb[L.PLANS.name]
    letter = plans.cell(row=3, column=col(L.PLANS, "addresses")).column_letter
    sources = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in plans.data_validations.dataValidation}
    assert "'存在问题'!" in sources[f"{letter}4"]
    metrics = wb[L.METRICS.name]
    assert metrics.protection.sheet  # computed columns refuse typing: the sheet is protected, they stay locked
    for key in (L.COMPLETION, L.CHANGE, L.STATUS):
        assert metrics.cell(row=FIRST, column=col(L.METRICS, key)).protection.locked
    assert not metrics.cell(row=FIRST, column=col(L.METRICS, "label")).protection.locked
    quantities = wb[L.QUANTITIES.name]
    assert any("'活动台账'!$A$" in (dv.formula1 or "") for dv in quantities.data_validations.dataValidation)
    name = metrics.cell(row=3, column=col(L.METRICS, "label")).column_letter
    assert any(f"'指标完成情况表'!${name}$" in (dv.formula1 or "") for dv in metrics.data_validations.dataValidation)


def test_required_columns_are_marked_in_the_header_and_every_sheet_is_explained() -> None:
    wb = load_workbook(io.BytesIO(fill_in_workbook()))
    headers = [c.value for c in wb[L.ACTIVITIES.name][3]]
    assert "*活动名称" in headers and "*类别" in headers and "地点" in headers
    notes = {r[0].value: r[1].value for r in wb[L.NOTES_SHEET].iter_rows(min_row=3) if r[0].value}
    for name in [L.INFO, *(t.name for t in L.TABLES)]:
        assert notes.get(name), name


# ---------------------------------------------------------------- Chinese only, and paper


_ALLOWED = {"Excel", "WPS", "xlsx", "xls", "MB", "VBA", "reportgen", "init"}  # product and file names


def test_the_blank_workbook_has_no_english_word() -> None:
    wb = load_workbook(io.BytesIO(fill_in_workbook()))
    found = set()
    for ws in wb.worksheets:
        texts = [ws.title] + [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        for dv in ws.data_validations.dataValidation:
            texts += [t for t in (dv.prompt, dv.error, dv.promptTitle, dv.errorTitle) if t]
        if ws.sheet_state == "visible" or ws.title != L.CHOICES:
            found.update(w for t in texts for w in re.findall(r"[A-Za-z]{2,}", t))
    assert found == set()


def test_reader_messages_have_no_english_word() -> None:
    root = Path(__file__).resolve().parents[1] / "reportgen"
    for source in ("loaders/xlsx_loader.py", "loaders/amounts.py", "errors.py"):
        text = (root / source).read_text(encoding="utf-8")
        for literal in re.findall(r'f?"([^"\n]*[\u4e00-\u9fff][^"\n]*)"', text):
            if re.search(r"[A-Za-z]+,? [A-Za-z]+ [A-Za-z]+", literal):
                continue  # English prose: a docstring or comment quoting a Chinese word, not a message
            if "(?" in literal or "[" in literal:
                continue  # a pattern
            words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", literal))) - _ALLOWED - _YAML_ONLY
            assert not words, (source, literal)


#: Words of YAML-only messages, which a workbook's source map rewrites (tested just below).
_YAML_ONLY = {"true", "false"}


def test_a_yes_no_cell_is_explained_in_chinese(tmp_path: Path) -> None:
    wb = blank()
    for row in wb[L.INFO].iter_rows(min_row=4):
        if row[1].value == "附指标完成情况表":
            row[2].value = "可以"
    found = "\n".join(problems(save(wb, tmp_path)))
    assert "附指标完成情况表：“可以”，应填写“是”或“否”" in found and "true" not in found


@pytest.mark.parametrize("spec", [L.ACTIVITIES, L.METRICS], ids=lambda s: s.name)
def test_the_printed_blank_form_shows_every_fillable_column_on_a4_landscape(spec: L.TableSheet) -> None:
    ws = load_workbook(io.BytesIO(fill_in_workbook()))[spec.name]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    # fitToWidth 1 is the file format's default, so XlsxWriter leaves it out (openpyxl reads None)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    area = str(ws.print_area).split("!")[-1].replace("$", "")
    last = re.match(r"A\d+:([A-Z]+)\d+", area).group(1)
    printed = {c.header for c in spec.columns[: spec.printed]}
    fillable = {c.header for c in spec.columns if c.is_field and (spec.model, c.key) not in _COVERED}
    assert fillable <= printed, fillable - printed
    assert ws.cell(row=3, column=spec.printed).column_letter == last
    bottom = int(re.match(r"A\d+:[A-Z]+(\d+)", area).group(1))
    assert bottom >= 4 + L.BLANK_ROWS  # ruled rows to write in by hand
    assert ws.cell(row=bottom, column=2).border.left.style == "thin"


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"), reason="LibreOffice not installed")
def test_the_blank_form_prints_every_fillable_column(tmp_path: Path) -> None:
    (tmp_path / "form.xlsx").write_bytes(fill_in_workbook())
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "form.xlsx")],
                   check=True, capture_output=True, timeout=180)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "form.pdf"), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    for spec in (L.ACTIVITIES, L.METRICS):
        for column in spec.columns[: spec.printed]:
            assert column.title in text, (spec.name, column.title)


#: Columns a clerk need not fill because the figure cell next to them takes the same fact ("100多人"),
#: and codes the program makes: kept (unprinted) for the round trip of the report workbook.
_COVERED = {(L.ACTIVITIES.model, "attendance_approx"), (L.ACTIVITIES.model, "spend_approx"),
            (L.METRICS.model, "approx"), (L.METRICS.model, "agg"), (L.METRICS.model, "key"),
            (L.METRICS.model, "before_approx")}  # typed in 原有数 (约2处), as approx is in 完成值


def test_validate_and_build_end_with_the_same_count(tmp_path: Path) -> None:
    wb = blank()
    activity(wb, spend="300元、200元", times="约5次")
    put_row(wb, L.METRICS, FIRST, **{"theme": "志愿服务", "label": "合计", "unit": "人", "value": 3})
    save(wb, tmp_path)
    code = "import sys; from reportgen.cli import main; sys.argv[0] = 'reportgen'; main()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def last_line(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True,
                              encoding="utf-8", timeout=120, env=env)
        assert done.returncode == 1
        return done.stderr.splitlines()[-1]

    expected = "共 2 处问题（另有 1 条提示），请修改后重试。"
    assert last_line("validate", "form.xlsx") == f"form.xlsx：{expected}"
    assert last_line("build", "form.xlsx", "-o", "out") == expected
    assert not (tmp_path / "out").exists()


def test_a_figure_with_thousands_of_digits_is_a_message_not_a_crash():
    with pytest.raises(AmountError, match="数字太大"):
        parse("9" * 5000)
    with pytest.raises(AmountError, match="数字太大"):
        parse("9" * 5000 + "多人")
