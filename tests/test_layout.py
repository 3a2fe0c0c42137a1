"""The per-topic layout (专题: 基本情况–主要做法–存在问题 under each 工作方面) and requests to superiors
(意见和建议), which close a 汇报 and are refused in a 总结."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import yaml

from reportgen import lint, rules
from reportgen.compose import compose, load_pack
from reportgen.document import Heading, Paragraph
from reportgen.loaders import load, load_report
from reportgen.model import Report
from reportgen.pipeline import render_workbook
from reportgen.loaders.xlsx_loader import load_xlsx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "weishengyuan-2025-jieduan.yaml"
PACK = load_pack()
CN = "一二三四五六七八九十"


def _report(**changes) -> Report:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    return Report.model_validate(data)


def _outline(document) -> list:
    """[(heading, [sub-headings], [paragraph texts…])] per level-1 part, in order."""
    parts: list = []
    for block in document.blocks:
        if isinstance(block, Heading) and block.level == 1:
            parts.append((block, [], []))
        elif parts and isinstance(block, Heading):
            parts[-1][1].append(block)
        elif parts and isinstance(block, Paragraph):
            parts[-1][2].append(block.text)
    return parts


def _part(document, key: str):
    """The level-1 part whose heading is one of the pack's headings for ``key`` (a theme, problems…)."""
    options = PACK.manifest["headings_by_group"]["医疗"].get(key) or PACK.manifest["headings"][key]
    return next(p for p in _outline(document) if p[0].text in options)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = "import sys; from reportgen.cli import main; sys.argv[0] = 'reportgen'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


# ---------------------------------------------------------------- structure


def test_topic_layout_numbers_parts_subparts_and_items():
    """一、 per theme, （一）基本情况 （二）主要做法 （三）存在问题 inside, 1. 2. for the items of a sub-part."""
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    parts = _outline(document)
    assert [h.number for h, _, _ in parts] == [f"{CN[i]}、" for i in range(len(parts))]
    service = _part(document, "窗口服务")
    assert [h.number for h in service[1]] == ["（一）", "（二）", "（三）"]
    assert [h.text for h in service[1]] in (["基本情况", "主要做法", "存在问题"], ["基本情况", "工作做法", "存在问题"])
    assert all(h.level == 2 for h in service[1])
    numbered = [t for t in service[2] if re.match(r"\d+\.", t)]
    assert [t.split(".")[0] for t in numbered] == ["1", "2", "3"]
    assert "门诊患者满意度96.5%" in service[2][0]  # 情况: the theme's own figures
    assert service[2][-1].startswith("高峰时段候诊时间偏长。")  # 问题: the problem tagged 窗口服务


def test_a_theme_with_practice_only_has_no_lone_subheading():
    """组织领导 has no figures and no problems: its part holds the practice directly, no （一） alone."""
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    first = _outline(document)[0]
    assert first[1] == []
    assert any("周建华任组长" in t for t in first[2])
    assert [t[:2] for t in first[2] if t[:2] in ("一是", "二是", "1.", "2.")] == ["一是", "二是"]  # no 1. under 一、


