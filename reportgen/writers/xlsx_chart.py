"""A Book's charts (``workbook.Chart``) as DrawingML: the chart part and the drawing that anchors it to cells.

Clustered bar or column charts of the sheet's own cells, with the same parts XlsxWriter writes for
them (tests/test_xlsx_serializer.py compares the two): series with cached values so a reader that
does not recalculate still draws them, 宋体 titles and labels, the value axis's number format and
bounds. The anchor spans cells, so the frame ends where the columns' and rows' pixels add up to its size.
"""

from __future__ import annotations

from .. import workbook as W
from ..xmlchars import escape_attribute as attr
from ..xmlchars import escape_text as data
from .xlsx_units import DECLARATION, absolute, clean_text, col_pixels, number, row_pixels, sheet_ref

_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_EMU_PER_PIXEL = 9525
_CAT_AXIS, _VALUE_AXIS = 50010001, 50010002


def _font(size: int, bold: bool | None = None, tag: str = "a:defRPr") -> str:
    """宋体 at ``size`` points, as a paragraph's default (a:defRPr) or a run's (a:rPr) properties."""
    lang = ' lang="en-US"' if tag == "a:rPr" else ""
    weight = "" if bold is None else f' b="{int(bold)}"'
    return f'<{tag}{lang} sz="{size * 100}"{weight} baseline="0"><a:latin typeface="{attr(W.FONT)}"/></{tag}>'


def _text_props(size: int) -> str:
    return f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(size)}</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>'


def _title(text: str, size: int, bold: bool) -> str:
    return (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(size, bold)}</a:pPr>'
            f'<a:r>{_font(size, bold, "a:rPr")}<a:t>{data(clean_text(text))}</a:t></a:r></a:p></c:rich></c:tx>'
            "<c:layout/></c:title>")


def _cache(sheet: W.Sheet, col: int, first: int, last: int) -> tuple[str, bool]:
    """The cells' values as the chart caches them, and whether they are all numbers (else text)."""
    values = [sheet.value(r, col) for r in range(first, last + 1)]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None)
    points = "".join(f'<c:pt idx="{i}"><c:v>{number(v) if numeric else data(clean_text(str(v)))}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    head = "<c:formatCode>General</c:formatCode>" if numeric else ""
    return f'{head}<c:ptCount val="{len(values)}"/>{points}', numeric


def _data_ref(sheet: W.Sheet, col: int, first: int, last: int) -> str:
    formula = data(sheet_ref(sheet.name, absolute(first, col, last, col)))
    cache, numeric = _cache(sheet, col, first, last)
    kind = "num" if numeric else "str"
    return f"<c:{kind}Ref><c:f>{formula}</c:f><c:{kind}Cache>{cache}</c:{kind}Cache></c:{kind}Ref>"


def _series(sheet: W.Sheet, spec: W.Chart, index: int, s: W.Series) -> str:
    labels = (f'<c:dLbls><c:numFmt formatCode="{attr(spec.axis_format)}" sourceLinked="0"/>{_text_props(9)}'
              '<c:showVal val="1"/></c:dLbls>') if spec.labels else ""
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>{data(clean_text(s.name))}</c:v></c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{s.color}"/></a:solidFill></c:spPr>{labels}'
            f"<c:cat>{_data_ref(sheet, *s.categories)}</c:cat><c:val>{_data_ref(sheet, *s.values)}</c:val></c:ser>")


def chart_xml(sheet: W.Sheet, spec: W.Chart) -> str:
    bar = spec.kind == "bar"
    # the value axis sits on the far side when the categories run top to bottom, as Excel places it
    value_side = ("t" if spec.reverse_categories else "b") if bar else ("r" if spec.reverse_categories else "l")
    bounds = (f'<c:max val="{number(spec.axis_max)}"/>' if spec.axis_max is not None else "") + \
             (f'<c:min val="{number(spec.axis_min)}"/>' if spec.axis_min is not None else "")
    value_title = _title(spec.axis_title, 10, False) if spec.axis_title else ""
    legend = (f'<c:legend><c:legendPos val="b"/><c:layout/>{_text_props(9)}</c:legend>'
              if len(spec.series) > 1 else "")
    return "".join([
        DECLARATION, f'<c:chartSpace {_NS}><c:lang val="en-US"/><c:chart>', _title(spec.title, 12, True),
        f'<c:plotArea><c:layout/><c:barChart><c:barDir val="{"bar" if bar else "col"}"/><c:grouping val="clustered"/>',
        *(_series(sheet, spec, i, s) for i, s in enumerate(spec.series)),
        f'<c:gapWidth val="60"/><c:axId val="{_CAT_AXIS}"/><c:axId val="{_VALUE_AXIS}"/></c:barChart>',
        f'<c:catAx><c:axId val="{_CAT_AXIS}"/><c:scaling><c:orientation val="{"maxMin" if spec.reverse_categories else "minMax"}"/>'
        f'</c:scaling><c:axPos val="{"l" if bar else "b"}"/><c:tickLblPos val="nextTo"/>{_text_props(9)}'
        f'<c:crossAx val="{_VALUE_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/></c:catAx>',
        f'<c:valAx><c:axId val="{_VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/>{bounds}</c:scaling>'
        f'<c:axPos val="{value_side}"/><c:majorGridlines><c:spPr><a:ln><a:solidFill><a:srgbClr val="D9D9D9"/>'
        f"</a:solidFill></a:ln></c:spPr></c:majorGridlines>{value_title}"
        f'<c:numFmt formatCode="{attr(spec.axis_format)}" sourceLinked="0"/><c:tickLblPos val="nextTo"/>{_text_props(9)}'
        f'<c:crossAx val="{_CAT_AXIS}"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>',
        f'</c:plotArea>{legend}<c:plotVisOnly val="1"/></c:chart></c:chartSpace>'])


def _end(start: int, size: int, pixels) -> tuple[int, int]:  # noqa: ANN001 — index → pixels
    """The 0-based cell a frame of ``size`` pixels starting at cell ``start`` ends in, and the offset in it."""
    end = start
    while size >= pixels(end):
        size -= pixels(end)
        end += 1
    return end, size


def drawing_xml(sheet: W.Sheet) -> str:
    """The sheet's drawing: each chart in a frame that moves and sizes with the cells under it."""
    anchors = []
    for n, spec in enumerate(sheet.charts, 1):
        row, col = spec.anchor[0] - 1, spec.anchor[1] - 1
        end_col, x = _end(col, spec.size[0], lambda c: col_pixels(sheet.widths.get(c + 1)))
        end_row, y = _end(row, spec.size[1], lambda r: row_pixels(sheet.heights.get(r + 1)))
        anchors.append(
            f"<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
            f"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{end_col}</xdr:col><xdr:colOff>{x * _EMU_PER_PIXEL}"
            f"</xdr:colOff><xdr:row>{end_row}</xdr:row><xdr:rowOff>{y * _EMU_PER_PIXEL}</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" name="Chart {n}"/>'
            '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId{n}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>")
    return (DECLARATION + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' + "".join(anchors) + "</xdr:wsDr>")
