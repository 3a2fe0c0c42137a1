"""The output linter catches each defect class of copied 范文 (genre analysis §7) and passes clean text."""

from __future__ import annotations

import pytest

from reportgen import lint
from reportgen.document import Document, Heading, Paragraph, Run


def _p(text: str) -> Paragraph:
    return Paragraph((Run(text),))


CLEAN = [
    _p("今年以来，我社区紧紧围绕创建全国文明城市目标任务，统筹推进各项创建工作。现将有关情况总结如下："),
    Heading(1, "一、", "加强组织领导"),
    _p("社区成立了创建工作领导小组，明确了各网格的责任人。"),
    Heading(2, "（一）", "健全工作机制"),
    _p("每周召开一次例会，通报点位检查情况。"),
    Heading(2, "（二）", "强化督查考核"),
    _p("每月开展一次交叉检查，问题当场交办。"),
    Heading(1, "二、", "广泛宣传发动"),
    _p("更新公益广告138块，入户走访2860户。"),
]


def _doc(blocks, title="槐树里社区2024年上半年创建全国文明城市工作总结") -> Document:
    return Document(title=title, title_segments=(title,), blocks=list(blocks))


def _replace(index: int, block) -> list:
    blocks = list(CLEAN)
    blocks[index] = block
    return blocks


def test_clean_document_has_no_findings():
    assert lint.check(_doc(CLEAN)) == []
    lint.ensure_clean(_doc(CLEAN))


@pytest.mark.parametrize(
    "text",
    [
        "20xx年上半年，我社区开展了活动。",
        "以党支部书记***同志为组长。",
        "****社区认真开展创建工作。",
        "某某县文明办给予指导。",
        "负责宣传的___同志表现突出。",
        "共评选出××家庭若干户。",
        "参与人数None人。",
        "完成率nan%。",
        "组长由{{ leader }}担任。",
        "按照{% if x %}要求{% endif %}开展。",
        "20**年工作总结如下。",
    ],
)
def test_placeholder(text):
    findings = lint.check(_doc(_replace(2, _p(text))))
    assert any("占位符" in f for f in findings), findings


def test_placeholder_in_title_is_caught():
    findings = lint.check(_doc(CLEAN, title="xx社区20xx年工作总结"))
    assert any("占位符" in f for f in findings)


def test_latin_words_are_not_placeholders():
    assert lint.check(_doc(_replace(8, _p("推行LED屏和WiFi全覆盖，Xbox不是占位符。")))) == []


def test_empty_heading():
    findings = lint.check(_doc(_replace(1, Heading(1, "一、", "  "))))
    assert any("没有文字" in f for f in findings)


def test_empty_paragraph():
    findings = lint.check(_doc(_replace(2, _p(""))))
    assert any("空段落" in f for f in findings)


def test_repeated_sentence():
    repeated = "每周召开一次例会，通报点位检查情况。"
    findings = lint.check(_doc(_replace(8, _p("更新公益广告138块。" + repeated))))
    assert any("句子重复" in f and "例会" in f for f in findings)


def test_short_repeats_are_allowed():
    blocks = CLEAN + [_p("效果明显。"), _p("效果明显。")]
    assert lint.check(_doc(blocks)) == []


def test_level1_numbering_gap():
    findings = lint.check(_doc(_replace(7, Heading(1, "三、", "广泛宣传发动"))))
    assert any("一级标题编号不连续" in f for f in findings)


def test_level1_duplicate_number():
    findings = lint.check(_doc(_replace(7, Heading(1, "一、", "广泛宣传发动"))))
    assert any("一级标题编号不连续" in f for f in findings)


def test_level2_numbering_gap():
    findings = lint.check(_doc(_replace(5, Heading(2, "（三）", "强化督查考核"))))
    assert any("小标题编号不连续" in f for f in findings)


def test_level2_numbering_restarts_under_each_level1():
    blocks = CLEAN + [Heading(2, "（一）", "线上宣传"), _p("公众号推送创城内容56条。")]
    assert lint.check(_doc(blocks)) == []


