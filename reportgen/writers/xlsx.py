"""Book (``reportgen.workbook``) → .xlsx bytes, written directly as SpreadsheetML.

Everything a workbook shows is decided in the Book; this module only translates it, so the unit
workbook, the blank form and the roll-up are written the same way. It writes the XML itself with
string joins because a general library spends most of a ``reportgen batch`` unit's time keeping
per-cell objects this writer never needs. XlsxWriter stays the reference: tests/test_xlsx_serializer.py
renders every example with both and compares what openpyxl reads back, so the parts follow
XlsxWriter's layout (styles, column widths in its pixel arithmetic, frozen panes, print set-up).

Text is always text: every string is a shared-string cell (never parsed as a formula, number or
link), and a text starting with = + - @ gets Excel's quote prefix so it stays text when edited. The
bytes are deterministic: fixed document times, fixed zip entry times, parts in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .. import workbook as W
from . import xlsx_chart
from .deterministic_zip import deflate, write_zip
from ..xmlchars import escape_attribute as attr
from ..xmlchars import escape_text as data
from .xlsx_units import (DECLARATION, DEFAULT_COL_PX, DEFAULT_ROW_PX, MAX_TEXT, absolute, area, cell_name, clean_text,
                         col_pixels, number, row_pixels, sheet_ref)

_FORMULA_START = ("=", "+", "-", "@")
__all__ = ["MAX_TEXT", "clean_text", "render_book"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument."
#: Day 0 of Excel's 1900 date system for every date after 1900-02-28 (its phantom 1900-02-29 shifts the
#: earlier ones, which no workbook holds: the model's years start in 1990). Reading needs the general
#: rule and uses openpyxl's from_excel; writing a date this late needs only this offset.
_EPOCH = dt.datetime(1899, 12, 30)
#: The Office theme, as Excel writes it: without one, LibreOffice draws charts without axis lines. It never
#: changes, so it is compressed once per process.
_THEME = deflate("xl/theme/theme1.xml", (Path(__file__).parent / "xlsx_theme.xml").read_bytes())
#: Deflate level 1: for the largest example's unit book about 2.5 ms of compression instead of 7 ms at
#: level 6, for a file a tenth larger (63 KB instead of 57 KB).
_LEVEL = 1
#: A literal "_x0041_" in a text would be read back as "A": Excel escapes its underscore, and so do we.
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")


class _Styles:
    """styles.xml: one cell format (xf) per distinct (Style, quote prefix), one dxf per highlight style.

    Looked up by the style object's identity first: hashing a dataclass of twelve fields for every
    cell would be the writer's largest cost, and ``Style.but`` hands out the same object for the same
    variant. Index 0 is Excel's Normal style (Calibri 11), as every workbook has.
    """

    def __init__(self) -> None:
        self.by_id: dict[tuple[int, bool], tuple[W.Style, int]] = {}
        self.xfs: dict[tuple[W.Style, bool], int] = {}
        self.fonts = {'<font><sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>': 0}
        self.fills = {'<fill><patternFill patternType="none"/></fill>': 0,
                      '<fill><patternFill patternType="gray125"/></fill>': 1}
        self.borders = {"<border><left/><right/><top/><bottom/><diagonal/></border>": 0}
        self.formats: dict[str, int] = {}
        self.xml = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self.dxfs: dict[W.Style, int] = {}

    def __call__(self, style: W.Style, quote: bool = False) -> int:
        known = self.by_id.get((id(style), quote))
        if known is not None:
            return known[1]
        index = self.xfs.get((style, quote))
        if index is None:
            index = self.xfs[(style, quote)] = len(self.xml)
            self.xml.append(self._xf(style, quote))
        self.by_id[(id(style), quote)] = (style, index)  # holding the style keeps its id unique
        return index

    @staticmethod
    def _index(table: dict[str, int], xml: str) -> int:
        return table.setdefault(xml, len(table))

    def _xf(self, s: W.Style, quote: bool) -> str:
        font = self._index(self.fonts, "<font>" + ("<b/>" if s.bold else "") + ("<i/>" if s.italic else "")
                           + f'<sz val="{s.size:g}"/>' + (f'<color rgb="FF{s.color}"/>' if s.color else "")
                           + f'<name val="{attr(s.font)}"/><family val="2"/></font>')
        fill = self._index(self.fills, f'<fill><patternFill patternType="solid"><fgColor rgb="FF{s.fill}"/>'
                                       '<bgColor indexed="64"/></patternFill></fill>') if s.fill else 0
        border = self._index(self.borders, "<border>" + "".join(
            f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))
            + "<diagonal/></border>") if s.border else 0
        number = self.formats.setdefault(s.num_format, 164 + len(self.formats)) if s.num_format else 0
        head = [f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"']
        if quote:
            head.append(' quotePrefix="1"')
        if number:
            head.append(' applyNumberFormat="1"')
        head.append(' applyFont="1"')
        if fill:
            head.append(' applyFill="1"')
        if border:
            head.append(' applyBorder="1"')
        head.append(' applyAlignment="1"')
        if not s.locked:
            head.append(' applyProtection="1"')
        head.append(f'><alignment horizontal="{s.align}" vertical="center"' + (f' indent="{s.indent}"' if s.indent else "")
                    + (' wrapText="1"' if s.wrap else "") + "/>")
        if not s.locked:
            head.append('<protection locked="0"/>')
        return "".join(head) + "</xf>"

    def dxf(self, style: W.Style) -> int:
        """A highlight's differential format: font colour, bold and fill only."""
        return self.dxfs.setdefault(style, len(self.dxfs))

    def xml_part(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{attr(code)}"/>' for code, i in self.formats.items())
        dxfs = "".join("<dxf><font>" + ("<b/>" if s.bold else "") + f'<color rgb="FF{s.color}"/></font>'
                       + (f'<fill><patternFill><bgColor rgb="FF{s.fill}"/></patternFill></fill>' if s.fill else "")
                       + "</dxf>" for s in self.dxfs)
        return "".join([
            DECLARATION, f'<styleSheet xmlns="{_MAIN}">',
            f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "",
            f'<fonts count="{len(self.fonts)}">', *self.fonts, "</fonts>",
            f'<fills count="{len(self.fills)}">', *self.fills, "</fills>",
            f'<borders count="{len(self.borders)}">', *self.borders, "</borders>",
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(self.xml)}">', *self.xml, "</cellXfs>",
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
            f'<dxfs count="{len(self.dxfs)}">{dxfs}</dxfs>',
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>',
            "</styleSheet>"])


