"""Table column widths and row breaks (reportgen/writers/columns.py, breaks.py), without rendering."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.document import Column, Table
from reportgen.writers import breaks, columns

HEADER = ["序号", "类别", "指标名称", "单位", "目标值", "完成值", "完成率", "同比"]
ROWS = [
    ["1", "志愿服务", "实名注册志愿者", "人", "6800", "7320", "107.6%", "+19%"],
    ["", "", "其中：文化站改造", "万元", "—", "135", "—", "—"],
    ["2", "制度责任", "交叉检查问题整改率", "%", "95", "97.4", "102.5%", "+4.5个百分点"],
]
SHIFTS = [[0.0, 0.0, 1.0 if row[2].startswith("其中") else 0.0, 0, 0, 0, 0, 0] for row in ROWS]


def test_widths_fill_the_type_area_and_keep_short_words_and_numbers_whole():
    widths = columns.fit(HEADER, ROWS, SHIFTS, 8844, 240, 240)
    assert sum(widths) == 8844
    for r, row in enumerate([HEADER, *ROWS]):
        for c, cell in enumerate(row):
            capacity = (widths[c] - 240) / 240 - (SHIFTS[r - 1][c] if r else 0)
            lines = columns.lines(cell, capacity)
            if len(cell) <= columns.WORD:
                assert len(lines) <= 1, (cell, lines)
            assert all(len(line) > 1 for line in lines[1:]), (cell, lines)
            assert all(columns.width(line) <= capacity for line in lines), (cell, lines)


def test_a_name_that_wraps_breaks_after_qizhong_or_evenly_never_leaving_one_character():
    assert columns.lines("其中：文化站改造", 7) == ["其中：", "文化站改造"]
    assert columns.lines("交叉检查问题整改率", 8) == ["交叉检查", "问题整改率"]
    assert columns.wrap("交叉检查问题整改率", 8)[-1] == "率"  # what a greedy renderer would do
    assert columns.lines("交叉检查\n问题整改率", 8) == ["交叉检查", "问题整改率"]  # set once, kept


def test_numbers_stay_with_their_sign_and_measure_word():
    assert columns.pieces("+4.5个百分点") == ["+4.5个", "百", "分", "点"]
    assert columns.pieces("共215人次。") == ["共", "215人", "次。"]


@settings(deadline=None)
@given(st.lists(st.text(st.sampled_from("志愿服务其中：0123456789.%+—"), max_size=14), min_size=8, max_size=8))
def test_any_row_gets_widths_summing_to_the_type_area(row):
    widths = columns.fit(HEADER, [row], [[0.0] * 8], 8844, 240, 240)
    assert sum(widths) == 8844 and min(widths) > 0


def test_sub_rows_stay_with_their_parent_and_the_last_row_is_never_alone():
    rows = tuple(("x",) for _ in range(6))
    table = Table("t", (Column("名称"),), rows, indent=(2, 3))
    assert breaks.keep_with_next(table) == {1, 2, 4}


def test_breaks_put_in_before_do_not_change_the_widths():
    """check --fix re-typesets a built file whose cells already hold the breaks chosen here."""
    widths = columns.fit(HEADER, ROWS, SHIFTS, 8844, 240, 240)
    broken = [["\n".join(columns.lines(cell, (widths[c] - 240) / 240 - SHIFTS[r][c])) for c, cell in enumerate(row)]
              for r, row in enumerate(ROWS)]
    assert any("\n" in cell for row in broken for cell in row)
    assert columns.fit(HEADER, broken, SHIFTS, 8844, 240, 240) == widths
