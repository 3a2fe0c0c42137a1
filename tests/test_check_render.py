"""`check --fix` output through LibreOffice: every corpus document, re-typeset, sets 22 lines of 28
characters on a full page; `--pages` locates findings by page; .doc files are checked through a
conversion. Skips (with the reason) without soffice or pdfplumber: skipped means not verified.

Set REPORTGEN_CHECK_PNG to a folder to keep PNGs of the re-typeset pages for looking at.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgen.check import check, fix
from reportgen.cli import app
from reportgen.writers import pdf

import check_corpus

pytest.importorskip("pdfplumber", reason="pdfplumber 未安装：pip install pdfplumber（渲染检查未运行）")
pytestmark = pytest.mark.skipif(pdf.soffice() is None, reason="未安装 LibreOffice（soffice），渲染检查未运行")

from test_docx_render import MM, read_pages  # noqa: E402 — needs pdfplumber, checked above

#: Wrong in ways that change how many lines and characters a page holds; made three pages long.
LONG = ["body-font-songti", "body-size-sihao", "line-one-and-half", "line-exact-30", "space-after", "no-indent",
        "margins-word-default", "paper-letter", "no-fonts-word-default", "word-auto-numbering"]
PITCH = 579 / 20


def _convert(files: list[Path], kind: str, out: Path) -> None:
    """One LibreOffice run for many files (each start costs seconds on a busy machine)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-test-") as temp:
        command = [pdf.require(files[0]), f"-env:UserInstallation={(Path(temp) / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", kind, "--outdir", str(out), *map(str, files)]
        subprocess.run(command, env=pdf.render_environment(Path(temp)), capture_output=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list]:
    folder = tmp_path_factory.mktemp("check-render")
    cases = check_corpus.cases()
    cases += [replace(c, name=f"long-{c.name}", spec=replace(c.spec, extra_pages=2))
              for c in cases if c.name in LONG]
    fixed = [fix.fix(check_corpus.write(case, folder), folder / "fixed").output for case in cases]
    _convert(fixed, "pdf", folder / "pdf")
    pngs = Path(os.environ.get("REPORTGEN_CHECK_PNG") or folder / "png")
    pngs.mkdir(parents=True, exist_ok=True)
    pages = {}
    for path in fixed:
        target = folder / "pdf" / f"{path.stem}.pdf"
        assert target.exists(), f"LibreOffice did not render {path.name}"
        pages[path.stem] = read_pages(target)
        if path.stem.startswith("long-"):
            subprocess.run(["pdftoppm", "-r", "40", "-png", "-l", "2", str(target), str(pngs / path.stem)], check=False)
    return pages


def _body(page) -> list:
    return [line for line in page.text_lines if abs(line.size - 16) < 0.2]


def test_every_fixed_document_renders_on_a4_with_28_characters_a_line(rendered):
    assert len(rendered) == len(check_corpus.cases()) + len(LONG)
    for name, pages in rendered.items():
        for page in pages:
            assert abs(page.width - 595.3) < 1 and abs(page.height - 841.9) < 1, name
        lines = [line for page in pages for line in _body(page)]
        widths = [len(line.inside()) for line in lines]
        # a line is short where a paragraph starts (indent), ends, or a closing mark may not begin a line
        assert max(widths) == 28, (name, widths)


def test_full_pages_of_fixed_documents_hold_22_lines_at_the_grid_pitch(rendered):
    for name in LONG:
        pages = rendered[f"long-{name}"]
        assert len(pages) >= 3, name
        middle = _body(pages[1])
        assert len(middle) == 22, (name, len(middle))
        gaps = [b.top - a.top for a, b in zip(middle, middle[1:])]
        assert all(abs(gap - PITCH) < 0.3 for gap in gaps), (name, gaps)
        assert abs(middle[0].x0 / MM - 28) < 1.5 or abs(middle[0].x0 / MM - 28 - 2 * 15.75 / MM) < 1.5


def test_pages_option_locates_findings_by_page_and_counts_lines(tmp_path):
    cases = {c.name: c for c in check_corpus.cases()}
    figures = check_corpus.write(replace(cases["two-figures"], spec=replace(cases["two-figures"].spec, extra_pages=2)), tmp_path)
    dense = replace(cases["line-exact-30"], name="line-exact-24", spec=replace(cases["clean"].spec, extra_pages=2, line=check_corpus._exact(24)))
    dense_path = check_corpus.write(dense, tmp_path)
    result = CliRunner().invoke(app, ["check", "--pages", str(figures), str(dense_path)])
    assert result.exit_code == 1  # the dense file's errors; the figures are a hint
    found = re.search(r"two-figures.docx 第(\d+)页第36段 数字：提示：“注册志愿者”", result.output)
    assert found and int(found.group(1)) > 1, result.output
    assert re.search(r"line-exact-24.docx 第1页 页面：这一页排了 2[3-7] 行：每页应排 22 行", result.output), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["line-exact-24.docx", "two-figures.docx"]  # nothing written beside them


def test_doc_files_are_checked_through_libreoffice(tmp_path):
    cases = {c.name: c for c in check_corpus.cases()}
    sources = [check_corpus.write(cases[name], tmp_path) for name in ("clean", "numbering-gap")]
    _convert(sources, "doc", tmp_path / "doc")
    clean, gap = (tmp_path / "doc" / f"{p.stem}.doc" for p in sources)
    assert [str(i.finding("")) for i in check(clean)] == []
    assert [(i.category, i.paragraph) for i in check(gap)] == [("结构", 13)]