@pytest.mark.parametrize(
    "text",
    ["社区开展活动,居民积极参与。", "完成任务;效果明显。", "主要做法:一是宣传。", "共计(约)3次活动。", "真的吗?好!"],
)
def test_half_width_punctuation(text):
    findings = lint.check(_doc(_replace(8, _p(text))))
    assert any("半角标点" in f for f in findings), findings


def test_half_width_between_latin_is_fine():
    assert lint.check(_doc(_replace(8, _p("接入政务服务网（zwfw.example.cn）。")))) == []


def test_full_width_digits():
    findings = lint.check(_doc(_replace(8, _p("开展活动３期，参与４５２人。"))))
    assert any("全角数字" in f for f in findings)


@pytest.mark.parametrize("text", ["效果明显，，居民满意。", "效果明显。，居民满意。", "一是宣传、、二是整治。"])
def test_doubled_punctuation(text):
    findings = lint.check(_doc(_replace(8, _p(text))))
    assert any("重复标点" in f for f in findings)


def test_attachment_note_is_checked():
    document = _doc(CLEAN)
    document.attachment_note = ("20xx年指标完成情况表",)
    assert any("占位符" in f for f in lint.check(document))


def test_ensure_clean_raises_with_all_findings():
    blocks = _replace(8, _p("开展活动３期,参与20xx人。"))
    with pytest.raises(lint.LintError) as caught:
        lint.ensure_clean(_doc(blocks))
    kinds = "\n".join(caught.value.findings)
    assert "全角数字" in kinds and "半角标点" in kinds and "占位符" in kinds


# The texts the two placeholder patterns are compared on: every token form, its near misses, and
# each token at the start, middle and end of a text and beside Latin letters (the look-behinds).
_TOKENS = ["20xx", "20XX", "20××", "20**", "20＊＊", "20__", "20＿＿", "20??", "20？？", "xx", "XXX", "××", "ＸＸ",
           "**", "＊＊", "某某", "__", "＿＿", "○○", "{{", "}}", "{%", "%}", "None", "nan", "NaN", "null",
           "undefined", "Undefined", "2x", "x", "×", "*", "某", "_", "○", "{", "}", "%", "No", "na", "Nonex", "aNone",
           "Xbox", "Maxx", "3×4米", "第*期", "a_b", "二〇二四年", "2024年"]


@pytest.mark.parametrize("token", _TOKENS)
def test_the_fast_placeholder_scan_finds_what_the_model_pattern_finds(token):
    from reportgen.model import PLACEHOLDER

    for text in (token, f"社区{token}工作", f"a{token}", f"{token}b", f"某{token}某", f"2{token}0"):
        slow, fast = PLACEHOLDER.search(text), lint.find_placeholder(text)
        assert (slow and (slow.span(), slow.group(0))) == (fast and (fast.span(), fast.group(0))), text


def test_the_fast_placeholder_scan_agrees_on_every_example_workbook():
    from pathlib import Path

    from reportgen import unit_book
    from reportgen.loaders import load_report
    from reportgen.model import PLACEHOLDER

    for path in sorted((Path(__file__).parents[1] / "examples").glob("*.yaml")):
        for text in unit_book.build(load_report(path)[0]).texts():
            assert [m.span() for m in PLACEHOLDER.finditer(text)] == [m.span() for m in lint.PLACEHOLDER_SCAN.finditer(text)]
            slow, fast = PLACEHOLDER.search(text), lint.find_placeholder(text)
            assert (slow and slow.span()) == (fast and fast.span())


def test_a_workbook_text_is_checked_with_the_users_names_left_out():
    assert lint.check_texts(["数据文件 nan.yaml"], exempt=["nan.yaml"]) == []
    assert lint.check_texts(["数据文件 nan.yaml 与 nan"], exempt=["nan.yaml"]) != []
    assert lint.check_texts(["Nonan.yamlne"], exempt=["nan.yaml"]) != []  # removing the name makes None
