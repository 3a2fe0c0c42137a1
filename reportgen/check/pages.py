"""`check --pages`: lay the file out with LibreOffice and say 第N页 instead of 第N段; count lines a page.

A clerk looks for a problem on a page, not by counting paragraphs. The file is copied into a
temporary folder first (the conversion writes beside its input, and the user's folder is not ours
to write in), converted to PDF, and its text read back page by page with poppler's pdftotext;
each paragraph is found by its opening characters, in order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Finding, InputError, Location
from ..writers import pdf
from ..loaders import style_loader
from . import reader, roles
from .findings import Issue

#: Characters of a paragraph's opening used to find it on a page.
PROBE = 10
PAGE_NUMBER = re.compile(r"^[—\-–\s]*\d+[—\-–\s]*$")


def page_texts(path: Path) -> list[str]:
    """The text of each rendered page (whitespace removed per line, empty lines dropped)."""
    program = shutil.which("pdftotext")
    if program is None:
        raise InputError([Finding(Location(str(path)), "", "按页标注需要 pdftotext（poppler-utils），本机未安装：请安装后再用 --pages，或去掉 --pages")])
    with tempfile.TemporaryDirectory(prefix="reportgen-pages-") as temp:
        copy = Path(temp) / "document.docx"
        copy.write_bytes(reader.read_bytes(path))
        rendered = pdf.convert(copy)
        done = subprocess.run([program, "-layout", str(rendered), "-"], capture_output=True, timeout=pdf.TIMEOUT_SECONDS, check=False)
    text = done.stdout.decode("utf-8", "replace")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return ["\n".join(line for line in page.splitlines() if line.strip()) for page in pages]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def locate(path: Path, issues: list[Issue], style: Path | None = None) -> list[Issue]:
    """``issues`` with their page numbers, plus a finding for any page with more lines than the grid."""
    document = reader.read(path)
    pages = page_texts(path)
    squeezed = [_squeeze(p) for p in pages]
    page_of: dict[int, int] = {}
    current = 0
    for para in document.paragraphs:
        probe = _squeeze(para.full_text)[:PROBE]
        for index in range(current, len(squeezed)):
            if probe and probe in squeezed[index]:
                current = index
                break
        page_of[para.number] = current + 1
    for issue in issues:
        if issue.paragraph in page_of:
            issue.page = page_of[issue.paragraph]
    profile = style_loader.load(style)
    blocks = roles.classify(document)
    stop = next((page_of.get(b.item.number if isinstance(b.item, reader.Para) else b.item.after_paragraph, 1)
                 for b in blocks if b.role in ("table_title", "table", "label")), len(pages) + 1)
    for number, page in enumerate(pages[:stop - 1], 1):
        lines = [line for line in page.splitlines() if not PAGE_NUMBER.match(line)]
        if len(lines) > profile.page.lines:
            issues.append(Issue("页面", f"这一页排了 {len(lines)} 行：每页应排 {profile.page.lines} 行", page=number, fixable=True))
    return issues