class _Strings:
    """sharedStrings.xml: each distinct text once, as Excel writes them."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0
        #: A cell's text as the Book holds it → its index as written and whether it needs the quote
        #: prefix: a workbook repeats its texts (headers, 是/否, units), each is cleaned once.
        self.cells: dict[str, tuple[str, bool]] = {}

    def cell(self, text: str) -> tuple[str, bool]:
        self.count += 1
        found = self.cells.get(text)
        if found is None:
            clean = clean_text(text)
            found = self.cells[text] = (str(self.index.setdefault(clean, len(self.index))),
                                        clean.startswith(_FORMULA_START))
        return found

    def xml_part(self) -> str:
        texts = "\x00".join(self.index)  # no text holds NUL (clean_text), so the table is escaped in one go
        if "_x" in texts:
            texts = _ESCAPE_LIKE.sub(r"_x005F\1", texts)
        # after clean_text a carriage return is the only control character left, which Excel writes as _x000D_
        texts = data(texts.replace("\r", "_x000D_"))
        items = []
        for text in texts.split("\x00") if self.index else ():
            items += ('<si><t xml:space="preserve">' if text[:1].isspace() or text[-1:].isspace() else "<si><t>",
                      text, "</t></si>")
        return "".join([DECLARATION, f'<sst xmlns="{_MAIN}" count="{self.count}" uniqueCount="{len(self.index)}">',
                        *items, "</sst>"])


class _CellXml:
    """A cell's XML from its style index on (after ``<c r="A1" s="``): type and value, or "/>" for a blank.

    Text is always a shared string, never a formula; text starting like one gets the quote prefix.
    A book has a few dozen styles and some two thousand cells: each style's index is written once.
    """

    def __init__(self, styles: _Styles, strings: _Strings) -> None:
        self.styles, self.strings, self.text = styles, strings, strings.cell
        self.xf: dict[int, str] = {}  # id(style) → its index as written (the Book holds every style meanwhile)

    def xml(self, value: W.Value, style: W.Style) -> str:
        if isinstance(value, str):
            index, quote = self.text(value)
            xf = str(self.styles(style, True)) if quote else self.xf.get(id(style)) or self._xf(style)
            return f'{xf}" t="s"><v>{index}</v></c>'
        xf = self.xf.get(id(style)) or self._xf(style)
        if value is None:
            return xf + '"/>'
        if isinstance(value, bool):
            raise TypeError("write booleans as 是/否 text")
        if isinstance(value, (int, float)):
            return f'{xf}"><v>{number(value)}</v></c>'
        if isinstance(value, (dt.date, dt.datetime)):
            when = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            delta = when - _EPOCH
            return f'{xf}"><v>{number(delta.days + delta.seconds / 86400 + delta.microseconds / 864e8)}</v></c>'
        raise TypeError(f"no cell form for {type(value).__name__}")

    def _xf(self, style: W.Style) -> str:
        xf = self.xf[id(style)] = str(self.styles(style))
        return xf


def _sheet_data(sheet: W.Sheet, writer: _CellXml) -> tuple[str, str]:
    """<sheetData> and the sheet's used range. Every cell of a merged range carries the first cell's format."""
    cell = writer.xml
    last = max([c for _, c in sheet.cells] + [m[3] for m in sheet.merges], default=0)
    letters = [""] + [W.col_letter(c) for c in range(1, last + 1)]
    rows: dict[int, dict[int, str]] = {}  # row → column → the cell's XML
    for r1, c1, r2, c2 in sheet.merges:
        first = cell(*sheet.cells.get((r1, c1), (None, W.PLAIN)))
        blank = first.partition('"')[0] + '"/>'
        for r in range(r1, r2 + 1):
            line = rows.setdefault(r, {})
            for c in range(c1, c2 + 1):
                line[c] = f'<c r="{letters[c]}{r}" s="{blank}'
        rows[r1][c1] = f'<c r="{letters[c1]}{r1}" s="{first}'
    for (r, c), (value, style) in sheet.cells.items():
        line = rows.get(r)
        if line is None:
            line = rows[r] = {}
        elif c in line:  # under a merged range: shows nothing of its own
            continue
        line[c] = f'<c r="{letters[c]}{r}" s="{cell(value, style)}'
    out = ["<sheetData>"]
    for r in sorted(rows.keys() | sheet.heights.keys()):
        pixels = row_pixels(sheet.heights.get(r))
        head = f'<row r="{r}" ht="{pixels * 0.75:.16g}" customHeight="1"' if pixels != DEFAULT_ROW_PX else f'<row r="{r}"'
        line = rows.get(r)
        out += (head, ">", *[line[c] for c in sorted(line)], "</row>") if line else (head, "/>")
    out.append("</sheetData>")
    used = area(min(rows), min(min(line) for line in rows.values()), max(rows),
                max(max(line) for line in rows.values())) if rows else "A1"
    return "".join(out), used


def _cols(sheet: W.Sheet, styles: _Styles) -> str:
    """<cols>: widths as Excel stores them (whole pixels over 7-pixel digits), equal neighbours joined."""
    found: list[list] = []
    for col in sorted(sheet.widths.keys() | sheet.column_styles.keys()):
        pixels = col_pixels(sheet.widths.get(col))
        style = sheet.column_styles.get(col)
        key = (pixels, styles(style) if style else 0)
        if found and found[-1][1] == col - 1 and found[-1][2] == key:
            found[-1][1] = col
        else:
            found.append([col, col, key])
    out = []
    for first, last, (pixels, xf) in found:
        out.append(f'<col min="{first}" max="{last}" width="{(pixels * 256 // 7) / 256:.16g}"'
                   + (f' style="{xf}"' if xf else "") + (' customWidth="1"' if pixels != DEFAULT_COL_PX else "") + "/>")
    return "<cols>" + "".join(out) + "</cols>" if out else ""


def _view(sheet: W.Sheet, selected: bool) -> str:
    """<sheetViews>: the tab's selection and frozen panes, with the selections Excel keeps for each pane."""
    head = '<sheetViews><sheetView tabSelected="1" workbookViewId="0"' if selected else \
        '<sheetViews><sheetView workbookViewId="0"'
    if not sheet.freeze:
        return head + "/></sheetViews>"
    rows, cols = sheet.freeze[0] - 1, sheet.freeze[1] - 1
    corner = cell_name(rows + 1, cols + 1)
    if rows and cols:
        pane = (f'<pane xSplit="{cols}" ySplit="{rows}" topLeftCell="{corner}" activePane="bottomRight" state="frozen"/>'
                f'<selection pane="topRight" activeCell="{cell_name(1, cols + 1)}" sqref="{cell_name(1, cols + 1)}"/>'
                f'<selection pane="bottomLeft" activeCell="{cell_name(rows + 1, 1)}" sqref="{cell_name(rows + 1, 1)}"/>'
                '<selection pane="bottomRight"/>')
    elif rows:
        pane = f'<pane ySplit="{rows}" topLeftCell="{corner}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
    elif cols:
        pane = f'<pane xSplit="{cols}" topLeftCell="{corner}" activePane="topRight" state="frozen"/><selection pane="topRight"/>'
    else:
        return head + "/></sheetViews>"
    return head + ">" + pane + "</sheetView></sheetViews>"


