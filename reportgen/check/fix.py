"""`check --fix`: a re-typeset copy of a hand-made summary, through the project's own Word writer.

The words stay as written; only punctuation in Chinese text is normalised (each change listed) and
Word's automatic numbers become typed ones. Roles decide the Document tree — title lines, headings
by their numbers, body paragraphs (a 1. item's first sentence run-in bold), tables, 附件说明,
署名 and 成文日期, attachments — and writers.docx typesets it into GB/T 9704, so the copy gets
exactly the styles a built summary gets. The input file is never written.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes
from ..document import Attachment, Column, Document, Heading, Paragraph, Run, Signature, Table
from ..errors import Finding, InputError, Location
from ..xmlchars import INVISIBLE
from ..loaders.style_loader import load as load_style
from ..writers import docx as writer
from . import check, punct, reader, roles
from .findings import Issue
from .reader import Para, TableBlock

NUMERIC = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")
#: A run-in item's title ends at its first full stop when that comes early.
RUN_IN_TITLE = 40


@dataclass
class Fixed:
    output: Path
    changes: list[str]
    remaining: list[Issue]


class _Builder:
    def __init__(self) -> None:
        self.changes: list[str] = []

    def text(self, raw: str, where: str) -> str:
        cleaned = INVISIBLE.sub("", raw)
        if cleaned != raw:
            self.changes.append(f"{where}：删去不可见字符")
        fixed, changes = punct.normalise(cleaned)
        self.changes.extend(f"{where}：{c.message()}" for c in changes)
        return fixed

    def para(self, block: roles.Block) -> str:
        return self.text(block.item.full_text, f"第{block.item.number}段")

    def blocks(self, blocks: list[roles.Block]) -> list:
        out, title = [], ""
        for block in blocks:
            if block.role == "table_title":
                title = self.para(block)
            elif block.role == "table":
                out.append(self.table(block.item, title))
                title = ""
            elif block.role == "heading" and block.level <= 2:
                text = self.para(block)
                found = roles.heading_of(text)
                number = found[1].strip() if found else ""
                out.append(Heading(block.level, number, text[len(found[1]):] if found else text))
            elif isinstance(block.item, Para):
                out.append(self.paragraph(block))
        if title:  # a centred line with no table after it stays as text
            out.append(Paragraph((Run(title),)))
        return out

    def paragraph(self, block: roles.Block) -> Paragraph:
        text = self.para(block)
        if block.role == "heading" and block.level == 3:
            stop = text.find("。")
            if 0 < stop < RUN_IN_TITLE and stop < len(text) - 1:
                return Paragraph((Run(text[:stop + 1], bold=True), Run(text[stop + 1:])))
            return Paragraph((Run(text, bold=True),))
        return Paragraph((Run(text),))

    def table(self, table: TableBlock, title: str) -> Table:
        width = max((len(r) for r in table.rows), default=0)
        rows = [[self.text(c, f"第{table.number}个表格") for c in r] + [""] * (width - len(r)) for r in table.rows]
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        columns = tuple(
            Column(name, numeric=bool(body) and all(NUMERIC.match(r[i]) for r in body if r[i]) and any(r[i] for r in body))
            for i, name in enumerate(header)
        )
        return Table(title, columns, tuple(tuple(r) for r in body))


def document_of(docx: reader.Docx) -> tuple[Document, list[str], str]:
    """The Document tree of a hand-made file, the punctuation changes, and its 主送机关 line."""
    builder = _Builder()
    blocks = roles.classify(docx)
    main = [b for b in blocks if b.part == 0]
    title_lines = tuple(builder.para(b) for b in main if b.role == "title")
    recipient = next((builder.para(b) for b in main if b.role == "recipient"), "")
    body = builder.blocks([b for b in main if b.role in ("recipient", "heading", "body", "table_title", "table")])
    # the 附件： label and the spaces that aligned the entries are the writer's to put back
    note = tuple(re.sub(r"^(附件\s*[：:])?[\s\u3000]*", "", builder.para(b)) for b in main if b.role == "note")
    unit = next((builder.para(b) for b in main if b.role == "signature"), "")
    date = next((builder.para(b) for b in main if b.role == "date"), "")
    attachments = []
    for number in sorted({b.part for b in blocks if b.part}):
        part = [b for b in blocks if b.part == number]
        title = "".join(builder.para(b) for b in part if b.role == "attachment_title")
        label = roles.LABEL.match(part[0].item.full_text)
        attachments.append(Attachment(int(label.group(1) or number), title,
                                      tuple(builder.blocks([b for b in part if b.role not in ("label", "attachment_title")]))))
    year = re.search(r"(\d{4})年", date or "".join(title_lines))
    document = Document(
        title="".join(title_lines), title_segments=title_lines, blocks=body, attachment_note=note,
        signature=Signature(unit, date) if unit or date else None, attachments=attachments,
        year=int(year.group(1)) if year and 1900 < int(year.group(1)) < 2200 else 2000,
    )
    return document, builder.changes, recipient


def _flush_left(data: bytes, line: str) -> bytes:
    """The 主送机关 line 顶格: the writer has no such role, so its body indent is taken off here."""
    import docx

    from .reader import W

    package = docx.Document(io.BytesIO(data))
    for paragraph in package.paragraphs:
        if paragraph.text == line:
            ppr = paragraph._p.get_or_add_pPr()
            ind = ppr.find(f"{W}ind")
            if ind is None:
                ind = ppr.makeelement(f"{W}ind", {})
                ppr.append(ind)
            ind.set(f"{W}firstLine", "0")
            ind.set(f"{W}firstLineChars", "0")
            break
    out = io.BytesIO()
    package.save(out)
    return out.getvalue()


def fix(path: Path, outdir: Path, style: Path | None = None) -> Fixed:
    """Write ``outdir/<name>.docx`` re-typeset (in ``style`` when given); raises InputError rather than touch the input."""
    target = outdir / f"{path.stem}.docx"
    if target.resolve() == path.resolve():
        raise InputError([Finding(Location(str(path)), "", "修正后的文件会覆盖原文件：请用 -o 指定另一个文件夹")])
    document, changes, recipient = document_of(reader.read(path))
    data = writer.render(document, style=load_style(style))
    if recipient:
        data = _flush_left(data, recipient)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
    except OSError as exc:
        raise InputError([Finding(Location(str(target)), "", f"无法写出文件：{exc.strerror or exc}")]) from None
    return Fixed(target, changes, check(target, style))
