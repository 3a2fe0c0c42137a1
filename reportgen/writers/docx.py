"""Document → .docx laid out per GB/T 9704—2012《党政机关公文格式》.

Layout lives in named paragraph styles (公文正文, 公文一级标题, …) defined once from the style
profile, so a unit can restyle the result in Word, and paragraphs only point at a style id. Direct
formatting is used only where the value depends on the text: the right indents of 署名/日期 and the
keep-with-next chain that keeps them on a page with body text. The body is built at the oxml level
(append w:p, set pStyle) because python-docx's public setters rescan the styles part on every call.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import marshal
import re
import sys
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.coreprops import CoreProperties
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.shared import Pt, Twips
from docx.styles.style import StyleFactory

from .. import cache
from ..document import Document, Heading, Paragraph, Table
from ..errors import Finding, InputError, Location
from ..textwidth import zi
from lxml import etree

from . import breaks, columns, deterministic_zip, oxml
from .reference import load as load_reference
from .style import Font, StyleProfile, default

# Style ids are ASCII (safe in every Word version); names are what users see in Word's style list.
TITLE = ("GwTitle", "公文标题")
BODY = ("GwBody", "公文正文")
HEADING1 = ("GwHeading1", "公文一级标题")
HEADING2 = ("GwHeading2", "公文二级标题")
RUN_IN = ("GwRunIn", "公文三级标题")
NOTE = ("GwAttachNote", "公文附件说明")
SIGNATURE = ("GwSignature", "公文署名")
LABEL = ("GwAttachLabel", "公文附件标识")
TABLE_TITLE = ("GwTableTitle", "公文表题")
TABLE_HEADER = ("GwTableHeader", "公文表头")
TABLE_TEXT = ("GwTableText", "公文表格文字")
TABLE_CENTER = ("GwTableCenter", "公文表格居中")
TABLE_NUMBER = ("GwTableNumber", "公文表格数字")
PAGE_ODD = ("GwPageOdd", "公文页码（奇数页）")
PAGE_EVEN = ("GwPageEven", "公文页码（偶数页）")

#: 附件说明 starts with “附件：”; the entries after it (and their wrapped lines) align on a hanging indent.
NOTE_LABEL = "附件："
NOTE_PREFIX_CHARS = len(NOTE_LABEL)
#: Left + right cell margins (Word's default 0.19 cm each) plus a little air, in twips.
CELL_PADDING = 240
#: Columns whose widest cell is at most this many 字 (序号, 单位) are centred.
NARROW_COLUMN = 2


def text_width(text: str) -> float:
    """Width in 字: a 汉字 or full-width sign is 1, a digit or Latin letter 0.5 (GB/T 9704 §7.3.5)."""
    return sum(map(zi, text))


def signature_indents(unit: str, date: str) -> tuple[float, float]:
    """Right indents (字) of 署名 and 日期 when no seal is used (GB/T 9704 §7.3.5.2).

    署名 右空二字; the date starts two 字 right of the 署名's first character; if the date is
    the longer line, the date 右空二字 and the 署名 moves left to keep the two-字 offset. Widths are
    the set widths: "2024年7月5日" is 7.25 字 on the page, not 6, because the renderer spaces digits
    from 汉字 (with 6 the date started one 字 right of the 署名 instead of two).
    """
    n, d = set_width(unit), set_width(date)
    if n - d >= 2:
        return 2.0, n - d
    return d - n + 4, 2.0


#: A title line breaks best before a year, or after a period or a closing bracket
#: (…社区 | 2024年…, …2024年上半年 | 创建…), but not inside a period name (2024年 | 上半年).
TITLE_BREAK_AFTER = "年度期）"
PERIOD_GOES_ON = "上下全第度春夏秋冬一二三四五六七八九十"


def set_width(text: str) -> float:
    """Width in 字 as typeset: Word and LibreOffice add about a quarter 字 where 汉字 meet digits."""
    kinds = [text_width(ch) for ch in text]
    return sum(kinds) + 0.25 * sum(a != b for a, b in zip(kinds, kinds[1:]))


def balanced_lines(text: str, capacity: float, breaks: tuple[int, ...] = ()) -> list[str]:
    """Split a title too long for ``capacity`` 字 into lines that each fit.

    Fewest lines first, then the most breaks at meaningful places (the offsets in ``breaks``, where
    the composer's segments meet, or before a year or after a period), then the most even line
    lengths; never a line of one character.
    """
    return list(_balanced_lines(text, capacity, breaks))


def title_lines(title: str, segments: tuple[str, ...], capacity: float) -> list[str]:
    """The title's lines at ``capacity`` 字, preferring to break where ``segments`` meet."""
    offsets: list[int] = []
    if "".join(segments) == title:
        for segment in segments[:-1]:
            offsets.append((offsets[-1] if offsets else 0) + len(segment))
    return balanced_lines(title, capacity, tuple(offsets))


class _Split(NamedTuple):
    """The best lines from one offset to the end: where its first line ends (None when it is the
    only line), how many lines, and the widest and narrowest line."""

    end: int | None
    count: int
    widest: float
    narrowest: float


#: The line count of a tail of the text that cannot be split into lines that fit.
_NO_SPLIT = float("inf")


@functools.lru_cache(maxsize=256)
def _balanced_lines(text: str, capacity: float, breaks: tuple[int, ...] = ()) -> tuple[str, ...]:
    # set_width(text[a:b]) from prefix sums: widths are multiples of 0.25, so the sums are exact
    # and every comparison gives the same answer as set_width on the slice.
    kinds = [zi(ch) for ch in text]
    widths, turns = [0.0], [0]
    for i, kind in enumerate(kinds):
        widths.append(widths[-1] + kind)
        turns.append(turns[-1] + (i > 0 and kinds[i - 1] != kind))

    def width(start: int, end: int) -> float:
        if end <= start:
            return 0.0
        return widths[end] - widths[start] + 0.25 * (turns[end] - turns[start + 1])

    # Whether a line may end before offset ``at`` by the characters on either side of it.
    fitting = [False] + [
        not text[at - 1].isdigit() if text[at].isdigit()
        else text[at - 1] in TITLE_BREAK_AFTER and text[at] not in PERIOD_GOES_ON
        for at in range(1, len(text))
    ]
    # splits[start] is the best split of text[start:] and counts[start] its number of lines;
    # unfitting[start] has bit ``at`` set for ``start`` and each break ``at`` of that split where a
    # line ending is not ``fitting`` (awkward unless it is one of ``breaks``). All three are filled
    # from the end of the text backwards, so every later offset is known when it is needed.
    end_all = len(text)
    splits: list[_Split | None] = [None] * (end_all + 1)
    counts: list[float] = [_NO_SPLIT] * (end_all + 1)
    unfitting = [0] * (end_all + 1)

    def best_split(start: int, first: int, last: int) -> _Split | None:
        """The best split of ``text[start:]`` whose first line ends at ``first`` to ``last``: fewest
        lines, then fewest awkward breaks, then the least spread of widths, the shortest first line
        among equals.

        Each candidate is a first line and the best split of the rest, scored from that split's
        summary instead of its lines and one criterion at a time: a candidate that has more lines or
        more awkward breaks than another is never measured. A break counts as meaningful when it
        lies at one of ``breaks`` counted from ``start``.
        """
        count = min(counts[first:last + 1], default=_NO_SPLIT)
        if count == _NO_SPLIT:
            return None
        ends = [end for end in range(first, last + 1) if counts[end] == count]
        meaningful = 0
        for at in breaks:
            if 0 < at < end_all - start:
                meaningful |= 1 << start + at
        awkward_places = ~meaningful
        awkward = [(unfitting[end] & awkward_places).bit_count() for end in ends]
        fewest = min(awkward)
        best, least_spread = None, None
        for end, awkward_breaks in zip(ends, awkward):
            if awkward_breaks != fewest:
                continue
            tail, w = splits[end], width(start, end)
            widest, narrowest = max(w, tail.widest), min(w, tail.narrowest)
            if least_spread is None or widest - narrowest < least_spread:
                best, least_spread = _Split(end, count + 1, widest, narrowest), widest - narrowest
        return best

    # The longest first line from ``start`` ends at ``last`` at most; it only moves left as
    # ``start`` does (a line's width grows with its length), so it is found once for all offsets.
    last = end_all - 2
    for start in reversed(range(end_all + 1)):
        whole = width(start, end_all)
        if whole <= capacity:
            splits[start] = _Split(None, 1, whole, whole)
        else:
            while last >= start + 2 and width(start, last) > capacity:
                last -= 1
            splits[start] = best_split(start, start + 2, last)
        split = splits[start]
        if split is not None and start < end_all:
            counts[start] = split.count
            later = 0 if split.end is None else unfitting[split.end]
            unfitting[start] = later | (0 if fitting[start] else 1 << start)

    best, lines, start = splits[0], [], 0
    if best is None:
        return (text,)
    while best.end is not None:
        lines.append(text[start:best.end])
        start = best.end
        best = splits[start]
    lines.append(text[start:])
    return tuple(lines)


#: Role → the style id used in this document (a reference document may hold a role under its own id).
StyleIds = dict[tuple[str, str], str]


class _Writer:
    """Writes the body as XML text, parsed once at the end (``oxml.append_xml``); a paragraph is
    known by its index until then, and what depends on its neighbours (the 落款 keep-with-next chain,
    the 署名 indents) is set on the parsed elements."""

    def __init__(self, document: Document, profile: StyleProfile, body, styles: StyleIds):
        self.document = document
        self.profile = profile
        self.body = body
        self.styles = styles
        self.parts: list[str] = []

    # -- blocks ---------------------------------------------------------------------------------

    def _add(self, xml: str) -> int:
        self.parts.append(xml)
        return len(self.parts) - 1

    def paragraph(self, style: tuple[str, str], text: str = "") -> int:
        return self._add(oxml.paragraph_xml(self.styles[style], [(text, None)] if text else []))

    def runs(self, paragraph: Paragraph) -> int:
        run_in = self.styles[RUN_IN]
        runs = [(run.text, run_in if run.bold else None) for run in paragraph.runs]
        return self._add(oxml.paragraph_xml(self.styles[BODY], runs))

    def blocks(self, blocks, skip_table_title: str = "") -> int | None:
        """Append blocks; return the last body paragraph (the head of the 落款 keep-with-next chain)."""
        last = None
        for block in blocks:
            if isinstance(block, Heading):
                last = self.paragraph(HEADING1 if block.level <= 1 else HEADING2, block.full_text)
            elif isinstance(block, Paragraph):
                last = self.runs(block)
            else:
                if block.title and block.title != skip_table_title:
                    self.paragraph(TABLE_TITLE, block.title)
                self.table(block)
                last = None
        return last

    def title(self, title: str, segments: tuple[str, ...]) -> None:
        capacity = self.profile.text_width / (self.profile.fonts.title.size * 20)
        for line in title_lines(title, segments, capacity):
            self.paragraph(TITLE, line)

    def table(self, table: Table) -> None:
        narrow = [
            not c.numeric and max((text_width(row[i]) for row in table.rows), default=0) <= NARROW_COLUMN
            for i, c in enumerate(table.columns)
        ]
        size = self.profile.fonts.table.size * 20
        rows = [[(c.name, self.styles[TABLE_HEADER], 0) for c in table.columns]]
        for index, row in enumerate(table.rows):
            cells, pending = [], index in table.indent  # a sub-row (其中) indents its first text cell
            for text, column, is_narrow in zip(row, table.columns, narrow):
                style = TABLE_NUMBER if column.numeric else TABLE_CENTER if is_narrow else TABLE_TEXT
                shift = round(size) if pending and text and style == TABLE_TEXT else 0
                pending = pending and not shift
                cells.append((text, self.styles[style], shift))
            rows.append(cells)
        widths = columns.fit([c.name for c in table.columns], table.rows,
                             [[shift / size for _, _, shift in cells] for cells in rows[1:]],
                             self.profile.text_width, size, CELL_PADDING)
        for cells in rows:
            for i, (text, style, shift) in enumerate(cells):
                capacity = (widths[i] - CELL_PADDING - shift) / size
                cells[i] = ("\n".join(columns.lines(text, capacity)), style, shift)
        self._add(oxml.table_xml(widths, rows, breaks.keep_with_next(table)))

    # -- the whole document ---------------------------------------------------------------------

    def write(self) -> None:
        document = self.document
        self.title(document.title, document.title_segments)
        self.paragraph(BODY)
        chain = [self.blocks(document.blocks)]
        if document.attachment_note:
            chain.append(self.paragraph(BODY))
            # one paragraph, entries on their own lines: the hanging indent puts each under the first
            chain.append(self.paragraph(NOTE, NOTE_LABEL + "\n".join(document.attachment_note)))
        indents = []
        if document.signature:
            unit_indent, date_indent = signature_indents(document.signature.unit, document.signature.date)
            chain.append(self.paragraph(BODY))
            chain.append(self.paragraph(SIGNATURE, document.signature.unit))
            indents.append((chain[-1], unit_indent))
            chain.append(self.paragraph(SIGNATURE, document.signature.date))
            indents.append((chain[-1], date_indent))
        for attachment in document.attachments:
            label = "附件" if len(document.attachments) == 1 else f"附件{attachment.number}"
            self.paragraph(LABEL, label)
            self.paragraph(BODY)
            self.title(attachment.title, ())
            self.paragraph(BODY)
            self.blocks(attachment.blocks, skip_table_title=attachment.title)

        elements = oxml.append_xml(self.body, self.parts)
        for index, indent_chars in indents:
            oxml.set_right_indent(elements[index].get_or_add_pPr(), round(indent_chars * self.profile.char_width))
        for index in chain[:-1]:
            if index is not None:
                oxml.set_keep_next(elements[index])
        if chain[0] is not None and len(chain) > 1:
            # the last body paragraph may split: two of its lines go over with the 落款 instead of
            # the whole paragraph leaving empty lines at the foot of the page
            oxml.set_widow_control(elements[chain[0]].get_or_add_pPr(), True)


# -- styles ---------------------------------------------------------------------------------------


def _style(styles, existing: dict, key: tuple[str, str], kind=WD_STYLE_TYPE.PARAGRAPH):
    """The reference document's style of that name if it has one (it wins), else a new style."""
    style_id, name = key
    if name in existing:
        return existing[name], False
    # CT_Styles directly: the public add_style scans every style of the template for the name first
    style = StyleFactory(styles.element.add_style_of_type(name, kind, False))
    style.style_id = style_id
    style.hidden = False
    style.quick_style = True
    return style, True


def _font(style, profile: StyleProfile, font: Font, spacing: int = 0) -> None:
    rpr = style.element.get_or_add_rPr()
    oxml.set_fonts(rpr, font.font, profile.latin(font))
    style.font.size = Pt(font.size)
    style.font.bold = font.bold
    if spacing:
        oxml.set_char_spacing(rpr, spacing)


def _layout(style, profile: StyleProfile, *, align, line: int, indent_chars: float = 0, keep_next: bool = False,
            grid: bool = True) -> None:
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(line)
    fmt.keep_with_next = keep_next or None
    ppr = style.element.get_or_add_pPr()
    oxml.set_widow_control(ppr, profile.widow_control)
    oxml.set_hanging_punctuation(ppr, False)
    if not grid:
        oxml.set_snap_to_grid(ppr, False)
    if indent_chars:
        oxml.set_first_line_chars(ppr, indent_chars, round(indent_chars * profile.char_width))


def define_styles(base, profile: StyleProfile, pin_defaults: bool) -> StyleIds:
    """Create the 公文 styles once; a reference document's same-named styles are kept as they are."""
    styles = base.styles
    existing = {s.name: s for s in styles}
    fonts = profile.fonts
    pitch, spacing, indent = profile.line_pitch, profile.char_spacing, profile.indent_chars
    justify, left, center, right = (
        WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
    )
    if pin_defaults:
        rpr, ppr = oxml.doc_defaults(styles.element)
        oxml.set_fonts(rpr, fonts.body.font, profile.latin(fonts.body))
        oxml.set_language(rpr)
        normal = styles["Normal"]
        _font(normal, profile, fonts.body)
        _layout(normal, profile, align=justify, line=pitch)
        ppr.remove_all("w:spacing")
        oxml.set_compatibility_mode(base.settings.element)
    oxml.set_document_language(styles.element, base.settings.element)

    paragraph_roles = [
        # Off the grid so a 二号 line takes exactly one pitch; LibreOffice would give it two grid lines.
        (TITLE, fonts.title, 0, dict(align=center, line=pitch, keep_next=True, grid=False)),
        (BODY, fonts.body, spacing, dict(align=justify, line=pitch, indent_chars=indent)),
        (HEADING1, fonts.heading1, spacing, dict(align=justify, line=pitch, indent_chars=indent, keep_next=True)),
        (HEADING2, fonts.heading2, spacing, dict(align=justify, line=pitch, indent_chars=indent, keep_next=True)),
        (NOTE, fonts.body, spacing, dict(align=justify, line=pitch)),
        (SIGNATURE, fonts.body, spacing, dict(align=right, line=pitch)),
        (LABEL, fonts.attachment_label, spacing, dict(align=left, line=pitch, keep_next=True)),
        (TABLE_TITLE, fonts.heading1, spacing, dict(align=center, line=pitch, keep_next=True)),
    ]
    for role in (TABLE_HEADER, TABLE_TEXT, TABLE_CENTER, TABLE_NUMBER):
        font = fonts.table_header if role == TABLE_HEADER else fonts.table
        align = {TABLE_TEXT: left, TABLE_NUMBER: right}.get(role, center)
        paragraph_roles.append((role, font, 0, dict(align=align, line=round((font.line or font.size * 1.5) * 20), grid=False)))
    for role in (PAGE_ODD, PAGE_EVEN):
        font = fonts.page_number
        paragraph_roles.append((role, font, 0, dict(align=right if role == PAGE_ODD else left,
                                                     line=round(font.size * 1.5 * 20), grid=False)))

    ids = {}
    for key, font, char_spacing, layout in paragraph_roles:
        style, new = _style(styles, existing, key)
        ids[key] = style.style_id
        if not new:
            continue
        _font(style, profile, font, char_spacing)
        _layout(style, profile, **layout)
        ppr = style.element.get_or_add_pPr()
        if key in (HEADING1, HEADING2):
            ppr.get_or_add_outlineLvl().val = 0 if key == HEADING1 else 1
        elif key == LABEL:
            style.paragraph_format.page_break_before = True
        elif key == NOTE:
            prefix = NOTE_PREFIX_CHARS * profile.char_width
            first = round(indent * profile.char_width)
            oxml.set_hanging(ppr, first + prefix, prefix)
        elif key in (PAGE_ODD, PAGE_EVEN):
            one_char = Twips(round(font.size * 20))
            if key == PAGE_ODD:
                style.paragraph_format.right_indent = one_char
            else:
                style.paragraph_format.left_indent = one_char
    style, new = _style(styles, existing, RUN_IN, WD_STYLE_TYPE.CHARACTER)
    ids[RUN_IN] = style.style_id
    if new:
        _font(style, profile, fonts.heading3, spacing)
    if pin_defaults:
        restyle_built_ins(existing, profile)
    return ids


def restyle_built_ins(existing: dict, profile: StyleProfile) -> None:
    """Word's own 标题 1–9 and 标题 in the 公文 look instead of the template's blue Calibri.

    The report itself uses the 公文 styles, but a clerk who adds a heading with Word's 标题 1 would
    otherwise bring in a foreign font and colour; levels 1–3 match the report's three levels, deeper
    ones the body, and each keeps its outline level so Word's 导航窗格 lists them.
    """
    fonts, pitch, spacing, indent = profile.fonts, profile.line_pitch, profile.char_spacing, profile.indent_chars
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level in range(1, 10):
        font = {1: fonts.heading1, 2: fonts.heading2, 3: fonts.heading3}.get(level, fonts.body)
        for name in (f"heading {level}", f"Heading {level}"):
            if name in existing:
                _restyle(existing[name], profile, font, spacing)
                _layout(existing[name], profile, align=justify, line=pitch, indent_chars=indent, keep_next=True)
                existing[name].element.get_or_add_pPr().get_or_add_outlineLvl().val = level - 1
            if f"{name} Char" in existing:
                _restyle(existing[f"{name} Char"], profile, font, spacing)
    if "Title" in existing:
        _restyle(existing["Title"], profile, fonts.title, 0)
        _layout(existing["Title"], profile, align=WD_ALIGN_PARAGRAPH.CENTER, line=pitch, keep_next=True, grid=False)
        oxml.clear_borders(existing["Title"].element.get_or_add_pPr())
    if "Title Char" in existing:
        _restyle(existing["Title Char"], profile, fonts.title, 0)


def _restyle(style, profile: StyleProfile, font: Font, spacing: int) -> None:
    oxml.clear_run_look(style.element.get_or_add_rPr())
    _font(style, profile, font, spacing)


# -- page -----------------------------------------------------------------------------------------


def set_up_page(base, profile: StyleProfile) -> None:
    """A4, GB/T 9704 margins and the line grid (only when no reference document gives its own)."""
    section = base.sections[0]
    page, mm = profile.page, profile.twips
    section.page_width, section.page_height = Twips(mm(page.width)), Twips(mm(page.height))
    section.top_margin, section.bottom_margin = Twips(mm(page.top)), Twips(mm(page.bottom))
    section.left_margin, section.right_margin = Twips(mm(page.left)), Twips(mm(page.right))
    section.gutter = Twips(0)
    section.footer_distance = Twips(mm(page.footer))
    oxml.set_line_grid(section._sectPr, profile.line_pitch)


def add_page_numbers(base, styles: StyleIds) -> None:
    """「— N —」 outside: right on odd pages, left on even pages (odd/even footers in settings)."""
    base.settings.odd_and_even_pages_header_footer = True
    section = base.sections[0]
    for footer, style in ((section.footer, PAGE_ODD), (section.even_page_footer, PAGE_EVEN)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        p.style = styles[style]
        p.add_r().text = "— "
        oxml.append_page_field(p)
        p.add_r().text = " —"


#: What a reference file may hold that python-docx or lxml refuses (a damaged styles.xml, a part
#: of the wrong kind): the user's file, not our bug, so it gets a message naming the file.
_BROKEN_REFERENCE = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError,
                     IndexError, etree.LxmlError)


def _read_reference(path: Path) -> bytes:
    """The unit's Word file, bounded and with every external link removed (see reference.py); a
    .dotx template is read as a document of the same content."""
    data = load_reference(path).data
    try:
        return oxml.template_as_document(data)
    except _BROKEN_REFERENCE:
        raise InputError([Finding(Location(str(path)), "", _INVALID_REFERENCE)]) from None


_INVALID_REFERENCE = "不是有效的 Word 文件（.docx 或 .dotx），或其内部已损坏：请在 Word 中打开后另存为 .docx 再指定"


def _open_reference(path: Path, data: bytes):
    try:
        return docx.Document(io.BytesIO(data))
    except _BROKEN_REFERENCE:
        raise InputError([Finding(Location(str(path)), "", _INVALID_REFERENCE)]) from None


@dataclass(frozen=True)
class _Base:
    """Everything of the output that does not depend on the document's text, prepared once.

    ``parts`` holds every package entry as python-docx saves it, already compressed, except the main
    document and the core properties; ``document`` is the main part's root with a body holding only
    its w:sectPr and ``core`` the core properties before this report's values are set. Both are
    copied per call.
    """

    parts: dict[str, oxml.ZipEntry]
    document_name: str
    document: object
    core_name: str
    core: object
    styles: StyleIds


#: Extended properties part and the name written as the program that made the file (Word shows it
#: under 属性 → 详细信息; the template said "Microsoft Macintosh Word").
APP_PART = "docProps/app.xml"
GENERATOR = "reportgen"

#: Prepared bases by (profile, reference file digest); a batch uses one or a few.
_BASES: OrderedDict = OrderedDict()
_BASES_MAX = 4
_BASES_LOCK = threading.Lock()


def _prepare(profile: StyleProfile, reference: Path | None, data: bytes | None) -> _Base:
    base = _open_reference(reference, data) if reference is not None else docx.Document()
    oxml.drop_template_extras(base.part)
    section_properties = base.element.body.get_or_add_sectPr()
    oxml.clear_body(base.element.body)
    styles = define_styles(base, profile, pin_defaults=reference is None)
    if reference is None:
        set_up_page(base, profile)
    if reference is None or not oxml.has_footer(section_properties):
        add_page_numbers(base, styles)
    base.core_properties  # creates the part when the template has none, so the package lists it
    core_part = base.part.package._core_properties_part
    document_name, core_name = base.part.partname.lstrip("/"), core_part.partname.lstrip("/")
    document, core = copy.deepcopy(base.element), copy.deepcopy(core_part.element)
    out = io.BytesIO()
    base.save(out)
    parts = deterministic_zip.read_zip(out.getvalue())
    del parts[document_name], parts[core_name]
    if APP_PART in parts:
        parts[APP_PART] = oxml.set_application(parts[APP_PART], GENERATOR)
    parts = {name: deterministic_zip.deflate(name, content) for name, content in parts.items()}
    return _Base(parts, document_name, document, core_name, core, styles)


def _cache_file(profile_json: str) -> Path | None:
    """Where the prepared base of a style profile is kept between runs (about a tenth of a single
    ``reportgen build``). The name hashes everything the base is made from: the profile, the code that
    makes it and the versions of the libraries that parse and write it, so a change to any of them is
    a new entry, never a stale one."""
    folder = cache.folder("docx-base")
    if folder is None:
        return None
    digest = hashlib.sha256(profile_json.encode("utf-8"))
    digest.update(f"{sys.version}|{docx.__version__}|{etree.LXML_VERSION}".encode())
    for module in (__file__, oxml.__file__, deterministic_zip.__file__, sys.modules[StyleProfile.__module__].__file__):
        digest.update(Path(module).read_bytes())
    return folder / f"{digest.hexdigest()}.bin"


def _load_cached(path: Path) -> _Base | None:
    """The base stored by an earlier run, or None when there is none (or it cannot be read whole)."""
    try:
        parts, document_name, document, core_name, core, styles = marshal.loads(path.read_bytes())
        return _Base(parts, document_name, parse_xml(document), core_name, parse_xml(core), styles)
    except (OSError, EOFError, ValueError, TypeError, etree.LxmlError):
        return None


def _store_cached(path: Path, base: _Base) -> None:
    cache.store(path, marshal.dumps((base.parts, base.document_name, oxml.serialize(base.document),
                                     base.core_name, oxml.serialize(base.core), base.styles)))


def _base(profile: StyleProfile, reference_path: Path | None) -> _Base:
    data = _read_reference(reference_path) if reference_path is not None else None
    key = (profile.model_dump_json(), hashlib.sha256(data).digest() if data is not None else None)
    with _BASES_LOCK:
        found = _BASES.get(key)
        if found is not None:
            _BASES.move_to_end(key)
            return found
    # A reference file is the user's, different each time and hostile input: only the built-in
    # base (from the profile alone) is kept on disk.
    stored = _cache_file(key[0]) if data is None else None
    found = _load_cached(stored) if stored is not None and stored.is_file() else None
    try:
        if found is None:
            found = _prepare(profile, reference_path, data)
            if stored is not None:
                _store_cached(stored, found)
    except _BROKEN_REFERENCE:
        if reference_path is None:
            raise
        raise InputError([Finding(Location(str(reference_path)), "", _INVALID_REFERENCE)]) from None
    with _BASES_LOCK:
        _BASES[key] = found
        while len(_BASES) > _BASES_MAX:
            _BASES.popitem(last=False)
    return found


_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def written_on(document: Document) -> datetime:
    """The 成文日期 as the file's created/modified time; 1 January of the report's year without one.

    A date of the document, not of the build, so the same input always gives the same bytes.
    """
    found = _DATE.fullmatch(document.signature.date) if document.signature else None
    if found:
        try:
            return datetime(*map(int, found.groups()))
        except ValueError:
            pass
    return datetime(document.year, 1, 1)


def render(document: Document, style: StyleProfile | None = None, reference: Path | None = None) -> bytes:
    """The .docx bytes for ``document``; the same input always gives the same bytes.

    ``style`` is the style profile (reportgen.loaders.style_loader; GB/T 9704 when None); ``reference`` is the unit's Word file whose
    page setup, footers and same-named styles are kept (its body text is dropped). Document
    timestamps are 1 January of the report's year and zip entries carry a fixed time, so nothing
    depends on when or where the file was built.

    The styled package (styles, settings, footers, page setup) depends only on the profile and the
    reference file, so it is built once per process and reused; each call writes the body into a
    copy of the prepared main part and sets the core properties on a copy of theirs.
    """
    profile = style or default()
    prepared = _base(profile, reference)
    root = copy.deepcopy(prepared.document)
    section_properties = root.body.get_or_add_sectPr()
    root.body.remove(section_properties)
    _Writer(document, profile, root.body, prepared.styles).write()
    root.body.append(section_properties)  # the written body may be a new element (oxml.append_xml)

    core = copy.deepcopy(prepared.core)
    props = CoreProperties(core)
    props.title = document.title
    props.author = props.last_modified_by = document.author
    props.comments = ""
    props.revision = 1
    props.created = props.modified = written_on(document)
    parts = dict(prepared.parts)
    parts[prepared.document_name] = deterministic_zip.deflate(prepared.document_name, oxml.serialize(root))
    parts[prepared.core_name] = deterministic_zip.deflate(prepared.core_name, oxml.serialize(core))
    return deterministic_zip.write_zip(parts)
