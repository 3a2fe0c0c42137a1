"""The writer-neutral document tree: what a summary says, not how Word or Markdown draw it.

Compose builds it from templates; every writer (.docx, .md, …) consumes it and nothing else. Headings
carry their number as text (一、（一）) because numbering is decided by structure at compose time,
so all writers show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Source:
    """Where one fact came from: its data path and the place a person can look it up.

    ``path`` names the field (``activities[3].quantities[1].value``, ``metrics[volunteers].target``,
    or ``figures.activity_count`` for a figure computed from fields); ``location`` is ``file:line:col``
    for YAML input or ``sheet!cell`` for a workbook, empty when the value has no line of its own.
    """

    path: str
    location: str = ""


#: The location of a value the input does not state: the schema's documented default.
UNSTATED = "未填写，取默认值"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph with its evidence.

    A sentence either carries data (``sources`` non-empty) or is a framing phrase from the pack's
    phrase file (``phrase`` names it; a phrase with a condition on the data cites what met it).
    ``unsupported`` holds template wording that is neither (a claim no field backs), and
    ``template`` where that wording is; the linter refuses such a sentence.
    """

    text: str
    sources: tuple[Source, ...] = ()
    phrase: str = ""
    template: str = ""
    unsupported: str = ""

    @property
    def is_framing(self) -> bool:
        return bool(self.phrase)

    @property
    def is_supported(self) -> bool:
        return not self.unsupported and bool(self.sources or self.phrase)

    @property
    def places(self) -> tuple[str, ...]:
        """Where in the input this sentence's data was typed (file:line or sheet!cell), each once."""
        return tuple(dict.fromkeys(s.location for s in self.sources if s.location and s.location != UNSTATED))


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    """A section heading. level 1 = 一、 (黑体), level 2 = （一） (楷体)."""

    level: int
    number: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Paragraph:
    """Body text; a run-in item (1.标题。正文) is a bold first run followed by plain runs."""

    runs: tuple[Run, ...]
    #: The paragraph's text split into sentences with their evidence (writers may ignore it).
    sentences: tuple[Sentence, ...] = ()

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A simple grid; cells are already-formatted strings. ``indent`` marks sub-rows (其中)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    indent: tuple[int, ...] = ()


Block = Union[Heading, Paragraph, Table]


@dataclass(frozen=True)
class Attachment:
    number: int
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Signature:
    unit: str
    date: str


@dataclass
class Document:
    title: str
    #: The title's meaningful pieces (unit | period | campaign), joined they are ``title``: where a
    #: writer prefers to break a title too long for one line. Breaking is the writer's, by set width.
    title_segments: tuple[str, ...] = ()
    blocks: list[Block] = field(default_factory=list)
    #: 附件说明: one entry per attachment listed under the main text, without the “附件：” label,
    #: which the writer adds and aligns the entries under.
    attachment_note: tuple[str, ...] = ()
    signature: Signature | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: For document properties only (author, subject); never shown as text by a writer.
    author: str = ""
    year: int = 2000

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def plain_text(self) -> str:
        """All visible text in reading order, one block a line (for linting and tests)."""
        lines = [self.title]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines.append(block.full_text)
            elif isinstance(block, Paragraph):
                lines.append(block.text)
        lines.extend(self.attachment_note)
        if self.signature:
            lines += [self.signature.unit, self.signature.date]
        for attachment in self.attachments:
            lines.append(attachment.title)
            for block in attachment.blocks:
                if isinstance(block, Table):
                    lines.append(block.title)
                    lines.extend("\t".join(row) for row in block.rows)
        return "\n".join(lines)
