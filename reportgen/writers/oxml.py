"""Raw WordprocessingML helpers for what python-docx has no API for.

python-docx writes only w:ascii/w:hAnsi for a font name, knows no character-based indents, line
grids, fields or repeated table headers, and stamps the zip with the current time. Every such
XML detail lives here, so reportgen.writers.docx reads as a list of layout decisions.
Element order inside w:pPr / w:rPr / w:trPr follows the ECMA-376 sequences, because Word rejects
("repairs") files whose children are out of order even when LibreOffice accepts them.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from ..lazy_pattern import LazyPattern
from ..xmlchars import escape_attribute, escape_text, strip_not_xml
from .deterministic_zip import read_zip, write_parts

#: Children of w:rPr that may follow each element we insert (ECMA-376 CT_RPr sequence).
_RPR_AFTER_FONTS = (
    "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:outline",
    "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
    "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
_RPR_AFTER_SPACING = _RPR_AFTER_FONTS[_RPR_AFTER_FONTS.index("w:spacing") + 1 :]
_RPR_AFTER_LANG = _RPR_AFTER_FONTS[_RPR_AFTER_FONTS.index("w:lang") + 1 :]
#: Children of w:pPr after w:snapToGrid (CT_PPrBase sequence).
_PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

def clean_text(text: str) -> str:
    """Drop characters XML cannot hold (python-docx raises on them); \\r\\n and \\r become one \\n."""
    return strip_not_xml(text.replace("\r\n", "\n").replace("\r", "\n"))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = re.compile("([\t\n])")


_PPR, _PSTYLE = _W + "pPr", _W + "pStyle"
_DECLARE_W = ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def append_xml(body: BaseOxmlElement, parts: list[str]) -> list[BaseOxmlElement]:
    """Parse ``parts`` (``paragraph_xml``, ``table_xml``) in one step and append them to ``body``.

    Written as text and parsed by lxml at once rather than built element by element (python-docx's
    generic child insertion searches the successors on every call, and even lxml's SubElement costs
    a Python call per element): a body of a few hundred paragraphs and table cells is one parse in C.
    The parsed body takes the place of ``body`` with ``body``'s children moved in after the new
    ones, because lxml moves one element into another document at a cost per element; a body with
    attributes or namespace declarations of its own (a hand-made reference file) gets the
    elements one by one instead. Returns the new elements in order, as python-docx's classes.
    """
    holder = parse_xml(f"<w:body{_DECLARE_W}>{''.join(parts)}</w:body>")
    elements = list(holder)
    parent = body.getparent()
    if body.attrib or parent is None or body.nsmap != parent.nsmap:
        for element in elements:
            body.append(element)  # lxml drops the declaration the document already makes
        return elements
    parent.replace(body, holder)
    for child in list(body):
        holder.append(child)
    return elements


def paragraph_xml(style_id: str, runs: list[tuple[str, str | None]], keep_next: bool = False, indent: int = 0) -> str:
    """``<w:p>`` with a paragraph style and runs of (text, character style id or None), as XML text
    in schema order (see ``append_xml``).

    ``keep_next`` and a left ``indent`` (twips) are written with the style. Text is cleaned first;
    a tab becomes w:tab and a line break w:br, as python-docx does.
    """
    parts = [f'<w:p><w:pPr><w:pStyle w:val="{escape_attribute(style_id)}"/>']
    if keep_next:
        parts.append("<w:keepNext/>")
    if indent:
        parts.append(f'<w:ind w:left="{indent}"/>')
    parts.append("</w:pPr>")
    for text, char_style in runs:
        parts.append("<w:r>")
        if char_style:
            parts.append(f'<w:rPr><w:rStyle w:val="{escape_attribute(char_style)}"/></w:rPr>')
        text = clean_text(text)
        for piece in _BREAKS.split(text) if "\t" in text or "\n" in text else (text,):
            if piece == "\t":
                parts.append("<w:tab/>")
            elif piece == "\n":
                parts.append("<w:br/>")
            elif piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{space}>{escape_text(piece)}</w:t>")
        parts.append("</w:r>")
    parts.append("</w:p>")
    return "".join(parts)


def set_keep_next(p: BaseOxmlElement) -> None:
    """Keep the paragraph with the next one (w:keepNext, right after w:pStyle in w:pPr)."""
    ppr = p[0] if len(p) and p[0].tag == _PPR else None
    if ppr is None:
        p.get_or_add_pPr().keepNext_val = True
        return
    if ppr.find(_W + "keepNext") is None:
        ppr.insert(1 if len(ppr) and ppr[0].tag == _PSTYLE else 0, ppr.makeelement(_W + "keepNext", {}))


def _child(parent: BaseOxmlElement, tag: str, successors: tuple[str, ...]) -> BaseOxmlElement:
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert_element_before(found, *successors)
    return found


def set_fonts(rpr: BaseOxmlElement, east_asia: str, latin: str) -> None:
    """Name the 汉字 font in w:eastAsia and the digit/Latin font in w:ascii/w:hAnsi.

    Theme attributes are removed because in one w:rFonts a theme font beats an explicit name.
    w:hint="eastAsia" makes Word draw ambiguous punctuation (“ ” — …) with the 汉字 font, full width.
    """
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def set_char_spacing(rpr: BaseOxmlElement, twips: int) -> None:
    """Character spacing (w:spacing in w:rPr, twips): −5 lets 28 三号 characters fill 156 mm."""
    _child(rpr, "w:spacing", _RPR_AFTER_SPACING).set(qn("w:val"), str(twips))


def set_language(rpr: BaseOxmlElement) -> None:
    """Mark text as Simplified Chinese so Word and LibreOffice apply Chinese line-breaking rules."""
    lang = _child(rpr, "w:lang", _RPR_AFTER_LANG)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def set_first_line_chars(ppr: BaseOxmlElement, chars: float, twips: int) -> None:
    """First-line indent in characters (w:firstLineChars, hundredths) and in twips (w:firstLine).

    Word prefers the character value; LibreOffice before 24.8 reads only the twips value.
    """
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(round(chars * 100)))
    ind.set(qn("w:firstLine"), str(twips))


def set_hanging(ppr: BaseOxmlElement, left: int, hanging: int) -> None:
    """Left indent with a hanging first line (twips), for wrapped lines of 附件说明."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:left"), str(left))
    ind.set(qn("w:hanging"), str(hanging))


