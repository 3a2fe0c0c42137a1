"""`reportgen check`: every deliberately wrong hand-made document is caught at the right place,
every .docx the project builds checks clean, and `--fix` gives a clean re-typeset copy that keeps
every word. The corpus is built by tests/check_corpus.py with python-docx."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from reportgen.check import check, fix, reader
from reportgen.check.punct import normalise
from reportgen.cli import app
from reportgen.compose import compose, load_pack
from reportgen.errors import InputError
from reportgen.loaders import load, load_report
from reportgen.rollup import compose_rollup, summarise
from reportgen.writers import docx as writer
from reportgen.writers import reference

import check_corpus
from test_compose import reports

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = check_corpus.cases()
PACK = load_pack()
UNFIXABLE = {"占位符", "数字", "重复", "日期", "标题", "结构"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {case.name: check_corpus.write(case, folder) for case in CASES}


def test_the_corpus_is_varied():
    assert len(CASES) >= 32
    assert sum(1 for c in CASES if c.expected) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_finding_is_reported_at_its_place(case, corpus):
    issues = check(corpus[case.name])
    for category, paragraph, words in case.expected:
        assert any(i.category == category and i.paragraph == paragraph and words in i.message for i in issues), (
            category, paragraph, words, [str(i.finding("")) for i in issues])
    # nothing else is reported: a false alarm would make clerks stop reading
    assert {i.category for i in issues} == {c for c, _, _ in case.expected}, [str(i.finding("")) for i in issues]


def _example_docx(path: Path) -> bytes:
    loaded = load(path)
    return writer.render(compose(loaded.report, None, source=loaded.source))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_the_project_builds_checks_clean(example, tmp_path):
    target = tmp_path / f"{example.stem}.docx"
    target.write_bytes(_example_docx(example))
    assert [str(i.finding(target.name)) for i in check(target)] == []


def test_the_rollup_document_checks_clean(tmp_path):
    summaries = [summarise(load_report(p)[0], p) for p in EXAMPLES]
    target = tmp_path / "汇总.docx"
    target.write_bytes(writer.render(compose_rollup(summaries)))
    assert [str(i.finding(target.name)) for i in check(target)] == []


@given(reports())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_reports_the_project_builds_have_no_errors(report):
    """Hints (a level skipped, one measure counted in two activities) may appear; errors may not."""
    with tempfile.TemporaryDirectory() as temp:
        target = Path(temp) / "random.docx"
        target.write_bytes(writer.render(compose(report, pack=PACK)))
        assert [str(i.finding("")) for i in check(target) if i.severity == "error"] == []


def _words(path: Path) -> list[str]:
    """Every paragraph and table cell in reading order, as a reader sees them."""
    document = reader.read(path)
    out = []
    for block in document.blocks:
        if isinstance(block, reader.Para):
            out.append(block.full_text)
        else:
            out.extend(cell for row in block.rows for cell in row if cell)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fix_output_checks_clean_and_keeps_every_word(case, corpus, tmp_path):
    source = corpus[case.name]
    before = source.read_bytes()
    fixed = fix.fix(source, tmp_path)
    assert source.read_bytes() == before
    assert fixed.output == tmp_path / source.name
    left = [i for i in fixed.remaining if i.category not in UNFIXABLE]
    assert left == [], [str(i.finding("")) for i in left]
    assert {i.category for i in fixed.remaining} <= {c for c, _, _ in case.expected} & UNFIXABLE
    wanted = [normalise(text)[0] for text in _words(source)]
    assert _words(fixed.output) == wanted


def test_punctuation_is_left_alone_in_numbers_latin_words_and_urls():
    text = "详见 https://wmb.example.cn/a,b 和 Word, Excel; 共1,200人，9:30开会，得分3.5分。"
    assert normalise(text) == (text, [])
    assert normalise("会议(扩大)于9:30召开,共1,200人.")[0] == "会议（扩大）于9:30召开，共1,200人。"


def test_the_style_file_of_build_sets_what_check_expects(corpus, tmp_path):
    style = tmp_path / "style.yaml"
    style.write_text("fonts:\n  body: {font: 宋体, size: 三号}\n", encoding="utf-8")
    issues = check(corpus["body-font-songti"], style)
    assert not any(i.category == "字体" and "正文" in i.message for i in issues)
    issues = check(corpus["clean"], style)
    assert any(i.category == "字体" and i.paragraph == 3 and "正文应为宋体，实为仿宋" in i.message for i in issues)
    result = _run("--style", str(style), str(corpus["clean"]))
    assert result.exit_code == 1 and "正文应为宋体" in result.output
    fixed = fix.fix(corpus["clean"], tmp_path / "fixed", style)
    assert fixed.remaining == []
    assert check(fixed.output) != []  # typeset in the unit's style, not GB/T 9704's 仿宋


def test_fix_lists_each_punctuation_change(corpus, tmp_path):
    fixed = fix.fix(corpus["half-width-punct"], tmp_path)
    assert len(fixed.changes) == 5
    assert fixed.changes[0] == "第6段：中文里应使用全角逗号：“,”应为“，”"


@pytest.mark.parametrize("example", EXAMPLES[:2], ids=[p.stem for p in EXAMPLES[:2]])
def test_fix_of_a_built_summary_keeps_its_words(example, tmp_path):
    source = tmp_path / "in" / f"{example.stem}.docx"
    source.parent.mkdir()
    source.write_bytes(_example_docx(example))
    fixed = fix.fix(source, tmp_path / "out")
    assert fixed.changes == [] and fixed.remaining == []
    assert _words(fixed.output) == _words(source)


def test_fix_never_writes_over_its_input(corpus):
    source = corpus["body-font-songti"]
    before = source.read_bytes()
    with pytest.raises(InputError, match="覆盖原文件"):
        fix.fix(source, source.parent)
    assert source.read_bytes() == before


# -- the command ---------------------------------------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def test_command_exit_codes_and_summary(corpus):
    clean = _run(str(corpus["clean"]))
    assert clean.exit_code == 0, clean.output
    assert "未发现问题" in clean.output and "共检查 1 个文件：0 处问题" in clean.output
    wrong = _run(str(corpus["clean"]), str(corpus["numbering-gap"]))
    assert wrong.exit_code == 1
    assert "numbering-gap.docx 第13段 结构：编号不连续：这里应为“三、”，实为“四、”：“四、下一步打算”" in wrong.output
    assert "共检查 2 个文件：1 处问题" in wrong.output


def test_a_level_jump_is_a_hint_that_does_not_fail_the_check(corpus):
    result = _run(str(corpus["level-jump"]))
    assert result.exit_code == 0, result.output
    assert "第7段 结构：提示：层次越级：一、之下直接用了1.，中间没有（一）这一层" in result.output
    assert "未发现问题，另有 2 处提示" in result.output and "0 处问题、2 处提示" in result.output


def test_command_json(corpus):
    result = CliRunner().invoke(app, ["check", "--json", str(corpus["two-figures"]), str(corpus["placeholders"])])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    [figures], placeholders = data["files"][0]["findings"], data["files"][1]["findings"]
    assert figures["category"] == "数字" and figures["paragraph"] == 12 and figures["where"] == "第12段"
    assert figures["fixable"] is False and figures["severity"] == "warning" and data["files"][0]["clean"] is True
    assert [(f["category"], f["paragraph"]) for f in placeholders] == [("占位符", 3), ("占位符", 6)]
    assert data["errors"] == 2 and data["hints"] == 1 and data["files"][1]["clean"] is False


def test_command_fix_writes_a_copy_and_reports_what_is_left(corpus, tmp_path):
    result = _run("--fix", "-o", str(tmp_path), str(corpus["placeholders"]))
    assert result.exit_code == 1
    assert f"已写出 {tmp_path / 'placeholders.docx'}" in result.output
    assert "以下问题需要手工修改" in result.output and "“××”是范文留下的占位符" in result.output
    clean = _run("--fix", "-o", str(tmp_path), str(corpus["half-width-punct"]))
    assert "已改：第6段：中文里应使用全角逗号" in clean.output
    assert _run(str(tmp_path / "half-width-punct.docx")).exit_code == 0


def test_fix_needs_an_output_folder(corpus):
    result = _run("--fix", str(corpus["clean"]))
    assert result.exit_code == 2 and "-o" in result.output


# -- hostile files -------------------------------------------------------------------------------


def _refused(path: Path, words: str) -> None:
    result = _run(str(path))
    assert result.exit_code == 1, result.output
    assert words in result.output, result.output
    assert "Traceback" not in result.output and "Error" not in result.output


def test_not_a_docx_and_missing_files_are_refused_in_chinese(tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("这不是 Word 文件", encoding="utf-8")
    _refused(text, "不是有效的 .docx 文件")
    _refused(tmp_path / "missing.docx", "文件不存在")
    _refused(tmp_path, "不是普通文件")
    ole = tmp_path / "old.docx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    _refused(ole, "旧版 .doc/.wps 文件")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    _refused(fifo, "不是普通文件")


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (reference.MAX_UNCOMPRESSED + 1))
    _refused(bomb, "解压后过大")


def test_too_many_entries_are_refused(tmp_path):
    many = tmp_path / "many.docx"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(reference.MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}", b"")
    _refused(many, "内部文件过多")


def test_huge_file_is_refused_by_size(tmp_path):
    huge = tmp_path / "huge.docx"
    with open(huge, "wb") as handle:
        handle.truncate(reference.MAX_BYTES + 1)
    _refused(huge, "文件太大")


def test_external_entities_are_not_resolved(corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    hostile = tmp_path / "xxe.docx"
    with zipfile.ZipFile(corpus["clean"]) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = text.replace("?>", f'?><!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', 1)
                text = text.replace("今年以来", "&x;今年以来", 1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    result = _run(str(hostile))
    assert "机密内容" not in result.output and "Traceback" not in result.output


def test_entity_expansion_is_not_performed(corpus, tmp_path):
    """A billion-laughs document.xml: the entities stay unexpanded, so no memory blow-up."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    hostile = tmp_path / "laughs.docx"
    with zipfile.ZipFile(corpus["clean"]) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8").replace("?>", f'?><!DOCTYPE d [<!ENTITY l0 "哈">{laughs}]>', 1)
                data = text.replace("今年以来", "&l9;今年以来", 1).encode("utf-8")
            target.writestr(item, data)
    result = _run(str(hostile))
    assert "哈哈哈" not in result.output and "Traceback" not in result.output