def test_the_example_passes_the_projects_own_structure_check(tmp_path):
    """`reportgen check` (for hand-written texts) finds no skipped level (一、 straight to 1.) in the output."""
    from reportgen.check import check

    result = _cli("build", str(EXAMPLE), "-o", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    target = tmp_path / f"{EXAMPLE.stem}.docx"
    assert [str(i.finding(target.name)) for i in check(target)] == []


def test_environment_with_a_result_but_no_figures_has_all_three_parts():
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    environment = _part(document, "环境卫生")
    assert [h.text for h in environment[1]] in (["基本情况", "主要做法", "存在问题"], ["基本情况", "工作做法", "存在问题"])
    assert [h.number for h in environment[1]] == ["（一）", "（二）", "（三）"]
    assert "通过县爱卫办组织的卫生先进单位复核" in environment[2][0]  # a result without a number is 情况 too
    assert sum("卫生先进单位复核" in t for t in document.plain_text().splitlines()) == 1  # and only there


def test_tagged_problems_leave_the_general_part_and_untagged_stay():
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    general = _part(document, "problems")
    body = "".join(general[2])
    assert "部分职工参与意识不强" in body
    assert "高峰时段候诊时间偏长" not in body and "老住院楼设施陈旧" not in body


def test_a_problem_whose_theme_has_no_part_stays_in_the_general_part():
    report = _report(problems=[{"label": "法治宣传形式单一", "theme": "法治宣传"}], plans=[])
    document = compose(report, pack=PACK)
    assert "法治宣传形式单一。" in "".join(_part(document, "problems")[2])


def test_default_layout_is_unchanged_and_ignores_problem_themes():
    """Existing files have no layout: 常规 is the default, one part per theme, all problems in one part."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del data["layout"]
    report = Report.model_validate(data)
    assert report.layout == "常规"
    document = compose(report, pack=PACK)
    # No topic sub-parts (（一）基本情况…); 常规 may still head its whole body “一、主要做法”.
    assert not [h for h in document.blocks if isinstance(h, Heading) and h.level > 1
                and h.text in ("基本情况", "主要做法", "工作做法")]
    general = "".join(_part(document, "problems")[2])
    for problem in report.problems:
        assert problem.label in general
    other = load_report(ROOT / "examples" / "yiyuan-2024-quannian.yaml")[0]
    assert compose(other, pack=PACK).plain_text() == compose(other.model_copy(update={"layout": "常规"}), pack=PACK).plain_text()


def test_topic_layout_does_not_repeat_changes_in_achievements():
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    achievements = "".join(_part(document, "achievements")[2])
    assert "比上年同期" not in achievements
    assert "设定目标的2项指标中，1项已达到目标" in achievements


# ---------------------------------------------------------------- requests


def test_requests_close_a_hui_bao_as_their_own_part():
    document = compose(load_report(EXAMPLE)[0], pack=PACK)
    last = _outline(document)[-1]
    assert last[0].text in PACK.manifest["headings"]["requests"]
    items = last[2][1:]
    # directly under 九、 the items read 一是…二是… (a 1. there would skip the （一） level)
    assert items[0].startswith("一是恳请县卫生健康局将我院老住院楼改造列入县级卫生基础设施项目计划。")
    assert items[1].startswith("二是恳请县文明办协调镇市场监管所")
    assert items[2] == "三是建议将乡镇卫生院纳入全县创城业务培训范围。目前培训只面向县直单位，乡镇卫生院对测评标准的变化掌握不够及时。"


def test_a_request_that_already_begins_with_a_verb_is_written_as_typed():
    report = _report(requests=[{"label": "恳请上级加大对基层卫生院的经费支持"}])
    text = compose(report, pack=PACK).plain_text()
    assert "恳请上级加大对基层卫生院的经费支持。" in text and "建议恳请" not in text


def test_requests_in_a_zong_jie_are_refused_with_a_chinese_message(tmp_path):
    source = tmp_path / "总结.yaml"
    source.write_text(EXAMPLE.read_text(encoding="utf-8").replace("kind: 汇报", "kind: 总结"), encoding="utf-8")
    result = _cli("build", str(source), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = source.read_text(encoding="utf-8").splitlines()
    cited = int(re.search(r"总结\.yaml:(\d+)", result.stderr).group(1))
    assert "requests:" in lines[cited - 2:cited]  # the list, or its first item
    assert "只写在汇报里" in result.stderr and "改为“汇报”" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_verb_led_request_with_an_addressee_is_refused():
    report = _report(requests=[{"label": "建议协调解决用房", "addressee": "县卫生健康局"}])
    found = [(path, message) for path, message, severity in rules.check(report) if severity == "error"]
    assert found == [(("requests", 0, "label"), found[0][1])]
    assert "请删去事项开头的“建议”" in found[0][1] and "恳请县卫生健康局" in found[0][1]


# ---------------------------------------------------------------- provenance and lint


def test_every_sentence_cites_its_fields_and_lines():
    loaded = load(EXAMPLE)
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    assert lint.check(document) == []
    sentences = [s for p in document.blocks if isinstance(p, Paragraph) for s in p.sentences]
    assert sentences and all(s.is_supported for s in sentences)
    by_text = {s.text: s for s in sentences}
    situation = by_text["门诊患者满意度96.5%，按照县卫生健康局年度考核要求，目标为95%，已达到，比上年同期提高2.3个百分点。"]
    assert {s.path.split(".")[0] for s in situation.sources} == {"metrics[0]", "period"}  # 上年同期: the period
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    problem = by_text["高峰时段候诊时间偏长。"]
    assert [s.path for s in problem.sources] == ["problems[0].label"]
    where = int(problem.sources[0].location.rsplit(":", 2)[-2])
    assert "高峰时段候诊时间偏长" in lines[where - 1]
    request = next(s for s in sentences if s.text.startswith("恳请县文明办"))
    assert {s.path for s in request.sources} == {"requests[1].addressee", "requests[1].label"}
    for cited in request.sources:
        assert EXAMPLE.name in cited.location
    lead = next(s for s in sentences if s.text.endswith("建议：") or s.text.endswith("意见和建议："))
    assert lead.is_framing and lead.phrase == "建议.引语"


def test_the_example_builds_lint_clean_to_every_format(tmp_path):
    result = _cli("build", str(EXAMPLE), "-o", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "提示" not in result.stdout + result.stderr
    for suffix in ("md", "docx", "xlsx"):
        assert (tmp_path / f"{EXAMPLE.stem}.{suffix}").stat().st_size > 0


# ---------------------------------------------------------------- workbook


def test_workbook_carries_layout_problem_themes_and_requests(tmp_path):
    report, _ = load_report(EXAMPLE)
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_workbook(report))
    book = openpyxl.load_workbook(path)
    assert "意见和建议" in book.sheetnames
    headers = [c.value for c in book["意见和建议"][3]]
    assert {"*建议事项", "提出对象", "理由或说明"} <= set(headers)
    assert "所属方面" in [c.value for c in book["存在问题"][3]]
    data, _ = load_xlsx(path)
    again = Report.model_validate(data)
    assert again.layout == "专题"
    assert again.requests == report.requests
    assert [p.theme for p in again.problems] == [p.theme for p in report.problems]


def test_blank_form_offers_the_requests_sheet(tmp_path):
    result = _cli("init", "--xlsx", "-o", str(tmp_path / "form.xlsx"), cwd=tmp_path)
    if result.returncode != 0:  # the option spelling is the CLI's; find the written file either way
        result = _cli("init", "--xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = next(tmp_path.glob("*.xlsx"))
    book = openpyxl.load_workbook(written)
    assert "意见和建议" in book.sheetnames
    notes = "".join(str(c.value or "") for row in book["填写说明"].iter_rows() for c in row)
    assert "只用于汇报" in notes
    info = [[c.value for c in row] for row in book["单位信息"].iter_rows()]
    layout_row = next(row for row in info if "正文结构" in row)
    assert "常规" in layout_row  # the default is shown, with 专题 in the dropdown


def test_the_starter_shows_layout_and_requests_and_they_work_when_uncommented():
    """`init --type` writes them commented out; a clerk who switches to 汇报 and uncomments gets them."""
    from reportgen import starter
    from reportgen.loaders import validate_data
    from reportgen.loaders.yaml_loader import load_yaml

    text = starter.yaml_text("卫生院", year=2025)
    assert "# layout: 专题" in text and "# requests:" in text
    text = text.replace("kind: 总结", "kind: 汇报").replace("# layout: 专题", "layout: 专题")
    text = re.sub(r"^# (requests:|  - label:|    addressee:|    detail:)", r"\1", text, flags=re.M)
    data, source = load_yaml(Path("s.yaml"), text=text)
    report, warnings = validate_data(data, source)
    assert warnings == [] and report.layout == "专题" and len(report.requests) == 1
    document = compose(report, pack=PACK)
    assert lint.check(document) == []
    assert _outline(document)[-1][0].text in PACK.manifest["headings"]["requests"]


def test_workbook_refusals_name_the_requests_sheet_and_cell(tmp_path):
    """Typed in the workbook, the same refusals point at 意见和建议!B4 (the first request's 建议事项)."""
    report, _ = load_report(EXAMPLE)
    cases = {
        "zongjie.xlsx": (report.model_copy(update={"kind": "总结"}), "只写在汇报里"),
        "verb.xlsx": (report.model_copy(update={"requests": [report.requests[0].model_copy(update={"label": "建议加快改造"})]}),
                      "请删去事项开头的“建议”"),
    }
    for name, (changed, message) in cases.items():
        (tmp_path / name).write_bytes(render_workbook(changed))
        result = _cli("validate", name, cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        output = result.stdout + result.stderr
        assert f"{name} 意见和建议!B4 建议事项：" in output and message in output


def test_an_explicit_list_style_is_followed_everywhere_in_the_topic_layout():
    document = compose(_report(list_style="一是"), pack=PACK)
    service = _part(document, "窗口服务")
    assert [t[:2] for t in service[2] if t[:2] in ("一是", "二是", "三是", "1.", "2.", "3.")] == ["一是", "二是", "三是"]