def _validation(v: W.Validation) -> str:
    """<dataValidation>: a dropdown (listed choices or a range) or any value, with its hint and error texts."""
    parts = ["<dataValidation"]
    listed = bool(v.source or v.choices)
    if listed:
        parts.append(' type="list"')
    parts.append(' allowBlank="1" showInputMessage="1"')
    if v.show_error or not listed:
        parts.append(' showErrorMessage="1"')
    if listed and v.error:
        parts.append(f' errorTitle="{attr(v.error_title[:32])}" error="{attr(v.error[:255])}"')
    if v.prompt:
        parts.append(f' promptTitle="{attr(v.prompt_title[:32])}" prompt="{attr(v.prompt[:255])}"')
    parts.append(f' sqref="{area(*v.ref)}"')
    if not listed:
        return "".join(parts) + "/>"
    formula = _quoted(",".join(v.choices)) if v.choices else v.source
    return "".join(parts) + f"><formula1>{data(formula)}</formula1></dataValidation>"


#: The one print set-up: A4 landscape, one page wide and as tall as it takes, centred, page-number footer.
_PRINT = ('<printOptions horizontalCentered="1"/>'
          '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>'
          '<pageSetup paperSize="9" fitToWidth="1" fitToHeight="0" orientation="landscape"/>'
          f"<headerFooter><oddFooter>{data(W.FOOTER)}</oddFooter></headerFooter>")
