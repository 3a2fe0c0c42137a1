"""`reportgen templates list/show` and `build --templates DIR`: overriding single templates, and
located messages (file and line, exit 1, no traceback) for broken user templates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "reportgen"
MINIMAL = ROOT / "examples" / "minimal.yaml"
STANDARD = ROOT / "templates" / "standard"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(EXE)] if EXE.exists() else [sys.executable, "-c", "from reportgen.cli import main; main()"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=120)


def build_md(tmp_path: Path, templates: Path | None = None) -> tuple[subprocess.CompletedProcess, str]:
    out = tmp_path / "out"
    args = ["build", str(MINIMAL), "-o", str(out)]
    if templates is not None:
        args += ["--templates", str(templates)]
    result = run(*args)
    md = out / "minimal.md"
    return result, md.read_text(encoding="utf-8") if md.exists() else ""


def test_templates_list_names_every_template():
    result = run("templates", "list")
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    for name in ("title.j2", "opening.j2", "closing.j2", "macros.j2", "achievements.j2", "problems.j2", "plans.j2",
                 "themes/base.j2", "themes/generic.j2", "themes/leadership.j2"):
        assert name in names
    assert "（自定义）" not in result.stdout


def test_templates_show_prints_the_source():
    result = run("templates", "show", "opening.j2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (STANDARD / "opening.j2").read_text(encoding="utf-8")


def test_templates_show_a_theme_template():
    result = run("templates", "show", "themes/leadership.j2")
    assert result.returncode == 0
    assert "领导小组" in result.stdout and "extends" in result.stdout


def test_templates_show_unknown_name_fails_cleanly():
    result = run("templates", "show", "nope.j2")
    assert result.returncode == 1
    assert "nope.j2" in result.stderr and "templates list" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def override(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    return folder


def test_override_one_section_and_fall_back_for_the_rest(tmp_path, override):
    (override / "closing.j2").write_text("{{ figures.period_label }}，{{ me }}的工作到此告一段落。\n", encoding="utf-8")
    result, md = build_md(tmp_path, override)
    assert result.returncode == 0, result.stderr
    assert "2024年上半年，我社区的工作到此告一段落。" in md
    assert "现将2024年上半年创建全国文明城市工作总结如下：" in md  # opening from the standard pack
    assert "## 一、" in md


def test_override_that_states_an_unreported_measure_is_refused(tmp_path, override):
    """A user's template cannot slip a claim in: a sentence that cites no data and is not in the
    phrase file is refused with the template file and line, and no file is written."""
    (override / "closing.j2").write_text("{{ me }}坚持人防、物防、技防相结合，联合执法力量开展集中整治。\n", encoding="utf-8")
    result, _ = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "closing.j2 第 1 行" in result.stderr and "phrases.yaml" in result.stderr, result.stderr
    assert not (tmp_path / "out" / "minimal.docx").exists()


def test_override_phrases_are_merged_key_by_key(tmp_path, override):
    (override / "phrases.yaml").write_text("结尾:\n  总之: [总之，【我】会把每一项任务坚持做下去。]\n", encoding="utf-8")
    result, md = build_md(tmp_path, override)
    assert result.returncode == 0, result.stderr
    assert "总之，我社区会把每一项任务坚持做下去。" in md
    assert "现将2024年上半年" in md  # the other phrases still come from the standard file


def test_override_is_marked_in_list_and_shown(override):
    (override / "closing.j2").write_text("自定义结尾。\n", encoding="utf-8")
    listed = run("templates", "list", "--templates", str(override))
    assert "closing.j2  （自定义）" in listed.stdout
    assert "opening.j2  （自定义）" not in listed.stdout
    shown = run("templates", "show", "closing.j2", "--templates", str(override))
    assert shown.stdout == "自定义结尾。\n"


def test_override_a_theme_template(tmp_path, override):
    (override / "themes").mkdir()
    (override / "themes" / "volunteer.j2").write_text(
        "{% if activities %}志愿服务方面，{{ me }}开展了{{ activities | map(attribute='title') | join('、') }}。{% endif %}\n",
        encoding="utf-8")
    (override / "manifest.yaml").write_text("theme_templates:\n  志愿服务: volunteer\n", encoding="utf-8")
    result, md = build_md(tmp_path, override)
    assert result.returncode == 0, result.stderr
    assert "志愿服务方面，我社区开展了学雷锋志愿服务。" in md
    assert "小区环境卫生大扫除" in md  # the manifest was merged, not replaced: the other themes still render


def test_syntax_error_names_file_and_line(tmp_path, override):
    (override / "closing.j2").write_text("第一行。\n第二行。\n{% if me %}没有结束\n", encoding="utf-8")
    result, md = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "closing.j2" in result.stderr and "第 3 行" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "minimal.docx").exists()


def test_unclosed_expression_is_located(tmp_path, override):
    (override / "opening.j2").write_text("{{ me\n", encoding="utf-8")
    result, _ = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "opening.j2" in result.stderr and "行" in result.stderr
    assert "Traceback" not in result.stderr


def test_undefined_variable_is_located(tmp_path, override):
    (override / "closing.j2").write_text("总之，{{ me }}取得了成效。\n{{ no_such_thing }}\n", encoding="utf-8")
    result, _ = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "closing.j2" in result.stderr and "第 2 行" in result.stderr
    assert "no_such_thing" in result.stderr
    assert "Traceback" not in result.stderr


def test_undefined_attribute_is_located(tmp_path, override):
    (override / "closing.j2").write_text("{{ unit.no_such_field }}\n", encoding="utf-8")
    result, _ = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "closing.j2" in result.stderr and "第 1 行" in result.stderr
    assert "Traceback" not in result.stderr


def test_error_inside_an_imported_macro_names_the_macro_file(tmp_path, override):
    source = (STANDARD / "macros.j2").read_text(encoding="utf-8")
    assert '{{ out | join("，") }}' in source
    (override / "macros.j2").write_text(source.replace('{{ out | join("，") }}', "{{ missing_in_macro }}"), encoding="utf-8")
    result, _ = build_md(tmp_path, override)
    assert result.returncode == 1
    assert "macros.j2" in result.stderr and "missing_in_macro" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_templates_folder(tmp_path):
    result, _ = build_md(tmp_path, tmp_path / "does-not-exist")
    assert result.returncode == 1
    assert "模板文件夹不存在" in result.stderr


def test_standard_build_writes_all_outputs(tmp_path):
    result, md = build_md(tmp_path)
    assert result.returncode == 0, result.stderr
    assert md.startswith("# ")
    for suffix in (".docx", ".xlsx", ".md"):
        assert (tmp_path / "out" / f"minimal{suffix}").exists()
