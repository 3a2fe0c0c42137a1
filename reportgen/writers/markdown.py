"""Document → Markdown: a quick, readable preview of the text (not an official format)."""

from __future__ import annotations

from ..document import Document, Heading, Paragraph, Table


def _table(table: Table) -> list[str]:
    lines = [f"**{table.title}**", ""]
    lines.append("| " + " | ".join(c.name for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|")
    lines.extend("| " + " | ".join(cell.replace("|", "｜") for cell in row) + " |" for row in table.rows)
    return lines


def _paragraph(paragraph: Paragraph) -> str:
    return "".join(f"**{run.text}**" if run.bold and run.text else run.text for run in paragraph.runs)


def render(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * (block.level + 1) + " " + block.full_text, ""]
        elif isinstance(block, Paragraph):
            lines += [_paragraph(block), ""]
        else:
            lines += _table(block) + [""]
    if document.attachment_note:
        lines += ["附件：" + "<br>".join(document.attachment_note), ""]
    if document.signature:
        lines += [f"<p align=\"right\">{document.signature.unit}<br>{document.signature.date}</p>", ""]
    for attachment in document.attachments:
        lines += ["---", "", f"附件{attachment.number if len(document.attachments) > 1 else ''}", "",
                  f"## {attachment.title}", ""]
        for block in attachment.blocks:
            lines += (_table(block) if isinstance(block, Table) else [_paragraph(block)]) + [""]
    return "\n".join(lines).rstrip() + "\n"