#: What Excel writes for a sheet nobody set up for printing.
_NO_PRINT = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'


def _sheet_xml(sheet: W.Sheet, selected: bool, writer: _CellXml, drawing: bool) -> str:
    """One worksheet part, its elements in the order the schema requires (Excel refuses any other)."""
    styles = writer.styles
    cells, used = _sheet_data(sheet, writer)
    parts = [DECLARATION, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
    if sheet.print:
        parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    parts += [f'<dimension ref="{used}"/>', _view(sheet, selected), '<sheetFormatPr defaultRowHeight="15"/>',
              _cols(sheet, styles), cells]
    if sheet.protected:
        # Locked cells stay locked; sorting, filtering, sizing and adding or removing rows stay allowed.
        parts.append('<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" '
                     'insertRows="0" deleteRows="0" sort="0" autoFilter="0"/>')
    if sheet.autofilter:
        parts.append(f'<autoFilter ref="{area(*sheet.autofilter)}"/>')
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">'
                     + "".join(f'<mergeCell ref="{area(*m)}"/>' for m in sheet.merges) + "</mergeCells>")
    for priority, h in enumerate(sheet.highlights, 1):
        parts.append(f'<conditionalFormatting sqref="{area(*h.ref)}"><cfRule type="cellIs" dxfId="{styles.dxf(h.style)}" '
                     f'priority="{priority}" operator="equal"><formula>{data(_quoted(h.text))}</formula></cfRule>'
                     "</conditionalFormatting>")
    if sheet.validations:
        parts.append(f'<dataValidations count="{len(sheet.validations)}">'
                     + "".join(_validation(v) for v in sheet.validations) + "</dataValidations>")
    parts.append(_PRINT if sheet.print else _NO_PRINT)
    if drawing:
        parts.append('<drawing r:id="rId1"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def _quoted(text: str) -> str:
    """A text as a formula's string literal ("" for a quote inside)."""
    return '"' + text.replace('"', '""') + '"'


def _defined_names(book: W.Book) -> str:
    """Filter ranges, print areas and print titles, as the workbook-level names Excel looks them up by."""
    names = []
    for i, s in enumerate(book.sheets):
        if s.autofilter:
            names.append(("_xlnm._FilterDatabase", i, ' hidden="1"', sheet_ref(s.name, absolute(*s.autofilter))))
        if s.print:
            names.append(("_xlnm.Print_Area", i, "", sheet_ref(s.name, absolute(*s.print.area))))
            if s.print.header_rows:
                first, last = s.print.header_rows
                names.append(("_xlnm.Print_Titles", i, "", sheet_ref(s.name, f"${first}:${last}")))
    if not names:
        return ""
    return "<definedNames>" + "".join(f'<definedName name="{n}" localSheetId="{i}"{hidden}>{data(ref)}</definedName>'
                                      for n, i, hidden, ref in names) + "</definedNames>"


def _workbook_xml(book: W.Book, active: int) -> str:
    sheets = "".join(f'<sheet name="{attr(s.name)}" sheetId="{i}"' + (' state="hidden"' if s.hidden else "")
                     + f' r:id="rId{i}"/>' for i, s in enumerate(book.sheets, 1))
    return (f'{DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"'
            + (f' activeTab="{active}"' if active else "") + f"/></bookViews><sheets>{sheets}</sheets>"
            + _defined_names(book) + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def _rels(targets: list[tuple[str, str]]) -> str:
    return (f'{DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
                      for i, (kind, target) in enumerate(targets, 1)) + "</Relationships>")


def _doc_props(book: W.Book) -> dict[str, str]:
    when = book.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{data(clean_text(book.title))}</dc:title><dc:creator>{data(book.author)}</dc:creator>"
            f"<cp:lastModifiedBy>{data(book.author)}</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>')
    names = "".join(f"<vt:lpstr>{data(s.name)}</vt:lpstr>" for s in book.sheets)
    app = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>'
           f"<vt:variant><vt:i4>{len(book.sheets)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
           f'<TitlesOfParts><vt:vector size="{len(book.sheets)}" baseType="lpstr">{names}</vt:vector></TitlesOfParts>'
           "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
           "<AppVersion>12.0000</AppVersion></Properties>")
    return {"docProps/core.xml": DECLARATION + core, "docProps/app.xml": DECLARATION + app}


