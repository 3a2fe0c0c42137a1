"""Both workbooks printed through LibreOffice Calc: every printed sheet on A4 landscape, one page wide,
its header row on every page, nothing clipped or overlapping, no instructions or English ids printed.

Set RG_RENDER_DIR to keep the PDFs and a PNG of every page there, for looking at them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen import unit_book
from reportgen import workbook as W
from reportgen.compose import compose, load_pack
from reportgen.loaders import load
from reportgen.rollup import summarise, workbook_book
from reportgen.writers.xlsx import render_book

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
pdfplumber = pytest.importorskip("pdfplumber")

ROOT = Path(__file__).resolve().parents[1]
A4_LANDSCAPE = (842, 595)


def _pdf(book: W.Book, folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.xlsx"
    path.write_bytes(render_book(book))
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(folder), str(path)], check=True, capture_output=True, timeout=300)
    pdf = folder / f"{stem}.pdf"
    keep = os.environ.get("RG_RENDER_DIR")
    if keep and shutil.which("pdftoppm"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, keep)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(Path(keep) / stem)], check=True, timeout=300)
    return pdf


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: Path) -> list[tuple[str, object]]:
    with pdfplumber.open(pdf) as doc:
        return [(page.extract_text() or "", page) for page in doc.pages]


def _overlapping(page) -> list[str]:  # noqa: ANN001 — a pdfplumber page
    """Pairs of characters drawn over each other: text that ran out of its cell."""
    chars = sorted((c for c in page.chars if c["text"].strip()), key=lambda c: c["top"])
    found = []
    for i, a in enumerate(chars):
        for b in chars[i + 1:]:
            if b["top"] > a["bottom"]:
                break
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > 0.5 * min(a["width"], b["width"]) and dy > 0.5 * min(a["height"], b["height"]):
                found.append(a["text"] + b["text"])
    return found


def _check(book: W.Book, pdf: Path) -> dict[str, list[str]]:
    """Every page A4 landscape without overlaps; each printed sheet's pages start at its title and carry
    all its printed headers (repeated and one page wide). Returns each sheet's page texts."""
    pages = _pages(pdf)
    printed = [s for s in book.sheets if s.print and not s.hidden]
    by_sheet: dict[str, list[str]] = {}
    current = None
    for text, page in pages:
        assert (round(page.width), round(page.height)) == A4_LANDSCAPE, (pdf.name, page.page_number)
        assert _overlapping(page) == [], (pdf.name, page.page_number)
        flat = _flat(text)
        starts = [s for s in printed if _flat(str(s.value(1, 1))) in flat and s.name not in by_sheet]
        if starts:
            current = starts[0]
            by_sheet[current.name] = []
        assert current is not None, "a page before any sheet's title"
        by_sheet[current.name].append(flat)
    assert sorted(by_sheet) == sorted(s.name for s in printed), "every printed sheet printed, titles whole"
    for sheet in printed:
        headers = sheet.print.header_rows
        if not headers:
            continue
        names = [_flat(str(v)) for (r, c), (v, _) in sheet.cells.items()
                 if r == headers[0] and c <= sheet.print.area[3] and v]
        for number, flat in enumerate(by_sheet[sheet.name], 1):
            # a header wrapped in its cell is extracted in parts: 制度机制 … （项）
            missing = [n for n in names if not all(part in flat for part in re.split(r"(?=（)", n) if part)]
            assert not missing, (sheet.name, number, missing)
    return by_sheet


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:  # noqa: ANN001
    return tmp_path_factory.mktemp("render")


def test_unit_workbook_prints_the_report_well(folder: Path) -> None:
    path = ROOT / "examples" / "shequ-2024-shangbannian.yaml"
    loaded = load(path)
    document = compose(loaded.report, pack=load_pack(), source=loaded.source)
    book = unit_book.build(loaded.report, document)
    sheets = _check(book, _pdf(book, folder, "unit"))
    report = "".join(t for name in unit_book.REPORT_SHEETS for t in sheets[name])
    assert "填写说明" not in "".join(sheets["单位信息"])  # instructions stay on screen
    for metric in loaded.report.metrics:
        assert not metric.key or metric.key not in report  # English ids too
    assert "个百分点" in "".join(sheets["指标完成情况表"])  # 同比 of a rate, as the document says it
    assert len(sheets["指标完成情况表"]) == 1 and len(sheets["活动台账"]) == 1
    assert [s.name for s in book.sheets if s.selected] == list(unit_book.REPORT_SHEETS)


def test_blank_form_prints_well(folder: Path) -> None:
    book = unit_book.form("社区")
    _check(book, _pdf(book, folder, "form"))


def test_rollup_workbook_prints_well(folder: Path) -> None:
    paths = [ROOT / "examples" / f"{stem}.yaml" for stem in ("ju-2024-quannian", "yiyuan-2024-quannian",
                                                             "zhen-2024-quannian")]
    summaries = [summarise(load(p).report, p) for p in paths]
    book = workbook_book(summaries, "青枫市文明办")
    sheets = _check(book, _pdf(book, folder, "rollup"))
    assert len(sheets["单位汇总"]) == 1  # table and chart on one page