def test_a_macro_document_is_refused(corpus, tmp_path):
    macro = tmp_path / "macro.docx"
    with zipfile.ZipFile(corpus["clean"]) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            target.writestr(item, data)
    _refused(macro, "不是有效的 Word 文档")


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_without_libreoffice_say_what_to_do(tmp_path, monkeypatch, suffix):
    from reportgen.writers import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    old = tmp_path / f"summary{suffix}"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    _refused(old, "需要 LibreOffice")


def test_style_ids_and_reader_agree_on_a_document_python_docx_wrote(corpus):
    """The reader resolves formatting through styles too: a 正文 style saying 宋体 is caught."""
    document = docx.Document(corpus["clean"])
    from docx.oxml.ns import qn

    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            rfonts = run._r.rPr.rFonts
            del rfonts.attrib[qn("w:eastAsia")]
    normal = document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    normal.set(qn("w:eastAsia"), "宋体")
    path = corpus["clean"].with_name("style-songti.docx")
    document.save(path)
    issues = check(path)
    assert any(i.category == "字体" and i.paragraph == 3 and "实为宋体" in i.message for i in issues)


# -- damaged files -------------------------------------------------------------------------------

GARBAGE = ["", "abc", "-99999999", "99999999999999999999", "0", "1e400", "%9", "☃", "auto"]


