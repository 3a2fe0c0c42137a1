"""The pydantic models: field validators, derived values and the Chinese error messages they produce."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from reportgen.errors import SourceMap, findings_from_validation, format_path
from reportgen.model import (
    SELF_REFERENCE,
    THEMES,
    UNIT_GROUP,
    DocRef,
    Metric,
    Period,
    Quantity,
    Report,
    Unit,
    UnitType,
)

ROOT = Path(__file__).resolve().parents[1]
FULL = yaml.safe_load((ROOT / "examples" / "shequ-2024-shangbannian.yaml").read_text(encoding="utf-8"))
MINIMAL = {"unit": {"name": "槐树里社区", "type": "社区"}, "period": {"year": 2024}}


def messages(data: dict) -> list[str]:
    """Validate and render errors as ``path：message`` (no file locations)."""
    with pytest.raises(ValidationError) as info:
        Report.model_validate(data)
    return [f"{f.path}：{f.message}" for f in findings_from_validation(info.value, SourceMap("r.yaml"))]


def with_(path: tuple, value, base: dict | None = None) -> dict:
    data = copy.deepcopy(base or MINIMAL)
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
    node[path[-1]] = value
    return data


# ---------------------------------------------------------------- unit types


def test_every_unit_type_has_a_self_reference_and_a_group():
    types = set(UnitType.__args__)  # type: ignore[attr-defined]
    assert set(SELF_REFERENCE) == types
    assert set(UNIT_GROUP) == types
    assert set(UNIT_GROUP.values()) == {"社区", "村", "乡镇", "机关", "医疗", "教育", "窗口"}


@pytest.mark.parametrize(
    ("unit_type", "self_ref", "collective"),
    [("社区", "我社区", "全社区"), ("镇", "我镇", "全镇"), ("医院", "我院", "全院"), ("局", "我局", "全局"),
     ("学校", "我校", "全校"), ("幼儿园", "我园", "全园"), ("银行", "我行", "全行"), ("其他", "我单位", "全单位")],
)
def test_self_reference_is_derived_from_the_type(unit_type, self_ref, collective):
    unit = Unit(name="单位", type=unit_type)
    assert (unit.self_ref, unit.collective) == (self_ref, collective)
    dumped = unit.model_dump()
    assert dumped["self_ref"] == self_ref and dumped["collective"] == collective


def test_no_self_reference_is_a_find_and_replace_artefact():
    # 区→镇 on “社区” gives “社镇”: the derived words must never contain such a hybrid.
    for own, everyone in SELF_REFERENCE.values():
        assert own.startswith("我") and everyone.startswith("全")
        assert "社镇" not in own + everyone


def test_display_name_prefers_the_short_name():
    assert Unit(name="青枫市东湖区柳荫街道槐树里社区", type="社区", short_name="槐树里社区").display_name == "槐树里社区"
    assert Unit(name="槐树里社区", type="社区").display_name == "槐树里社区"


def test_unknown_unit_type_lists_the_choices():
    (line,) = messages(with_(("unit", "type"), "小区"))
    assert line.startswith("unit.type：取值应为以下之一：社区、居委会、村、街道、")
    assert line.endswith("、其他")
    assert "'" not in line and " or " not in line


# ---------------------------------------------------------------- placeholders and invisible characters


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("20xx年上半年工作总结", "20xx"),
        ("20XX年度", "20XX"),
        ("20××年", "20××"),
        ("20**年", "20**"),
        ("20__年", "20__"),
        ("20？？年", "20？？"),
        ("xx社区", "xx"),
        ("XXX同志", "XXX"),
        ("“××××”主题征文", "××××"),
        ("****社区", "****"),
        ("某某县文明办", "某某"),
        ("负责宣传的__同志", "__"),
        ("○○街道", "○○"),
        ("{{ unit.name }}", "{{"),
        ("{% if x %}", "{%"),
    ],
)
def test_placeholders_are_refused(text, token):
    assert messages(with_(("unit", "name"), text)) == [f"unit.name：含有占位符“{token}”：请填写真实内容，或删除这一项"]


@pytest.mark.parametrize(
    "text",
    ["二〇二四年工作总结", "3×4米宣传栏", "Box 社区书屋", "Maxx 健身房", "某社区", "2024年", "a_b", "第*期"],
)
def test_ordinary_text_is_not_mistaken_for_a_placeholder(text):
    assert Report.model_validate(with_(("unit", "name"), text)).unit.name == text


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u202d", "\u200e", "\u200f", "\u2066", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad",
     "\x07", "\x00", "\x1b", "\x85"],
)
def test_invisible_and_bidi_characters_are_refused(char):
    assert messages(with_(("unit", "name"), f"槐树里{char}社区")) == [
        "unit.name：含有不可见的控制字符或方向标记：请删除后重新输入"
    ]


def _string_leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_leaves(value, path + (i,))
    elif isinstance(node, str):
        yield path


LEAVES = list(_string_leaves(FULL))


def test_the_full_example_is_valid_and_has_many_text_fields():
    Report.model_validate(FULL)
    assert len(LEAVES) > 200


@pytest.mark.parametrize("path", LEAVES, ids=format_path)
def test_placeholder_is_refused_in_every_field(path):
    """Every string in a rich report: a placeholder there is an error at exactly that path."""
    with pytest.raises(ValidationError) as info:
        Report.model_validate(with_(path, "某某", FULL))
    (error,) = info.value.errors()
    assert tuple(error["loc"][: len(path)]) == path
    # Text fields say “placeholder”; enum and identifier fields refuse the value for their own reason.
    assert error["type"] in {"placeholder", "literal_error", "string_pattern_mismatch"}


@pytest.mark.parametrize("path", LEAVES, ids=format_path)
def test_bidi_override_is_refused_in_every_field(path):
    node = FULL
    for part in path:
        node = node[part]
    with pytest.raises(ValidationError) as info:
        Report.model_validate(with_(path, node + "\u202e", FULL))
    (error,) = info.value.errors()
    assert tuple(error["loc"][: len(path)]) == path
    assert error["type"] in {"invisible_char", "literal_error", "string_pattern_mismatch"}


def test_placeholder_check_covers_free_text_fields():
    """The generic walk above must really exercise the placeholder rule on free text, not only enums."""
    free_text = 0
    for path in LEAVES:
        try:
            Report.model_validate(with_(path, "某某", FULL))
        except ValidationError as exc:
            free_text += exc.errors()[0]["type"] == "placeholder"
    assert free_text > 150


# ---------------------------------------------------------------- text fields


def test_text_is_stripped_and_must_not_be_empty():
    assert Report.model_validate(with_(("unit", "name"), "  槐树里社区 ")).unit.name == "槐树里社区"
    assert messages(with_(("unit", "name"), "   ")) == ["unit.name：不能为空：请填写内容，或删除这一项"]


def test_text_length_limits():
    assert messages(with_(("unit", "name"), "长" * 201)) == ["unit.name：太长了：最多 200 个字"]
    quantity = {"label": "宣传单", "value": 10, "unit": "非常非常长的计量单位"}
    data = with_(("activities",), [{"theme": "宣传发动", "title": "发放宣传单", "quantities": [quantity]}])
    assert messages(data) == ["activities[0].quantities[0].unit：太长了：最多 8 个字"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("《东湖区创城工作方案》", "东湖区创城工作方案"),
        ("东湖区创城工作方案", "东湖区创城工作方案"),
        ("《关于印发《实施方案》的通知》", "关于印发〈实施方案〉的通知"),
        ("关于印发<实施方案>的通知", "关于印发〈实施方案〉的通知"),
    ],
)
def test_document_titles_are_stored_without_outer_brackets(given, stored):
    assert DocRef(title=given).title == stored


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("东文明办[2024]3号", "东文明办〔2024〕3号"),
        ("东文明办【2024】3号", "东文明办〔2024〕3号"),
        ("东文明办(2024)3号", "东文明办〔2024〕3号"),
        ("东文明办（2024）3号", "东文明办〔2024〕3号"),
        ("东文明办〔2024〕3号", "东文明办〔2024〕3号"),
    ],
)
def test_document_numbers_use_hexagonal_brackets(given, stored):
    assert DocRef(title="方案", doc_no=given).doc_no == stored


@pytest.mark.parametrize("key", ["p1", "volunteers", "old-estates", "A_b9"])
def test_valid_keys(key):
    assert Metric(key=key, label="a", theme="志愿服务", value=1, unit="人").key == key


@pytest.mark.parametrize("key", ["1abc", "志愿者", "a b", "", "a" * 41, "_x"])
def test_invalid_keys(key):
    data = with_(("metrics",), [{"key": key, "label": "志愿者", "theme": "志愿服务", "value": 1, "unit": "人"}])
    assert messages(data) == ["metrics[0].key：代号只能以字母开头，由字母、数字、下划线组成（如 p1）；表格中可以不填，程序会自动编号"]


# ---------------------------------------------------------------- unknown keys, types and ranges


@pytest.mark.parametrize(
    ("path", "meant"),
    [(("colour",), ""), (("unit", "nmae"), "name（单位全称）"), (("period", "years"), "year（年度）"),
     (("basis", "ideologies"), "ideology（指导思想）"), (("closing", "text"), "")],
)
def test_unknown_keys_are_errors_at_every_level(path, meant):
    told = f"不认识的字段：是不是 {meant}？请改正字段名，或删除这一行" if meant else "不认识的字段：请检查拼写，或删除这一行"
    assert messages(with_(path, "x")) == [f"{format_path(path)}：{told}"]


def test_unknown_key_in_a_list_item():
    data = with_(("activities",), [{"theme": "环境卫生", "title": "大扫除", "dates": "2024-03-16"}])
    assert messages(data) == ["activities[0].dates：不认识的字段：是不是 date（日期）？请改正字段名，或删除这一行"]


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("frequency", "recurrence（频次）"),  # an English word for the field
        ("cost", "spend（投入经费）"),
        ("place", "location（地点）"),
        ("attendence", "attendance（参与人数或人次）"),  # a misspelling
        ("Attendance", "attendance（参与人数或人次）"),
        ("活动名称", "title（活动名称）"),  # the Chinese name the schema and the workbook give it
        ("参与人数", "attendance（参与人数或人次）"),  # not attendance_approx (参与人数的约数说法)
        ("description", "content（主要内容）"),
    ],
)
def test_an_unknown_key_names_the_field_it_probably_meant(key, meant):
    data = with_(("activities",), [{"theme": "环境卫生", "title": "大扫除", key: "x"}])
    assert messages(data) == [f"activities[0].{key}：不认识的字段：是不是 {meant}？请改正字段名，或删除这一行"]


@pytest.mark.parametrize(
    ("field", "typed", "told"),
    [
        ("attendance", "100多人", "请分开写成 attendance: 100，attendance_approx: 多，attendance_unit: 人"),
        ("attendance", "近百名", "请分开写成 attendance: 100，attendance_approx: 近，attendance_unit: 名"),
        ("spend", "40多万元", "请分开写成 spend: 400000，spend_approx: 多"),
        ("attendance", "1,200", "请写成 attendance: 1200"),
    ],
)
def test_a_figure_typed_as_in_the_workbook_is_told_how_to_write_it_in_yaml(field, typed, told):
    """The workbook reads 100多人 in one cell; in YAML the number, 约数 and measure word are separate keys."""
    data = with_(("activities",), [{"theme": "环境卫生", "title": "大扫除", field: typed}])
    (message,) = messages(data)
    assert message.startswith(f"activities[0].{field}：应填写") and message.endswith(f"；{told}")


def test_a_hint_follows_the_names_each_list_uses():
    """Most lists name an item by ``label``; results use ``text``, activities ``title``."""
    assert messages(with_(("results",), [{"text": "x", "label": "y"}])) == [
        "results[0].label：不认识的字段：是不是 text（成效或节点）？请改正字段名，或删除这一行"]


def test_a_hint_names_only_a_field_of_the_model_at_that_place():
    """“goal” is a metric's target; at the top of the file there is no target to point to."""
    metric = {"label": "志愿者", "theme": "志愿服务", "value": 1, "unit": "人", "goal": 2}
    assert messages(with_(("metrics",), [metric])) == [
        "metrics[0].goal：不认识的字段：是不是 target（目标值）？请改正字段名，或删除这一行"]
    assert messages(with_(("goal",), 2)) == ["goal：不认识的字段：请检查拼写，或删除这一行"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("period", "year"), "2024年", "应填写整数，如 12；请写成 year: 2024"),
        (("period", "year"), 1980, "不能小于 1990"),
        (("period", "year"), 2101, "不能大于 2100"),
        (("period", "type"), "年度", "取值应为以下之一：上半年、下半年、全年、季度、月度、阶段、专项、近年来、多年"),
        (("period", "quarter"), 5, "不能大于 4"),
        (("attach_indicators",), "是", "应填写 true 或 false"),
        (("leadership",), ["王芳"], "应填写若干“字段: 值”"),
        (("mechanisms",), {"name": "例会"}, "应填写一个列表（每项以“- ”开头）"),
        (("title",), 2024, "应填写文字"),
        (("signature",), {"date": "2024年7月1日"}, None),
    ],
)
def test_type_errors_are_explained_in_chinese(path, value, message):
    found = messages(with_(path, value))
    if message is None:
        assert found == ["signature.date：日期应写成 2024-06-05"]
    else:
        assert found == [f"{format_path(path)}：{message}"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12人", "应填写数字，如 12 或 3.5；请分开写成 value: 12，unit: 人"),
        (-3, "不能小于 0"),
        (10**13, "不能大于 1000000000000"),
        (float("nan"), "应填写一个有限的数字"),
        ("1200", "应填写数字，如 12 或 3.5"),  # quoted: text to the editor's schema, so text here too
    ],
)
def test_amount_errors(value, message):
    data = with_(("metrics",), [{"label": "志愿者", "theme": "志愿服务", "value": value, "unit": "人"}])
    assert messages(data) == [f"metrics[0].value：{message}"]


