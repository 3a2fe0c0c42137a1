"""One report in-process: reportgen's .docx (and .docx + .xlsx) against docxtpl (+ openpyxl) on the same content.

The docxtpl side is built honestly: its template is generated here with python-docx, holding the
same kinds of paragraphs (title lines, 一级/二级 headings with their styles, body paragraphs with a
bold lead-in run, attachment note, signature) and the same indicator table, with page margins and
fonts set once in the template (not timed). It is fed the text of the very Document reportgen
composed, so both produce identical text; the script checks that before timing. The openpyxl side
writes every cell value of reportgen's own workbook (read back, not timed) with plain openpyxl —
without reportgen's styling, validation and print setup, which favours the baseline.

Timed: writer only (same composed Document in, bytes out) and end-to-end from the YAML file
(load + compose + lint + render), alternating, medians and minimums.
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from common import alternate, largest_example, machine, ms, stats, verdict

TARGET_RATIO = 0.5


def docxtpl_template(path: Path, columns: int) -> None:
    """A docxtpl template with python-docx: the same structure reportgen writes, Jinja in the runs."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    for name, font, size in (("Normal", "仿宋_GB2312", 16), ("Heading 1", "黑体", 16), ("Heading 2", "楷体_GB2312", 16),
                             ("Title", "方正小标宋简体", 22)):
        style = d.styles[name]
        style.font.name, style.font.size = font, Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    d.add_paragraph("{%p for line in title_lines %}")
    d.add_paragraph("{{ line }}", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p for b in blocks %}")
    d.add_paragraph("{%p if b.kind == 1 %}")
    d.add_paragraph("{{ b.text }}", style="Heading 1")
    d.add_paragraph("{%p elif b.kind == 2 %}")
    d.add_paragraph("{{ b.text }}", style="Heading 2")
    d.add_paragraph("{%p else %}")
    p = d.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.add_run("{{ b.lead }}").bold = True
    p.add_run("{{ b.body }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p for line in attachment_note %}")
    d.add_paragraph("{{ line }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{{ signature_unit }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_paragraph("{{ signature_date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_page_break()
    d.add_paragraph("{%p for t in tables %}")
    d.add_paragraph("附件")
    d.add_paragraph("{{ t.title }}", style="Title")
    table = d.add_table(rows=4, cols=columns)
    table.style = "Table Grid"
    for i in range(columns):
        table.cell(0, i).text = f"{{{{ t.columns[{i}] }}}}"
        table.cell(2, i).text = f"{{{{ row[{i}] }}}}"
    table.cell(1, 0).text = "{%tr for row in t.rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    d.add_paragraph("{%p endfor %}")
    d.save(path)


def docxtpl_context(document) -> dict:  # noqa: ANN001 — reportgen.document.Document
    from reportgen.document import Heading, Paragraph, Table
    from reportgen.loaders.style_loader import load as load_style
    from reportgen.writers.docx import title_lines

    profile = load_style()  # the title broken into lines where reportgen's writer breaks it
    capacity = profile.text_width / (profile.fonts.title.size * 20)

    blocks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": block.level, "text": block.full_text})
        elif isinstance(block, Paragraph):
            lead = "".join(r.text for r in block.runs if r.bold)
            blocks.append({"kind": 0, "lead": lead, "body": block.text[len(lead):]})
    tables = [{"title": b.title, "columns": [c.name for c in b.columns], "rows": [list(r) for r in b.rows]}
              for a in document.attachments for b in a.blocks if isinstance(b, Table)]
    return {
        "title_lines": title_lines(document.title, document.title_segments, capacity), "blocks": blocks,
        "attachment_note": [("附件：" if i == 0 else "") + line for i, line in enumerate(document.attachment_note)],
        "signature_unit": document.signature.unit if document.signature else "",
        "signature_date": document.signature.date if document.signature else "", "tables": tables,
    }


def visible_text(data: bytes) -> tuple[list[str], list[str]]:
    """Non-empty paragraph texts (body, in order) and table cell texts of a .docx."""
    import docx

    d = docx.Document(io.BytesIO(data))
    paragraphs = [p.text.replace("\u3000", "").strip() for p in d.paragraphs]
    cells = [c.text.strip() for t in d.tables for row in t.rows for c in row.cells]
    return [p for p in paragraphs if p], cells


def workbook_cells(data: bytes) -> list[tuple[str, list[list]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]


def openpyxl_equivalent(sheets: list[tuple[str, list[list]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--example", type=Path, default=None)
    args = parser.parse_args()

    from docxtpl import DocxTemplate

    from reportgen.compose import load_pack
    from reportgen.loaders import load_report
    from reportgen.pipeline import build_document, render_workbook
    from reportgen.writers import docx as docx_writer

    example = args.example or largest_example()
    pack = load_pack()
    report, _ = load_report(example)
    document = build_document(report, None, pack)
    context = docxtpl_context(document)
    tmp = Path(tempfile.mkdtemp(prefix="rg-bench-"))
    template = tmp / "docxtpl-template.docx"
    docxtpl_template(template, max((len(t["columns"]) for t in context["tables"]), default=1))
    sheets = workbook_cells(render_workbook(report, document))

    def ours_docx() -> bytes:
        return docx_writer.render(document)

    def tpl_docx() -> bytes:
        t = DocxTemplate(template)
        t.render(context, autoescape=True)
        out = io.BytesIO()
        t.save(out)
        return out.getvalue()

    # Same content: every paragraph and cell text of docxtpl's output appears in ours, in order.
    ours_text, ours_cells = visible_text(ours_docx())
    tpl_text, tpl_cells = visible_text(tpl_docx())
    # (reportgen may break a long table title over two lines, and a cell's text within the cell:
    # compare the text, not the breaks)
    same = "".join(ours_text) == "".join(tpl_text) and [c.replace("\n", "") for c in ours_cells] == tpl_cells
    if not same:
        missing = [t for t in tpl_text if t not in ours_text][:3] + [t for t in ours_text if t not in tpl_text][:3]
        print("content differs:", missing, len(ours_cells), len(tpl_cells))

    def ours_both() -> None:
        docx_writer.render(document)
        render_workbook(report, document)

    def tpl_both() -> None:
        tpl_docx()
        openpyxl_equivalent(sheets)

    def ours_e2e() -> None:
        r, _ = load_report(example)
        d = build_document(r, None, pack)
        docx_writer.render(d)
        render_workbook(r, d)

    def tpl_e2e() -> None:
        r, _ = load_report(example)
        d = build_document(r, None, pack)  # docxtpl would still need the same composed text
        t = DocxTemplate(template)
        t.render(docxtpl_context(d), autoescape=True)
        t.save(io.BytesIO())
        openpyxl_equivalent(sheets)

    print(f"# One report in-process — {example.name} ({len(document.blocks)} blocks, "
          f"{len(document.plain_text())} characters; identical text and table cells: {'yes' if same else 'NO'})")
    print(f"# {machine()}")
    results = {}
    for label, pair in (
        (".docx writer vs docxtpl", {"reportgen": ours_docx, "docxtpl": tpl_docx}),
        (".docx + .xlsx vs docxtpl + openpyxl", {"reportgen": ours_both, "docxtpl+openpyxl": tpl_both}),
        ("end to end from YAML (load+compose+lint+docx+xlsx)", {"reportgen": ours_e2e, "docxtpl+openpyxl": tpl_e2e}),
    ):
        times = alternate(pair, args.rounds)
        (a, at), (b, bt) = [(name, stats(t["wall"])) for name, t in times.items()]
        (ac, bc) = [stats(t["cpu"]) for t in times.values()]
        ratio = at[0] / bt[0]
        results[label] = ratio
        target = f"target ≤ {TARGET_RATIO:.2f}: {verdict(ratio <= TARGET_RATIO)}" if "end to end" not in label else "(context)"
        print(f"{label}: {a} median {ms(at[0])} (min {ms(at[1])}, CPU {ms(ac[0])}), "
              f"{b} median {ms(bt[0])} (min {ms(bt[1])}, CPU {ms(bc[0])}); "
              f"ratio of medians {ratio:.2f} (of minimums {at[1] / bt[1]:.2f}, of CPU {ac[0] / bc[0]:.2f}) {target}")
    return results


if __name__ == "__main__":
    main()