def _mutate(data: bytes, rng) -> bytes:
    """One random damage to a part's XML: an attribute set to garbage, an element dropped, or a cut."""
    from lxml import etree

    kind = rng.randrange(3)
    if kind == 2:
        return data[: rng.randrange(len(data))]
    root = etree.fromstring(data)
    elements = list(root.iter())
    target = rng.choice(elements)
    if kind == 0 and target.attrib:
        target.set(rng.choice(list(target.attrib)), rng.choice(GARBAGE))
    elif target.getparent() is not None:
        target.getparent().remove(target)
    return etree.tostring(root)


def test_damaged_documents_give_findings_or_a_chinese_message(corpus, tmp_path):
    import random

    rng = random.Random(17)
    parts = ["word/document.xml", "word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/footer1.xml"]
    sources = [corpus[n] for n in ("clean-attachment", "word-auto-numbering", "clean-table", "page-number-centred")]
    outcomes = {"checked": 0, "refused": 0}
    for round_ in range(120):
        source = rng.choice(sources)
        damaged = tmp_path / f"damaged{round_}.docx"
        with zipfile.ZipFile(source) as archive, zipfile.ZipFile(damaged, "w") as out:
            names = [n for n in parts if n in archive.namelist()]
            part = rng.choice(names)
            for item in archive.infolist():
                data = archive.read(item.filename)
                out.writestr(item, _mutate(data, rng) if item.filename == part else data)
        try:
            check(damaged)
            fix.fix(damaged, tmp_path / "fixed")
            outcomes["checked"] += 1
        except InputError as exc:
            assert all("\u4e00" <= ch <= "\u9fff" for ch in str(exc.findings[0].message)[:2]), exc.findings
            outcomes["refused"] += 1
    assert outcomes["checked"] > 30 and outcomes["refused"] > 10, outcomes
