"""The evidence of a report, for people: every sentence with the fields and source lines it came from.

A reviewer reads a sentence, sees ``activities[3].attendance（台账.yaml:41:17）`` beside it and checks
that line instead of the whole file; a framing sentence shows the phrase it is, so what is fact and
what is connective wording is visible at a glance. ``reportgen explain``, the workbook's 文字依据
sheet and the web preview all read these rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .document import Document, Heading, Paragraph, Sentence


@dataclass(frozen=True)
class Row:
    """One sentence: where it stands (section, paragraph number), what it says and what backs it."""

    section: str
    paragraph: int
    sentence: Sentence

    @property
    def kind(self) -> str:
        if not self.sentence.is_supported:
            return "无依据"
        return "连接语" if self.sentence.is_framing else "数据"

    @property
    def basis(self) -> str:
        """``字段（文件:行:列）；…`` for data, the phrase's name for framing."""
        if self.sentence.is_framing:
            return self.sentence.phrase
        return "；".join(f"{s.path}（{s.location}）" if s.location else s.path for s in self.sentence.sources)

    @property
    def locations(self) -> str:
        return "；".join(dict.fromkeys(s.location for s in self.sentence.sources if s.location))


def rows(document: Document) -> list[Row]:
    """Every sentence of the body in reading order, with the heading it stands under."""
    found: list[Row] = []
    section = "开头"
    number = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            section = block.full_text
        elif isinstance(block, Paragraph):
            number += 1
            found.extend(Row(section, number, sentence) for sentence in block.sentences)
    return found


def as_text(document: Document) -> str:
    lines: list[str] = []
    section = None
    for row in rows(document):
        if row.section != section:
            section = row.section
            lines.append(f"【{section}】")
        lines.append(f"  第{row.paragraph}段 {row.sentence.text}")
        if row.kind == "无依据":
            lines.append(f"      无依据：模板文字“{row.sentence.unsupported}”（{row.sentence.template}）")
        else:
            lines.append(f"      {row.kind}：{row.basis}")
    return "\n".join(lines) + "\n"


def as_json(document: Document) -> str:
    return json.dumps(
        [
            {
                "section": row.section, "paragraph": row.paragraph, "text": row.sentence.text, "kind": row.kind,
                "phrase": row.sentence.phrase or None,
                "sources": [{"path": s.path, "location": s.location} for s in row.sentence.sources],
                "unsupported": row.sentence.unsupported or None, "template": row.sentence.template or None,
            }
            for row in rows(document)
        ],
        ensure_ascii=False, indent=2,
    ) + "\n"