def test_counts_must_be_whole_numbers():
    data = with_(("activities",), [{"theme": "环境卫生", "title": "大扫除", "attendance": 3.5}])
    assert messages(data) == ["activities[0].attendance：应填写整数，不能带小数"]


def test_list_length_limit():
    data = with_(("basis",), {"goals": ["环境优美"] * 13})
    assert messages(data) == ["basis.goals：条目太多：最多 12 项"]


def test_heading_keys_must_be_themes():
    (line,) = messages(with_(("headings",), {"卫生": "加强环境整治"}))
    assert line.startswith("headings.卫生：取值应为以下之一：组织领导、")


# ---------------------------------------------------------------- derived values


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ({"year": 2024}, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ({"year": 2024, "type": "上半年"}, dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ({"year": 2024, "type": "下半年"}, dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ({"year": 2024, "type": "季度", "quarter": 1}, dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ({"year": 2024, "type": "季度", "quarter": 4}, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ({"year": 2024, "type": "月度", "month": 2}, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ({"year": 2023, "type": "月度", "month": 2}, dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ({"year": 2024, "type": "月度", "month": 12}, dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
        ({"year": 2024, "type": "阶段", "start": "2024-03-01", "end": "2024-05-15"}, dt.date(2024, 3, 1), dt.date(2024, 5, 15)),
    ],
)
def test_period_bounds(period, start, end):
    p = Period.model_validate(period)
    assert (p.start_date, p.end_date) == (start, end)


def test_metric_completion_and_change():
    m = Metric(label="志愿者", theme="志愿服务", value=Decimal(1236), unit="人", target=Decimal(1100), previous=Decimal(1058))
    assert m.met is True
    assert round(m.completion, 2) == Decimal("112.36")
    assert round(m.change, 2) == Decimal("16.82")
    under = Metric(label="a", theme="志愿服务", value=90, unit="人", target=100)
    assert (under.met, under.completion) == (False, Decimal(90))
    assert Metric(label="a", theme="志愿服务", value=5, unit="人").completion is None
    assert Metric(label="a", theme="志愿服务", value=5, unit="人", target=0).completion is None
    assert Metric(label="a", theme="志愿服务", value=5, unit="人", previous=0).change is None


def test_lower_is_better_metrics():
    good = Metric(label="投诉", theme="窗口服务", value=8, unit="件", target=10, lower_is_better=True)
    bad = Metric(label="投诉", theme="窗口服务", value=20, unit="件", target=10, lower_is_better=True)
    assert (good.met, good.completion) == (True, Decimal(100))
    assert (bad.met, bad.completion) == (False, Decimal(50))


def test_metric_as_quantity():
    q = Metric(label="宣传单", theme="宣传发动", value=2000, unit="份", approx="余", agg="共").quantity()
    assert q == Quantity(label="宣传单", value=Decimal(2000), unit="份", approx="余", agg="共")


def test_problem_ids_fill_in_positions():
    report = Report.model_validate(with_(("problems",), [{"label": "宣传不足"}, {"id": "funds", "label": "经费紧张"}, {"label": "阵地不足"}]))
    assert report.problem_ids() == ["p1", "funds", "p3"]


def test_defaults_for_signature_campaign_and_closing():
    report = Report.model_validate(with_(("period",), {"year": 2024, "type": "上半年"}))
    assert report.signature_unit == "槐树里社区"
    assert report.signature_date is None  # no stand-in date nobody chose
    assert report.campaign.phrase == "创建全国文明城市"
    assert report.closing.style == "auto"
    assert report.kind == "总结"


def test_themes_are_the_documented_24():
    assert len(THEMES) == 24
    assert THEMES[0] == "组织领导"


def test_metric_by_key():
    report = Report.model_validate(FULL)
    by_key = report.metric_by_key()
    assert by_key["volunteers"].label == "实名注册志愿者"
    assert set(by_key) == {"population", "volunteers", "households"}


@pytest.mark.parametrize(("fields", "phrase"), [
    ({}, "创建全国文明城市"),
    ({"kind": "文明城市", "level": "省级", "region": "陕西省", "edition": 4}, "创建第四届陕西省文明城市"),
    ({"kind": "文明县城", "verb": "巩固", "also": ["国家卫生县城"]}, "巩固全国文明县城和国家卫生县城"),
    ({"kind": "文明村", "level": "市级"}, "创建市级文明村"),
    ({"kind": "卫生城市", "level": "省级", "edition": 12}, "创建第十二届省级卫生城市"),
])
def test_campaign_name_from_level_or_region_edition_and_a_second_title(fields, phrase):
    from reportgen.model import Campaign

    assert Campaign(**fields).phrase == phrase


def test_a_named_region_and_second_title_reach_the_title_with_their_source_lines(tmp_path):
    from reportgen.compose import compose
    from reportgen.loaders import load

    data = (tmp_path / "cun.yaml")
    data.write_text(
        "unit: {name: 柳湾村民委员会, type: 村}\nperiod: {year: 2024}\n"
        "campaign: {kind: 文明村, level: 省级, region: 陕西省, edition: 2, also: [市级卫生村]}\n"
        "activities:\n  - {theme: 环境卫生, title: 村庄清洁行动, kind: 整治, date: 2024-03-09, attendance: 80}\n"
        "signature: {date: 2024-12-20}\n", encoding="utf-8")
    loaded = load(data)
    document = compose(loaded.report, source=loaded.source)
    assert "创建第二届陕西省文明村和市级卫生村" in document.title
    cited = {s.path: s.location for b in document.blocks for sentence in getattr(b, "sentences", ()) for s in sentence.sources}
    assert cited["campaign.region"].endswith("cun.yaml:3:42") and "campaign.also" in cited