def set_right_indent(ppr: BaseOxmlElement, twips: int) -> None:
    ppr.get_or_add_ind().set(qn("w:right"), str(twips))


def set_widow_control(ppr: BaseOxmlElement, on: bool) -> None:
    """Explicit widow/orphan control: Word and LibreOffice default differently when it is absent."""
    ppr.get_or_add_widowControl().set(qn("w:val"), "1" if on else "0")


def set_snap_to_grid(ppr: BaseOxmlElement, on: bool) -> None:
    """Whether lines snap to the document grid; off for tables and the footer, whose pitch differs."""
    _child(ppr, "w:snapToGrid", _PPR_AFTER_SNAP).set(qn("w:val"), "1" if on else "0")


def set_hanging_punctuation(ppr: BaseOxmlElement, on: bool) -> None:
    """Whether a closing mark may hang past the right margin (w:overflowPunct, 允许标点溢出边界).

    Off keeps every line inside the 156 mm 版心; Word and LibreOffice both default it on.
    """
    successors = ("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid")
    _child(ppr, "w:overflowPunct", successors + _PPR_AFTER_SNAP).set(qn("w:val"), "1" if on else "0")


def set_line_grid(sect_pr: BaseOxmlElement, pitch: int) -> None:
    """A lines-only document grid (w:docGrid type="lines"), the Word 文档网格 “只指定行网格”.

    Not linesAndChars: LibreOffice would give each 汉字 two grid cells (14 characters a line).
    """
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.insert_element_before(grid, "w:printerSettings", "w:sectPrChange")
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(pitch))


def append_page_field(paragraph_element: BaseOxmlElement) -> None:
    """A PAGE field as one run: fldChar begin · instrText · fldChar separate · "1" · fldChar end."""
    run = OxmlElement("w:r")
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for child in (begin, instr, separate, shown, end):
        run.append(child)
    paragraph_element.append(run)


#: One table cell: text, paragraph style id, left indent in twips (0 for none).
Cell = tuple[str, str, int]


def table_xml(widths: list[int], rows: list[list[Cell]], keep: Collection[int] = (), border: int = 4) -> str:
    """A bordered, centred, fixed-layout ``<w:tbl>``; the first row repeats on every page.

    Widths (twips) go into both w:gridCol (LibreOffice) and w:tcW (Word). Every row is kept whole
    (w:cantSplit), cells are centred vertically, and borders are written into the table itself
    (``border`` in eighths of a point) so they do not depend on a table style in the template.
    ``keep`` holds body row indexes (0 is the first row under the header) kept on the page of the
    next row: w:keepNext on every paragraph of the row, which Word and LibreOffice read as "keep
    this row with the next". As XML text (see ``append_xml``).
    """
    xml = ["<w:tbl><w:tblPr>", f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>']
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        xml.append(f'<w:{edge} w:val="single" w:sz="{border}" w:space="0" w:color="000000"/>')
    xml.append('</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>')
    xml.extend(f'<w:gridCol w:w="{width}"/>' for width in widths)
    xml.append("</w:tblGrid>")
    cell_properties = [f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>' for width in widths]
    for index, row in enumerate(rows):
        xml.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if index == 0 else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for (text, style_id, indent), properties in zip(row, cell_properties):
            paragraph = paragraph_xml(style_id, [(text, None)] if text else [], index - 1 in keep, indent)
            xml.append(f"<w:tc>{properties}{paragraph}</w:tc>")
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    return "".join(xml)


def set_document_language(styles_element: BaseOxmlElement, settings_element: BaseOxmlElement) -> None:
    """Chinese as the East Asian language of the defaults and the theme (the template says ja-JP)."""
    theme_lang = settings_element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            set_language(rpr)


def set_compatibility_mode(settings_element: BaseOxmlElement, version: int = 15) -> None:
    """Lay out as Word 2013 and later do; the template's mode 14 opens as “兼容模式” in current Word."""
    for setting in settings_element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), str(version))