def render_book(book: W.Book) -> bytes:
    """The .xlsx bytes of ``book``: the first visible sheet opens active, selected sheets are selected."""
    styles, strings = _Styles(), _Strings()
    writer = _CellXml(styles, strings)
    active = next((i for i, s in enumerate(book.sheets) if not s.hidden), 0)
    parts: dict[str, str] = {}
    overrides = [("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"), ("/xl/styles.xml", "spreadsheetml.styles+xml"),
                 ("/xl/theme/theme1.xml", "theme+xml"),
                 ("/xl/sharedStrings.xml", "spreadsheetml.sharedStrings+xml"),
                 ("/docProps/app.xml", "extended-properties+xml")]
    charts = drawings = 0
    for i, sheet in enumerate(book.sheets, 1):
        selected = i - 1 == active or (sheet.selected and not sheet.hidden)
        if sheet.charts:
            drawings += 1
            anchors = []
            for chart in sheet.charts:
                charts += 1
                parts[f"xl/charts/chart{charts}.xml"] = xlsx_chart.chart_xml(sheet, chart)
                overrides.append((f"/xl/charts/chart{charts}.xml", "drawingml.chart+xml"))
                anchors.append(charts)
            parts[f"xl/drawings/drawing{drawings}.xml"] = xlsx_chart.drawing_xml(sheet)
            parts[f"xl/drawings/_rels/drawing{drawings}.xml.rels"] = _rels(
                [(f"{_REL}/chart", f"../charts/chart{n}.xml") for n in anchors])
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _rels([(f"{_REL}/drawing", f"../drawings/drawing{drawings}.xml")])
            overrides.append((f"/xl/drawings/drawing{drawings}.xml", "drawing+xml"))
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet, selected, writer, bool(sheet.charts))
        overrides.append((f"/xl/worksheets/sheet{i}.xml", "spreadsheetml.worksheet+xml"))
    parts["xl/workbook.xml"] = _workbook_xml(book, active)
    parts["xl/_rels/workbook.xml.rels"] = _rels(
        [(f"{_REL}/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(book.sheets) + 1)]
        + [(f"{_REL}/theme", "theme/theme1.xml"), (f"{_REL}/styles", "styles.xml"),
           (f"{_REL}/sharedStrings", "sharedStrings.xml")])
    parts["xl/sharedStrings.xml"] = strings.xml_part()
    parts["xl/styles.xml"] = styles.xml_part()
    parts.update(_doc_props(book))
    parts["_rels/.rels"] = _rels([(f"{_REL}/officeDocument", "xl/workbook.xml"),
                                  (f"{_PKG_REL}/metadata/core-properties", "docProps/core.xml"),
                                  (f"{_REL}/extended-properties", "docProps/app.xml")])
    parts["[Content_Types].xml"] = (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{_CT}{kind}"/>' for name, kind in overrides) + "</Types>")
    entries = {name: deflate(name, text.encode("utf-8"), _LEVEL) for name, text in parts.items()}
    entries["xl/theme/theme1.xml"] = _THEME
    return write_zip(entries)
