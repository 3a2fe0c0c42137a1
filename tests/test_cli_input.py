"""The input side of the command line: init (and its starter YAML), validate, schema.

Commands run in a real subprocess where exit codes and stderr matter: a user must never see a
Python traceback, whatever they feed in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgen import starter
from reportgen.cli import app
from reportgen.loaders import validate_data
from reportgen.loaders.yaml_loader import load_yaml
from reportgen.model import PLACEHOLDER, SELF_REFERENCE, UNIT_GROUP
from reportgen.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TYPES = list(SELF_REFERENCE)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = "import sys; from reportgen.cli import main; sys.argv[0] = 'reportgen'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


# ---------------------------------------------------------------- the starter YAML


@pytest.mark.parametrize("unit_type", TYPES)
def test_starter_is_valid_for_every_unit_type(unit_type):
    text = starter.yaml_text(unit_type, year=2024)
    data, source = load_yaml(Path(f"{unit_type}.yaml"), text=text)
    report, warnings = validate_data(data, source)
    assert warnings == []
    assert report.unit.type == unit_type
    assert report.period.year == 2024
    assert all(plan.year == 2025 for plan in report.plans)
    assert report.activities and report.metrics and report.problems and report.plans and report.mechanisms


@pytest.mark.parametrize("unit_type", TYPES)
def test_starter_is_commented_and_type_specific(unit_type):
    text = starter.yaml_text(unit_type, year=2024)
    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    assert lines[0].endswith("report.schema.json")
    own, everyone = SELF_REFERENCE[unit_type]
    assert f"自称“{own}”、全体称“{everyone}”" in text
    assert f"  type: {unit_type} " in text
    commented = [line for line in lines if "# " in line and not line.startswith("#")]
    assert len(commented) >= 40
    values = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert not PLACEHOLDER.search(values)
    assert "\t" not in text


def test_starter_values_fit_the_unit_type():
    hospital = starter.yaml_text("医院", year=2024)
    assert "门诊" in hospital and "theme: 窗口服务" in hospital and "theme: 控烟" in hospital
    school = starter.yaml_text("学校", year=2024)
    assert "文明班级" in school and "门诊" not in school
    town = starter.yaml_text("镇", year=2024)
    assert "theme: 市容秩序" in town and "常住人口" in town
    bureau = starter.yaml_text("局", year=2024)
    assert "理论学习" in bureau and "包保小区" in bureau
    station = starter.yaml_text("客运站", year=2024)
    assert "售票厅" in station and "春运" in station


def test_starters_differ_between_groups():
    texts = {UNIT_GROUP[t]: starter.yaml_text(t, year=2024) for t in TYPES}
    assert len(set(texts.values())) == len(set(UNIT_GROUP.values()))


def test_starter_dates_follow_the_year():
    text = starter.yaml_text("社区", year=2031)
    assert "2031-03-05" in text and "2024-" not in text
    data, source = load_yaml(Path("s.yaml"), text=text)
    report, _ = validate_data(data, source)
    assert {plan.year for plan in report.plans} == {2032}


def test_starter_default_year_is_valid():
    text = starter.yaml_text("社区")
    data, source = load_yaml(Path("s.yaml"), text=text)
    validate_data(data, source)


def test_starter_refuses_an_unknown_type():
    with pytest.raises(ValueError):
        starter.yaml_text("小区")


def test_starter_has_no_workbook_code():
    assert not hasattr(starter, "workbook")


# ---------------------------------------------------------------- init


@pytest.mark.parametrize("unit_type", TYPES)
def test_init_writes_a_valid_file_for_every_type(unit_type, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init", "--type", unit_type])
    assert result.exit_code == 0, result.output
    assert "已生成 reportgen.yaml" in result.output
    checked = runner.invoke(app, ["validate", "reportgen.yaml"])
    assert checked.exit_code == 0, checked.output
    assert "reportgen.yaml：检查通过" in checked.output


def test_init_defaults_to_a_community(tmp_path):
    result = cli("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  type: 社区 " in (tmp_path / "reportgen.yaml").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("# 我已经填了很多内容\n", encoding="utf-8")
    result = cli("init", "--type", "医院", "-o", "mine.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "mine.yaml：文件已存在：如要覆盖请加 --force，或用 -o 指定别的文件名"
    assert target.read_text(encoding="utf-8") == "# 我已经填了很多内容\n"
    assert "Traceback" not in result.stderr

    forced = cli("init", "--type", "医院", "-o", "mine.yaml", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "  type: 医院 " in target.read_text(encoding="utf-8")


def test_init_unknown_type_is_a_usage_error(tmp_path):
    result = cli("init", "--type", "小区", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("不认识的单位类型“小区”：可选 社区、居委会、")
    assert not (tmp_path / "reportgen.yaml").exists()


# ---------------------------------------------------------------- validate


def test_validate_examples_exit_0(tmp_path):
    result = cli("validate", *map(str, EXAMPLES), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [f"{p}：检查通过" for p in EXAMPLES]


def test_validate_reports_every_error_and_exits_1(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "unit: {name: 某某社区, type: 社区}\n"
        "period: {year: 2024, type: 上半年}\n"
        "activities:\n"
        "  - {theme: 环境卫生, title: 大扫除, date: 2024-6-5}\n",
        encoding="utf-8",
    )
    result = cli("validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "bad.yaml:1:14 unit.name：含有占位符“某某”：请填写真实内容，或删除这一项",
        "bad.yaml:4:37 activities[0].date：日期应写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023",
        "bad.yaml：共 2 处问题，请修改后重试。",
    ]
    assert result.stdout == ""


def test_validate_good_and_bad_together(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    result = cli("validate", str(EXAMPLES[0]), "empty.yaml", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{EXAMPLES[0]}：检查通过"]
    assert result.stderr.splitlines() == [
        "empty.yaml：文件是空的：请先用 reportgen init 生成示例再修改",
        "empty.yaml：共 1 处问题，请修改后重试。",
        "missing.yaml：数据文件不存在：请检查路径和文件名",
        "missing.yaml：共 1 处问题，请修改后重试。",
        "2 个文件有问题，请修改后重试。",
    ]


def test_validate_prints_warnings_but_passes(tmp_path):
    (tmp_path / "w.yaml").write_text(
        "unit: {name: 槐树里社区, type: 社区}\nperiod: {year: 2024}\n"
        "problems:\n  - {id: a, label: 宣传不足}\n  - {id: b, label: 经费紧张}\n"
        "plans:\n  - {label: 加大宣传, addresses: [a], year: 2025}\n",
        encoding="utf-8",
    )
    result = cli("validate", "w.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "w.yaml:5:5 problems[1]：提示：问题“经费紧张”没有对应的下一步措施",
        "w.yaml:1:1 signature.date：提示：没有填写成文日期：生成的文件中落款日期留空，"
        "请补填成文日期（格式如 2024-06-05），或打印后手写",
    ]
    assert result.stdout.splitlines() == ["w.yaml：检查通过"]


@pytest.mark.parametrize(("args", "needle"), [((), "缺少参数"), (("--bogus", "x.yaml"), "没有选项 --bogus")])
def test_validate_usage_errors_exit_2(tmp_path, args, needle):
    result = cli("validate", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


BAD_INPUTS: dict[str, bytes] = {
    "syntax.yaml": "unit:\n  name: a\n type: 社区\n".encode(),
    "tab.yaml": "unit:\n\tname: a\n".encode(),
    "dup.yaml": "unit: {name: a, type: 社区}\nunit: {name: b, type: 社区}\n".encode(),
    "tag.yaml": "unit: !!python/object/apply:os.system ['echo pwned']\n".encode(),
    "bomb.yaml": ("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))).encode(),
    "deep.yaml": ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "empty.yaml": b"",
    "multi.yaml": b"a: 1\n---\nb: 2\n",
    "list.yaml": b"- 1\n- 2\n",
    "nan.yaml": "unit: {name: a, type: 社区}\nperiod: {year: .nan}\n".encode(),
    "baddate.yaml": "unit: {name: a, type: 社区}\nperiod: {year: 2024}\nsignature: {date: 2024-13-45}\n".encode(),
    "control.yaml": b"unit: {name: a\x07b, type: x}\n",
    "binary.yaml": bytes(range(256)) * 4,
    "utf32.yaml": "unit: a\n".encode("utf-32"),
    "numbers.yaml": b"unit: 1\nperiod: [1, 2]\nmetrics: 3\n",
    "huge-number.yaml": "unit: {name: a, type: 社区}\nperiod: {year: 2024}\nmetrics:\n  - {label: a, theme: 志愿服务, value: 1e400, unit: 人}\n".encode(),
    "key-types.yaml": b"? [a]\n: 1\n",
    "starter.xlsm": b"PK\x03\x04",
    "notes.txt": b"unit: a\n",
}


def test_no_traceback_for_any_bad_input(tmp_path):
    for name, raw in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    (tmp_path / "folder.yaml").mkdir()
    names = [*BAD_INPUTS, "big.yaml", "folder.yaml", "absent.yaml"]
    result = cli("validate", *names, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert "Error" not in result.stderr and "内部错误" not in result.stderr
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == f"{len(names)} 个文件有问题，请修改后重试。"
    for name in names:
        assert any(line.startswith(name) for line in lines), name
    assert not (tmp_path / "pwned").exists()


def test_no_traceback_from_build_on_bad_input(tmp_path):
    (tmp_path / "bad.yaml").write_text("unit: {name: a, type: 社区}\nperiod: {year: 2024, type: 半年}\n", encoding="utf-8")
    result = cli("build", "bad.yaml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == "bad.yaml:2:28 period.type：取值应为以下之一：上半年、下半年、全年、季度、月度、阶段、专项、近年来、多年"
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


# ---------------------------------------------------------------- schema


def test_schema_command_prints_the_schema_as_json(tmp_path):
    result = cli("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == schema_text()
    schema = json.loads(result.stdout)
    assert schema["title"] == "Report"
    assert "unit" in schema["properties"] and "Activity" in schema["$defs"]


def test_validate_refuses_what_build_would_refuse_and_says_where_it_was_typed(tmp_path):
    """检查通过 means build will write the files: text the linter refuses fails validate too, located."""
    data = tmp_path / "g.yaml"
    data.write_text("unit: {name: 柳湾社区, type: 社区}\nperiod: {year: 2024}\nactivities:\n"
                    "  - {theme: 环境卫生, title: 大扫除, kind: 整治, date: 2024-03-09, content: 活动活动很好}\n"
                    "signature: {date: 2024-12-20}\n", encoding="utf-8")
    checked = CliRunner().invoke(app, ["validate", str(data)])
    built = CliRunner().invoke(app, ["build", str(data), "-o", str(tmp_path / "out")])
    assert checked.exit_code == built.exit_code == 1
    for result in (checked, built):
        assert "活动活动" in result.output and f"{data}:4:" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_file_name_that_reads_like_a_blank_still_builds(tmp_path):
    """The 文字依据 sheet cites the input by name; xx社区.yaml is a name the clerk chose, not a placeholder."""
    data = tmp_path / "xx社区.yaml"
    data.write_text("unit: {name: 柳湾社区, type: 社区}\nperiod: {year: 2024}\nactivities:\n"
                    "  - {theme: 环境卫生, title: 大扫除, kind: 整治, date: 2024-03-09, attendance: 20}\n"
                    "signature: {date: 2024-12-20}\n", encoding="utf-8")
    built = CliRunner().invoke(app, ["build", str(data), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "out" / "xx社区.xlsx").is_file()


def test_starter_comments_are_the_models_own_descriptions():
    """The choices and meanings the starter file gives come from the model, as the schema's do, so a
    value added to a vocabulary (campaign level 国家) reaches the starter file without a hand edit."""
    from reportgen import model as m
    from reportgen.starter import yaml_text

    lines = yaml_text("社区", 2024).splitlines()

    def comment(prefix: str) -> str:
        line = next(x for x in lines if x.startswith(prefix))
        return line.split(" # ", 1)[1].strip()

    assert comment("  level:") == m.Campaign.model_fields["level"].description
    assert comment("  type: 全年") == m.Period.model_fields["type"].description
    assert comment("kind:") == m.Report.model_fields["kind"].description
    assert comment("      relation:") == m.Superior.model_fields["relation"].description
    assert not any(x.rstrip().endswith("# =") for x in lines)
