"""Chinese formatting filters: the number, date and name forms of genre analysis §4.12 and §5."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from reportgen import zh


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((120, "面", "余", "none", "道旗"), "道旗120余面"),
        ((70, "个", "多"), "70多个"),
        ((60, "万元", "近"), "近60万元"),
        ((80, "吨", "约"), "约80吨"),
        ((15, "条", "超过"), "超过15条"),
        ((20, "名", "以上"), "20名以上"),
        ((2000, "份", "余", "共", "宣传单"), "宣传单共2000余份"),
        ((184, "小时", "exact", "累计"), "累计184小时"),
        ((2000, "人", "余", "达"), "达2000余人"),
        ((270, "个", "exact", "共"), "共270个"),
        ((48, "人"), "48人"),
    ],
)
def test_qty_marker_positions(args, expected):
    assert zh.qty(*args) == expected


def test_qty_unknown_markers_are_ignored():
    assert zh.qty(5, "次", "exact", "none") == "5次"


@pytest.mark.parametrize(
    ("value", "unit", "approx", "expected"),
    [
        (40000, "元", "余", "4万余元"),
        (50000, "张", "多", "5万多张"),
        (120000, "元", "exact", "12万元"),  # a whole number of 万: no decimal appears
        (12345, "元", "exact", "12345元"),
        (352220, "元", "exact", "352220元"),
        (13200, "元", "exact", "13200元"),  # never 1.32万元: the clerk did not write a decimal
        (28000, "元", "exact", "28000元"),
        (68000, "人次", "余", "68000余人次"),
        (286000000, "元", "exact", "28600万元"),
        (300000000, "元", "exact", "3亿元"),
        (2.86, "亿元", "exact", "2.86亿元"),  # already in 亿元
        (3.2, "万元", "exact", "3.2万元"),
        (40, "万元", "多", "40多万元"),  # written in 万元: 多 stands before 万, as typed
        (40, "万元", "余", "40余万元"),
        (40, "万元", "以上", "40万元以上"),
        (9999, "元", "余", "9999余元"),
        (10000, "元", "exact", "1万元"),
    ],
)
def test_qty_never_rescales_into_a_decimal(value, unit, approx, expected):
    assert zh.qty(value, unit, approx) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([(15, "超过"), (12, "exact")], (Decimal(27), "以上")),  # 超过15条 + 12条 → 27条以上, never 27余条
        ([(2000, "余"), (300, "exact")], (Decimal(2300), "以上")),
        ([(40, "多"), (5, "以上")], (Decimal(45), "以上")),
        ([(120, "exact"), (80, "exact")], (Decimal(200), "exact")),
        ([(60, "近"), (12, "exact")], None),  # 近60 + 12 has no honest sum
        ([(60, "约"), (12, "exact")], None),
        ([], None),
    ],
)
def test_sum_quantities_never_invents_a_marker(parts, expected):
    assert zh.sum_quantities(parts) == expected


def test_a_sum_over_a_lower_bound_reads_as_at_least():
    total, approx = zh.sum_quantities([(15, "超过"), (12, "exact")])
    assert zh.qty(total, "条", approx) == "27条以上"


@pytest.mark.parametrize(
    ("value", "approx", "expected"),
    [
        (None, "exact", "—"),
        (Decimal("56.10"), "exact", "56.1"),
        (1450, "余", "1450余"),
        (60, "约", "约60"),
        (15, "超过", "超过15"),
        (20, "以上", "20以上"),
        (Decimal("0.125"), "exact", "0.125"),  # as written, not rounded
    ],
)
def test_table_number_keeps_the_figure_as_written(value, approx, expected):
    assert zh.table_number(value, approx) == expected


def test_plain_number_rounds_only_when_asked():
    assert zh.plain_number(Decimal("3.14159")) == "3.14159"
    assert zh.plain_number(Decimal("3.14159"), 2) == "3.14"
    assert zh.plain_number(Decimal("2.345"), 2) == "2.35"  # half up, not banker's
    assert zh.plain_number(Decimal("1E+3")) == "1000"


def test_cn_date_of_nothing_is_empty():
    assert zh.cn_date(None) == ""
    assert zh.cn_date(None, with_year=False) == ""


def test_qty_decimal_and_float_inputs_agree():
    assert zh.qty(Decimal("2.50"), "吨") == zh.qty(2.5, "吨") == "2.5吨"


def test_qty_percent_forms():
    assert zh.qty(95, "%") == "95%"
    assert zh.qty(99, "%", "以上") == "99%以上"
    assert zh.qty(95, "%", "余") == "95%以上"  # “95余%” is not Chinese
    assert zh.qty(40, "%", "近") == "近40%"
    assert zh.qty(96.25, "％") == "96.3%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1200, "1200"), (Decimal("2.50"), "2.5"), (Decimal("3.00"), "3"), (0, "0"), (Decimal("-0.000"), "0")],
)
def test_plain_number(value, expected):
    assert zh.plain_number(value) == expected


def test_percent():
    assert zh.percent(95.46) == "95.5%"
    assert zh.percent(100.0) == "100%"
    assert zh.percent(Decimal("112.36")) == "112.4%"
    assert zh.percent(None) == ""


@pytest.mark.parametrize(
    ("cur", "prev", "unit", "expected"),
    [
        (95, 91, "%", "同比提高4个百分点"),
        (93.5, 96, "%", "同比下降2.5个百分点"),
        (120, 100, "人", "同比增长20%"),
        (80, 100, "件", "同比下降20%"),
        (1236, 1058, "人", "同比增长16.8%"),
        (10, 10, "次", "同比持平"),
        (95, 95, "%", "同比持平"),
    ],
)
def test_change(cur, prev, unit, expected):
    assert zh.change(cur, prev, unit) == expected


def test_change_other_lead_and_zero_base():
    assert zh.change(10, 10, lead="较上期") == "与上期持平"
    assert zh.change(10, 10, lead="比上年") == "与上年持平"
    assert zh.change(10, 10, lead="比上年同期") == "与上年同期持平"
    assert zh.change(12, 10, lead="比上年") == "比上年增长20%"  # one comparison word, not 比上年……同比
    assert zh.change(12, 10, lead="较上期") == "较上期增长20%"
    assert zh.change(5, 0) == ""  # no percentage of nothing
    assert zh.change(5, 0, "%") == "同比提高5个百分点"  # points are fine from zero


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "零"), (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九"),
     (100, "100"), (-1, "-1")],
)
def test_cn_int(n, expected):
    assert zh.cn_int(n) == expected


def test_cn_count_small_counts_in_words():
    assert zh.cn_count(2) == "两"
    assert zh.cn_count(3) == "三"
    assert zh.cn_count(10) == "十"
    assert zh.cn_count(11) == "11"
    assert zh.cn_count(0) == "0"


def test_ordinal():
    assert [zh.ordinal(i) for i in (1, 2, 10, 11)] == ["一是", "二是", "十是", "十一是"]


def test_dates():
    day = dt.date(2024, 6, 5)
    assert zh.cn_date(day) == "2024年6月5日"
    assert zh.cn_date(day, with_year=False) == "6月5日"
    assert zh.date_span(day) == "6月5日"
    assert zh.date_span(day, day) == "6月5日"
    assert zh.date_span(day, dt.date(2024, 6, 7)) == "6月5日至7日"
    assert zh.date_span(dt.date(2024, 6, 28), dt.date(2024, 7, 2)) == "6月28日至7月2日"
    assert zh.date_span(dt.date(2024, 12, 30), dt.date(2025, 1, 3)) == "2024年12月30日至2025年1月3日"
    assert zh.date_span(day, dt.date(2024, 6, 7), with_year=True) == "2024年6月5日至7日"


def test_no_leading_zero_in_dates():
    assert "0" not in zh.cn_date(dt.date(2024, 3, 1), with_year=False)


def test_series():
    assert zh.join(["A", "B", "C"]) == "A、B、C"
    assert zh.join(["A", "B", "C"], "和") == "A、B和C"
    assert zh.join(["A", "B"], "和") == "A和B"
    assert zh.join(["A"], "和") == "A"
    assert zh.join(["A", "", "B"], etc=True) == "A、B等"
    assert zh.join([]) == ""
    assert zh.join([], etc=True) == ""


def test_quoted_and_book():
    assert zh.quoted("我们的节日") == "“我们的节日”"
    assert zh.quoted("“文明之星”") == "“文明之星”"
    assert zh.quoted('"好人"') == "“好人”"
    assert zh.quoted("知荣辱明“三理”") == "“知荣辱明‘三理’”"
    assert zh.book("公民道德建设实施纲要") == "《公民道德建设实施纲要》"


def test_honour_level_outside_quotes():
    assert zh.honour("文明单位", "安徽省") == "安徽省“文明单位”"
    assert zh.honour("文明单位") == "“文明单位”"
    assert zh.honour("“无烟医院”", "省级") == "省级“无烟医院”"
    assert zh.honour("安徽省“文明单位”", "安徽省") == "安徽省“文明单位”"
    assert zh.honour('"最美家庭"', "市级") == "市级“最美家庭”"


def test_honour_keeps_a_place_prefix_the_user_typed():
    # The title already carries where it was awarded; adding the level again reads 市级青枫市“…”.
    assert zh.honour("青枫市“最美志愿服务社区”", "市级") == "青枫市“最美志愿服务社区”"


def test_fullwidth_punctuation():
    assert zh.fullwidth("参与,共计(约)3次;好!") == "参与，共计（约）3次；好！"
    assert zh.fullwidth('开展"文明家庭"评选') == "开展“文明家庭”评选"
    assert zh.fullwidth("共1,200人") == "共1200人"
    assert zh.fullwidth("开展３期") == "开展3期"
    assert zh.fullwidth("Hello, world (ok)") == "Hello, world (ok)"  # Latin-only text untouched


def test_sentence_and_clause():
    assert zh.sentence("效果明显") == "效果明显。"
    assert zh.sentence("效果明显，") == "效果明显。"
    assert zh.sentence("效果明显。") == "效果明显。"
    assert zh.sentence("真好！") == "真好！"
    assert zh.sentence("  ") == ""
    assert zh.sentence("他说“好。”") == "他说“好。”"
    assert zh.sentence("继续实行“门前五保”") == "继续实行“门前五保”。"  # a quoted name does not end a sentence
    assert zh.clause("效果明显。") == "效果明显"
    assert zh.clause("效果明显；") == "效果明显"


def test_the_number_rules_page_shows_what_qty_writes():
    """docs/numbers.md gives one line per rule with an example; each quantity example is what qty writes."""
    import yaml
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "numbers.md").read_text(encoding="utf-8")
    checked = 0
    for rule, data, shown in re.findall(r"^\| ([^|]+) \| `(\{[^`]+\})` \| ([^|]+) \|$", page, re.M):
        fields = yaml.safe_load(data)
        if "label" in fields and "profile" in fields or "表中" in shown:
            continue
        expected = shown.strip().split("（")[0]
        written = zh.qty(fields["value"], fields["unit"], fields.get("approx", "exact"), fields.get("agg", "none"),
                         fields.get("label"), fields.get("per"), fields.get("others", ()), fields.get("verb"))
        if "money" in fields:  # a count with its money: the money clause the activity template adds
            written += "，" + zh.qty(fields["money"], "元", "exact", "共", fields.get("money_label"))
        assert written == expected, rule
        checked += 1
    assert checked >= 7
    assert zh.qty(13200, "元") == "13200元" and zh.qty(380000, "元") == "38万元"  # the two `spend` rows
