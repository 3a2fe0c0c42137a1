"""The roll-up for the superior office: 汇总.xlsx (rows, totals, ranking, chart) and the 汇总 summary."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from reportgen import lint
from reportgen.cli import app
from reportgen.document import Heading, Paragraph
from reportgen.loaders import load_report
from reportgen.rollup import compose_rollup, indicator_totals, ranked, summarise, workbook, workbook_book

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MINIMAL = (ROOT / "examples" / "minimal.yaml").read_text(encoding="utf-8")


def _unit(folder: Path, stem: str, name: str, volunteers: int, target: int = 400) -> Path:
    text = (MINIMAL.replace("青枫市东湖区柳荫街道竹园社区", name)
            .replace("{name: " + name, "{parent: 柳荫街道办事处, name: " + name)
            .replace("value: 420, unit: 人, target: 400", f"value: {volunteers}, unit: 人, target: {target}"))
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def summaries(tmp_path: Path):
    units = [("a", "柳荫街道竹园社区", 300), ("b", "柳荫街道桃源社区", 500), ("c", "柳荫街道杏林社区", 420)]
    return [summarise(load_report(_unit(tmp_path, s, n, v))[0], tmp_path / f"{s}.yaml") for s, n, v in units]


def test_ranking_by_attainment_then_completion(summaries):
    order = [(rank, s.display_name) for rank, s in ranked(summaries)]
    assert order == [(1, "柳荫街道桃源社区"), (2, "柳荫街道杏林社区"), (3, "柳荫街道竹园社区")]


def test_workbook_rows_totals_and_chart(summaries):
    wb = load_workbook(io.BytesIO(workbook(summaries)))
    assert wb.sheetnames == ["单位汇总", "指标明细", "指标合计"]
    ws = wb["单位汇总"]
    assert ws["A1"].value.startswith("柳荫街道办事处")
    assert [c.value for c in ws[3]][:3] == ["排名", "单位", "类型"]
    assert [ws.cell(r, 2).value for r in (4, 5, 6)] == ["柳荫街道桃源社区", "柳荫街道杏林社区", "柳荫街道竹园社区"]
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == [1, 2, 3]  # 排名 a number, not text
    total = [c.value for c in ws[7]]
    assert total[0] == "合计" and total[3] == 9 and total[4] == 3 * (85 + 60 + 70)  # numbers, not text
    assert total[7] == 3 and total[8] == 2 and total[9] == pytest.approx(0.667)
    assert ws.cell(6, 10).value == 0 and ws.cell(6, 10).number_format == "0.0%"
    assert ws["D7"].number_format == "#,##0" and ws["D7"].alignment.horizontal == "right"
    chart = workbook_book(summaries)["单位汇总"].charts[0]
    assert [s.values for s in chart.series] == [(10, 4, 6), (11, 4, 6)]  # 达标率 and 平均完成率 of the three
    with zipfile.ZipFile(io.BytesIO(workbook(summaries))) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
    detail = wb["指标明细"]
    assert detail.max_row == 3 + 3 * 2  # one row per unit per indicator
    volunteers = [r for r in detail.iter_rows(min_row=4, values_only=True) if r[3] == "注册志愿者"]
    assert sorted(r[6] for r in volunteers) == [300, 420, 500]
    assert {r[1] for r in volunteers} == {1}  # 序号 a number
    totals = {r[1]: r for r in wb["指标合计"].iter_rows(min_row=4, values_only=True)}
    assert totals["注册志愿者"][4] == 1220 and totals["注册志愿者"][9] == 2
    assert totals["清理卫生死角"][4] == 3 * 28


def test_every_rollup_sheet_prints_a4_landscape_one_page_wide(summaries):
    wb = load_workbook(io.BytesIO(workbook(summaries)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$3:$3"
        assert ws["A3"].font.name == "宋体"
        assert "&P" in ws.oddFooter.center.text


def test_workbook_is_reproducible_and_keeps_formula_text_as_text(summaries):
    summaries[0].honours = ["=HYPERLINK(\"x\")"]
    first, second = workbook(summaries), workbook(summaries)
    assert first == second
    ws = load_workbook(io.BytesIO(first))["单位汇总"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"


def test_summary_document_reads_as_a_report(summaries):
    document = compose_rollup(summaries)
    assert lint.check(document) == []
    text = document.plain_text()
    assert document.title.startswith("柳荫街道办事处")
    assert "3个社区" in text
    assert re.search(r"活动[^。，；]*?9项", text)  # the units' 3 + 3 + 3 activities, whatever the wording
    assert "参与645人次" in text and "群众" not in text  # staff and volunteers are not all 群众
    assert [h.number for h in document.headings() if h.level == 1] == ["一、", "二、", "三、"]
    assert "达标率低于60%" in text  # 竹园 missed its one target
    assert document.attachments[0].blocks[0].rows[0][:2] == ("1", "柳荫街道桃源社区")
    assert document.signature is not None and document.signature.unit == "柳荫街道办事处"


def test_examples_roll_up_without_lint_findings():
    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    document = compose_rollup(summaries, name="东湖区文明办")
    assert lint.check(document) == []
    assert "东湖区文明办" in document.title


def test_rollup_command_writes_only_the_rollup(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    _unit(folder, "a", "柳荫街道竹园社区", 300)
    _unit(folder, "b", "柳荫街道桃源社区", 500)
    (folder / "broken.yaml").write_text("unit: {name: 社区}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["rollup", str(folder), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "broken.yaml" in result.output
    assert sorted(p.name for p in out.iterdir() if p.suffix != ".docx") == ["汇总.md", "汇总.xlsx"]
    assert not (out / "a.md").exists()


def test_shared_problems_are_listed_once_each_without_repeated_sentences(summaries):
    for s in summaries:
        s.problems = ["宣传阵地不足", "志愿者队伍老化"] + (["经费紧张"] if s.file != "a" else [])
    document = compose_rollup(summaries)
    assert lint.check(document) == []
    text = document.plain_text()
    # the problems close the report, in its last section (whatever its heading says), each listed as
    # often as the others (one item apiece, not once per unit) and no sentence said twice
    problems = ("宣传阵地不足", "志愿者队伍老化", "经费紧张")
    last = max(i for i, b in enumerate(document.blocks) if isinstance(b, Heading) and b.level == 1)
    tail = "".join(b.text for b in document.blocks[last + 1:] if isinstance(b, Paragraph))
    assert all(text.count(p) == tail.count(p) > 0 for p in problems) and len({tail.count(p) for p in problems}) == 1, tail
    sentences = [s for s in re.split(r"(?<=。)", tail) if s]
    assert len(sentences) == len(set(sentences)), tail


def test_many_units_stay_readable(summaries):
    import copy

    many = []
    for i in range(45):
        s = copy.copy(summaries[i % 3])
        s.file, s.name, s.display_name = f"u{i}", f"第{i + 1}社区", f"第{i + 1}社区"
        many.append(s)
    document = compose_rollup(many)
    assert lint.check(document) == []
    assert len([h for h in document.headings() if h.level == 2]) == 20  # the rest are in the workbook
    assert "其余25个社区的情况见汇总表" in document.plain_text()
    assert len(document.attachments[0].blocks[0].rows) == 45


def test_workbook_text_goes_through_the_linter(summaries):
    from reportgen.lint import LintError

    with pytest.raises(LintError, match="某某"):
        workbook_book(summaries, name="某某街道办事处")  # --name is typed on the command line, not validated
    assert workbook_book(summaries, name="柳荫街道办事处").texts()


def test_units_without_a_signature_date_roll_up(tmp_path):
    """No unit gave a 成文日期: the roll-up is still written, and its own date line stays blank."""
    paths = [_unit(tmp_path, s, n, v) for s, n, v in (("a", "柳荫街道竹园社区", 450), ("b", "柳荫街道桃源社区", 500))]
    for path in paths:
        path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("signature:")) + "\n", encoding="utf-8")
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    assert all(s.period_end is None for s in summaries)
    document = compose_rollup(summaries)
    assert document.signature is None or document.signature.date == ""
    assert workbook(summaries)


def test_when_every_unit_meets_every_target_the_summary_says_all(tmp_path):
    """Not “设定目标的2项指标中，2项达到”: a count of all is said as 全部."""
    paths = [_unit(tmp_path, s, n, v) for s, n, v in (("a", "柳荫街道竹园社区", 450), ("b", "柳荫街道桃源社区", 500))]
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    text = "\n".join(r.text for b in compose_rollup(summaries).blocks if hasattr(b, "runs") for r in b.runs)
    assert "设定目标的2项指标全部达到目标" in text
    assert "2项指标中，2项" not in text


def test_indicator_sums_across_units_keep_an_honest_marker(tmp_path):
    """超过 400 + 500 is “900人以上”; a 约 part leaves the sum unsaid in the text and marked in the sheet."""
    def units(approx_a: str) -> list:
        paths = [_unit(tmp_path, s, n, v) for s, n, v in (("a", "柳荫街道竹园社区", 450), ("b", "柳荫街道桃源社区", 500))]
        text = paths[0].read_text(encoding="utf-8").replace("value: 450, unit: 人,", f"value: 450, unit: 人, approx: {approx_a},")
        paths[0].write_text(text, encoding="utf-8")
        return [summarise(load_report(p)[0], p) for p in paths]

    def said(summaries) -> str:
        return "\n".join(r.text for b in compose_rollup(summaries).blocks if hasattr(b, "runs") for r in b.runs)

    lower = units("超过")
    (volunteers,) = [t for t in indicator_totals(lower) if t.label == "注册志愿者"]
    assert (volunteers.value, volunteers.approx) == (950, "以上")
    assert "注册志愿者合计950人以上" in said(lower)
    near = units("约")
    (volunteers,) = [t for t in indicator_totals(near) if t.label == "注册志愿者"]
    assert volunteers.approx is None
    assert "注册志愿者合计" not in said(near)
    sheet = load_workbook(io.BytesIO(workbook(near)))["指标合计"]
    assert any(row and "合计（含约数）" in row for row in sheet.iter_rows(values_only=True))


def test_a_profile_figure_is_not_summed_as_an_indicator(tmp_path):
    paths = [_unit(tmp_path, s, n, v) for s, n, v in (("a", "柳荫街道竹园社区", 450), ("b", "柳荫街道桃源社区", 500))]
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "metrics:\n", "metrics:\n  - {label: 常住人口, theme: 志愿服务, value: 8000, unit: 人, profile: true}\n"), encoding="utf-8")
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    assert "常住人口" not in {t.label for t in indicator_totals(summaries)}
    assert "常住人口" not in "".join(r.text for b in compose_rollup(summaries).blocks if hasattr(b, "runs") for r in b.runs)


def test_a_lagging_unit_is_never_said_to_lead(tmp_path):
    paths = [_unit(tmp_path, s, n, v) for s, n, v in (("a", "柳荫街道竹园社区", 450), ("b", "柳荫街道桃源社区", 100))]
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    text = "".join(r.text for b in compose_rollup(summaries).blocks if hasattr(b, "runs") for r in b.runs)
    assert "柳荫街道竹园社区位居前列" in text
    assert not re.search(r"桃源社区[^。]*位居前列", text)


def test_one_indicator_gives_one_total_per_period_whatever_each_unit_named_it():
    """注册志愿者 and 实名注册志愿者 share the key ``volunteers``; a unit that wrote 注册志愿者 without a
    key joins them. Figures of different 总结期 are never added: each total names its period."""
    from reportgen.rollup import indicator_totals

    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    volunteers = [t for t in indicator_totals(summaries) if "注册志愿者" in t.label and t.unit == "人"]
    periods = {s.period_label for s in summaries}
    reporting = {s.period_label for s in summaries for r in s.indicators if "注册志愿者" in r.label}
    named = sum(1 for s in summaries if any(not r.depth and r.unit == "人" and r.label in ("注册志愿者", "实名注册志愿者")
                                             for r in s.indicators))
    assert len(volunteers) == len(reporting) and sum(t.units for t in volunteers) == named >= 5
    for total in volunteers:
        period = next(p for p in periods if total.label.startswith(p))
        assert total.value == sum(r.value for s in summaries if s.period_label == period for r in s.indicators
                                  if not r.depth and r.unit == "人" and r.label in ("注册志愿者", "实名注册志愿者"))


def test_units_are_ranked_only_against_units_of_the_same_period():
    from reportgen.rollup import ranking_table

    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    order = ranked(summaries)
    firsts = [s.period_label for rank, s in order if rank == 1]
    assert sorted(firsts) == sorted({s.period_label for s in summaries if s.target_count})  # no targets, no rank
    table = ranking_table(summaries, "表")
    assert [c.name for c in table.columns][2] == "总结期"


def test_the_run_says_what_it_could_not_decide(tmp_path):
    from reportgen.rollup import warnings

    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    said = warnings(summaries)
    assert any("没有落款" in w and "--name" in w for w in said)
    assert any("总结期不同" in w for w in said)
    assert not any("没有落款" in w for w in warnings(summaries, "东湖区文明办"))
    result = CliRunner().invoke(app, ["rollup", *map(str, EXAMPLES), "-o", str(tmp_path / "out")])
    assert "没有落款" in result.output and "--name" in result.output


def test_figures_in_different_measure_words_are_never_added(tmp_path):
    from reportgen.rollup import indicator_totals

    people = _unit(tmp_path, "a", "柳荫街道竹园社区", 300)
    visits = _unit(tmp_path, "b", "柳荫街道桃源社区", 500)
    visits.write_text(visits.read_text(encoding="utf-8").replace("value: 500, unit: 人,", "value: 500, unit: 人次,"), encoding="utf-8")
    summaries = [summarise(load_report(p)[0], p) for p in (people, visits)]
    totals = {t.unit: t.value for t in indicator_totals(summaries) if t.label == "注册志愿者"}
    assert totals == {"人": 300, "人次": 500}


def test_units_of_different_periods_get_a_period_column_and_a_chart_of_one_period():
    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    book = workbook_book(summaries, "东湖区文明办")
    sheet = book["单位汇总"]
    headers = [sheet.value(3, c) for c in range(1, 16)]
    assert headers[3] == "总结期"
    chart = sheet.charts[0]
    first = sheet.value(chart.series[0].values[1], 4)
    assert chart.title.startswith(first)
    assert all(sheet.value(r, 4) == first for r in range(chart.series[0].values[1], chart.series[0].values[2] + 1))
    assert [s.values[0] for s in chart.series] == [headers.index("达标率") + 1, headers.index("平均完成率") + 1]


def test_attendance_is_said_in_person_times_only_and_never_beyond_what_the_activities_give(tmp_path):
    """Each unit's line and the opening add up 人次 only (people at different activities overlap); when
    some activities count people the total says how many it covers, and a 约 figure leaves it unsaid,
    so no total contradicts the activities listed beside it."""
    def unit(stem: str, name: str, last: str) -> Path:
        path = _unit(tmp_path, stem, name, 420)
        text = path.read_text(encoding="utf-8").replace("attendance: 70}", last)
        path.write_text(text, encoding="utf-8")
        return path

    def said(paths) -> str:
        summaries = [summarise(load_report(p)[0], p) for p in paths]
        return "\n".join(r.text for b in compose_rollup(summaries).blocks if hasattr(b, "runs") for r in b.runs)

    people = unit("a", "柳荫街道竹园社区", "attendance: 600, attendance_approx: 多, attendance_unit: 人}")
    visits = unit("b", "柳荫街道桃源社区", "attendance: 70}")
    text = said([people, visits])
    assert re.search("柳荫街道竹园社区(开展创建活动|组织各类活动)3项，其中2项参与145人次，", text)  # 85 + 60, not the 600多人
    assert re.search("柳荫街道桃源社区(开展创建活动|组织各类活动)3项，参与215人次，", text)
    assert "其中5项参与360人次。" in text.split("\n")[0]  # the opening: 145 + 215 of the 6 activities
    assert "600" not in text.split("\n")[0]
    near = unit("c", "柳荫街道杏林社区", "attendance: 70, attendance_approx: 约}")
    text = said([near, visits])
    assert "145" not in text and "参与215人次" in text  # 85 + 60 + 约70 cannot be summed
    assert "参与" not in text.split("。")[0]  # nor the opening


def test_requests_to_superiors_are_listed_unit_by_unit_as_worded():
    """A 汇报's requests reach the office that rolls it up, in the unit's words; without any, no such part."""
    def said(document) -> str:
        return "\n".join(b.text if isinstance(b, Heading) else "".join(r.text for r in b.runs)
                         for b in document.blocks if isinstance(b, (Heading, Paragraph)))

    paths = [ROOT / "examples" / "weishengyuan-2025-jieduan.yaml", ROOT / "examples" / "minimal.yaml"]
    summaries = [summarise(load_report(p)[0], p) for p in paths]
    text = said(compose_rollup(summaries, name="县文明办"))
    assert "\n各单位提出的意见建议\n" in text
    assert ("白沙镇卫生院：建议县卫生健康局将我院老住院楼改造列入县级卫生基础设施项目计划；"
            "建议县文明办协调镇市场监管所加强卫生院门口摊点管理；建议将乡镇卫生院纳入全县创城业务培训范围。") in text
    assert "意见建议" not in said(compose_rollup(summaries[1:], name="县文明办"))


def test_a_unit_listed_in_several_places_is_made_template_data_once(summaries):
    """The roll-up lists a unit under 排名, 达标, 荣誉…; each unit becomes one read-only Record however
    often it appears, and values a property makes afresh on each call are never mixed up."""
    from dataclasses import dataclass

    from reportgen.compose.facts import Record, plain_data

    @dataclass
    class Fresh:
        n: int

        @property
        def twice(self) -> list:
            return [self.n * 2]  # a new list on every call: its id may be reused once it is freed

    context = {"order": summaries, "shown": summaries[:2], "fresh": [Fresh(i) for i in range(50)]}
    plain = plain_data(context)
    assert all(isinstance(r, Record) for r in plain["order"])
    assert plain["shown"][0] is plain["order"][0] and plain["shown"][1] is plain["order"][1]
    assert [r.twice for r in plain["fresh"]] == [(i * 2,) for i in range(50)]