def doc_defaults(styles_element: BaseOxmlElement) -> tuple[BaseOxmlElement, BaseOxmlElement]:
    """The w:rPr and w:pPr of w:docDefaults (created if missing)."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_element.insert(0, defaults)
    parts = []
    for outer, inner in (("w:rPrDefault", "w:rPr"), ("w:pPrDefault", "w:pPr")):
        holder = defaults.find(qn(outer))
        if holder is None:
            holder = OxmlElement(outer)
            defaults.append(holder) if outer == "w:pPrDefault" else defaults.insert(0, holder)
        element = holder.find(qn(inner))
        if element is None:
            element = OxmlElement(inner)
            holder.append(element)
        parts.append(element)
    return parts[0], parts[1]


def clear_body(body: BaseOxmlElement) -> None:
    """Remove every block from a reference document's body, keeping its final section properties."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


#: Word 2010's duplicate of styles.xml, which Word rebuilds when missing.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_template_extras(document_part) -> None:
    """Remove the template's preview picture (python-docx's sample page) and stylesWithEffects.

    The thumbnail would show the wrong page in file browsers; stylesWithEffects is a 430 KB copy of
    the template styles that would not carry the 公文 styles and only slows every save.
    """
    for rels, reltype in ((document_part.package.rels, RT.THUMBNAIL), (document_part.rels, _STYLES_WITH_EFFECTS)):
        for r_id, rel in list(rels.items()):
            if rel.reltype == reltype:
                rels.pop(r_id)


def serialize(element: BaseOxmlElement) -> bytes:
    """A part's XML as python-docx saves it (UTF-8 declaration with standalone="yes")."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


def has_footer(sect_pr: BaseOxmlElement) -> bool:
    return sect_pr.find(qn("w:footerReference")) is not None


_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def template_as_document(data: bytes) -> bytes:
    """A .dotx differs from a .docx only in its main part's content type; python-docx opens only .docx."""
    parts = read_zip(data)
    types = parts["[Content_Types].xml"]
    if _TEMPLATE_TYPE not in types:
        return data
    parts["[Content_Types].xml"] = types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
    return write_parts(parts)


_OVERFLOW_PUNCT = LazyPattern(rb'<w:overflowPunct w:val="(0|1|false|true|off|on)"/>')
_MARK_BEFORE_DIGIT = LazyPattern("([，。、；：！？）”])(?=[0-9])")
_FLIPPED = {b"0": b"1", b"false": b"1", b"off": b"1", b"1": b"0", b"true": b"0", b"on": b"0"}


def for_libreoffice(data: bytes) -> bytes:
    """The .docx as LibreOffice must read it to draw what Word draws: w:overflowPunct inverted.

    LibreOffice (7.4, measured) imports w:overflowPunct="0" as 允许标点溢出边界 *on*: a closing mark
    after a full 28-character justified line then hangs 5.7 mm into the margin or, when the line is
    squeezed, is not drawn at all (9 marks lost across the examples). With the value inverted it
    squeezes the mark into the line, as Word does with "0". LibreOffice also never breaks between a
    closing mark and a following digit ("任。|2024年"), so it stretched a 25-character line where Word
    breaks after the mark; a zero-width space there gives it that break. Only the copy handed to
    LibreOffice is changed; the .docx the user gets keeps the text and the value Word reads correctly.
    """
    parts = read_zip(data)
    for name in ("word/styles.xml", "word/document.xml"):
        if name in parts:
            parts[name] = _OVERFLOW_PUNCT.sub(lambda m: b'<w:overflowPunct w:val="%s"/>' % _FLIPPED[m.group(1)], parts[name])
    text = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = _MARK_BEFORE_DIGIT.sub("\\1\u200b", text).encode("utf-8")
    return write_parts(parts)


def clear_run_look(rpr: BaseOxmlElement) -> None:
    """Remove the colour, weight, italics, spacing and kerning a built-in style brings (blue Calibri headings)."""
    for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs", "w:spacing", "w:kern", "w:u", "w:caps", "w:smallCaps", "w:szCs"):
        for found in rpr.findall(qn(tag)):
            rpr.remove(found)


def clear_borders(ppr: BaseOxmlElement) -> None:
    """Remove paragraph borders (the template's Title has a rule under it)."""
    for found in ppr.findall(qn("w:pBdr")):
        ppr.remove(found)


_APPLICATION = LazyPattern(rb"<Application>[^<]*</Application>")
_APP_VERSION = LazyPattern(rb"<AppVersion>[^<]*</AppVersion>")


def set_application(app_xml: bytes, name: str) -> bytes:
    """docProps/app.xml naming ``name`` as the program that wrote the file (no Word version claimed)."""
    app_xml = _APPLICATION.sub(b"<Application>" + name.encode("utf-8") + b"</Application>", app_xml)
    return _APP_VERSION.sub(b"", app_xml)
