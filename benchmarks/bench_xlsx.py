"""The workbook serialiser against the XlsxWriter renderer it replaced, on the same Books.

    .venv/bin/python benchmarks/bench_xlsx.py [--rounds 30]

Renders the unit workbook of the largest example and the roll-up of every example with
``reportgen.writers.xlsx.render_book`` and with tests/xlsx_reference.py (XlsxWriter, a test
dependency), alternating, and prints CPU and wall medians and their ratio. The serialiser was
written to make a ``reportgen batch`` unit cheaper (issue 16); this shows by how much.
"""

from __future__ import annotations

import argparse
import sys

from common import EXAMPLES, ROOT, alternate, largest_example, machine, ms, stats

sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    from xlsx_reference import render_book as xlsxwriter_render

    from reportgen import unit_book
    from reportgen.compose import compose, load_pack
    from reportgen.loaders import load
    from reportgen.rollup import summarise, workbook_book
    from reportgen.writers.xlsx import render_book

    path = largest_example()
    loaded = load(path)
    books = {
        f"unit workbook of {path.name}": unit_book.build(loaded.report, compose(loaded.report, pack=load_pack(),
                                                                                 source=loaded.source)),
        f"roll-up of {len(EXAMPLES)} examples": workbook_book([summarise(load(p).report, p) for p in EXAMPLES]),
    }
    print(f"# {machine()}")
    for name, book in books.items():
        times = alternate({"ours": lambda: render_book(book), "xlsxwriter": lambda: xlsxwriter_render(book)},
                          args.rounds)
        ours, theirs = (stats(times[k]["cpu"])[0] for k in ("ours", "xlsxwriter"))
        wall_ours, wall_theirs = (stats(times[k]["wall"])[0] for k in ("ours", "xlsxwriter"))
        cells = sum(len(s.cells) for s in book.sheets)
        print(f"{name} ({cells} cells, {len(book.sheets)} sheets): serialiser CPU median {ms(ours)}, "
              f"XlsxWriter {ms(theirs)}; ratio of CPU medians {ours / theirs:.2f} "
              f"(of wall medians {wall_ours / wall_theirs:.2f})")


if __name__ == "__main__":
    main()
