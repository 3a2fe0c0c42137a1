"""The YAML reader: every error path gives one located, Chinese line, and never a traceback.

Messages have the form ``文件:行:列 字段路径：说明``; the tests compare whole lines so a wrong line
number, a lost field path or an English message fails them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.loaders import load_report
from reportgen.loaders.yaml_loader import MAX_BYTES, load_yaml

HEAD = "unit: {name: 槐树里社区, type: 社区}\nperiod: {year: 2024, type: 上半年}\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Work in a fresh folder so messages name the file as ``r.yaml``."""
    monkeypatch.chdir(tmp_path)


def write(text: str | None = None, raw: bytes | None = None, name: str = "r.yaml") -> Path:
    path = Path(name)
    if raw is None:
        raw = (text or "").encode("utf-8")
    path.write_bytes(raw)
    return path


def errors(text: str | None = None, raw: bytes | None = None, name: str = "r.yaml") -> list[str]:
    path = write(text, raw, name)
    with pytest.raises(InputError) as info:
        load_report(path)
    return [str(f) for f in info.value.findings]


def ok(text: str | None = None, raw: bytes | None = None, name: str = "r.yaml"):
    report, warnings = load_report(write(text, raw, name))
    return report


# ---------------------------------------------------------------- well-formed input


def test_valid_file_loads_and_records_locations():
    data, source = load_yaml(write(HEAD + "activities:\n  - theme: 环境卫生\n    title: 大扫除\n    date: 2024-03-16\n"))
    assert data["activities"][0]["date"] == dt.date(2024, 3, 16)
    assert str(source.locate(("activities", 0, "date"))) == "r.yaml:6:11"
    assert str(source.locate(("activities", 0))) == "r.yaml:4:5"
    assert str(source.locate(("unit", "name"))) == "r.yaml:1:14"
    # A missing field is located at its nearest recorded parent.
    assert str(source.locate(("activities", 0, "location"))) == "r.yaml:4:5"


def test_text_argument_is_reported_under_the_given_name():
    data, source = load_yaml(Path("from-editor.yaml"), text="\ufeffunit: {name: a, type: 社区}\n")
    assert data == {"unit": {"name": "a", "type": "社区"}}
    assert str(source.locate(("unit",))) == "from-editor.yaml:1:7"


def test_datetime_at_midnight_becomes_a_date():
    data, _ = load_yaml(write(HEAD + "signature: {date: 2024-07-01 00:00:00}\n"))
    assert data["signature"]["date"] == dt.date(2024, 7, 1)


# ---------------------------------------------------------------- message format and line numbers


def test_bad_date_is_reported_at_its_line_with_the_field_path():
    text = HEAD + (
        "activities:\n"
        "  - {theme: 环境卫生, title: 大扫除, date: 2024-03-16}\n"
        "  - {theme: 志愿服务, title: 学雷锋, date: 2024-03-05}\n"
        "  - {theme: 宣传发动, title: 发放宣传单, date: 2024-04-02}\n"
        "  - theme: 文体节日\n"
        "    title: 端午节包粽子\n"
        "    date: 6月5日\n"
    )
    assert errors(text) == ["r.yaml:9:11 activities[3].date：日期应写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024/06/05", "日期应写成 2024-06-05"),
        ("2024-13-05", "日期应写成 2024-06-05"),  # looks like a date to YAML, but month 13 does not exist
        ("2024-02-30", "日期应写成 2024-06-05"),
        ("2024-06-05 10:30", "日期应写成 2024-06-05，不带时间"),
        ("下周", "日期应写成 2024-06-05"),
        # pydantic's own date type reads a number as seconds since 1970: a stray 0 would become 1970-01-01
        ("0", "日期应写成 2024-06-05"),
        ("'0'", "日期应写成 2024-06-05"),
        ("86400", "日期应写成 2024-06-05"),
        ("2024", "日期应写成 2024-06-05"),
    ],
)
def test_every_bad_date_form_gets_the_same_located_message(value, message):
    assert errors(HEAD + f"signature:\n  date: {value}\n") == [f"r.yaml:4:9 signature.date：{message}"]


def test_all_errors_are_reported_at_once_in_file_order():
    text = (
        "unit:\n"
        "  name: 20xx社区\n"          # 2 placeholder
        "  type: 小区\n"              # 3 unknown type
        "period:\n"
        "  year: 2024年\n"            # 5 not an integer
        "activities:\n"
        "  - theme: 环境卫生\n"
        "    title: 大扫除\n"
        "    attendance: 很多\n"      # 9 not an integer
        "metrics:\n"
        "  - label: 志愿者\n"
        "    theme: 志愿服务\n"
        "    value: 12\n"
        "    unit: 人\n"
        "    colour: red\n"           # 15 unknown key
    )
    found = errors(text)
    assert found[0] == "r.yaml:2:9 unit.name：含有占位符“20xx”：请填写真实内容，或删除这一项"
    assert found[1].startswith("r.yaml:3:9 unit.type：取值应为以下之一：社区、居委会、村、")
    assert found[2:] == [
        "r.yaml:5:9 period.year：应填写整数，如 12；请写成 year: 2024",
        "r.yaml:9:17 activities[0].attendance：应填写整数，如 12",
        "r.yaml:15:13 metrics[0].colour：不认识的字段：请检查拼写，或删除这一行",
    ]


def test_missing_required_fields_point_at_the_parent():
    assert errors("unit:\n  name: 槐树里社区\n") == [
        "r.yaml:2:3 unit.type：缺少必填项：请补上",
        "r.yaml:1:1 period：缺少必填项：请补上",
    ]


def test_rule_errors_are_located_too():
    text = HEAD + (
        "activities:\n"
        "  - theme: 环境卫生\n"
        "    title: 大扫除\n"
        "    date: 2024-08-01\n"
    )
    assert errors(text) == [
        "r.yaml:6:11 activities[0].date：活动日期 2024-08-01 不在本期（2024年1月1日至2024年6月30日）内："
        "请核对日期或删去这项活动"
    ]


# ---------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("activities:\n  - title: a\n   theme: b\n", "r.yaml:5:4：YAML 格式错误：缩进不一致（同一层的字段要左对齐）"),
        ("title: 总结: 上半年\n", "r.yaml:3:10：YAML 格式错误：这里多了一个“: ”（值里有冒号时，请给整个值加上引号）"),
        ("activities:\n\t- a\n", "r.yaml:4:1：YAML 格式错误：含有 Tab 字符，缩进只能用空格"),
        ("title: \"上半年总结\n", "r.yaml:3:8：YAML 格式错误：引号或括号没有配对"),
        ("basis: {goals: [环境优美, 秩序井然}\n", "r.yaml:3:27：YAML 格式错误：方括号 [ ] 没有配对，或条目之间缺少逗号"),
        ("title\nkind: 总结\n", "r.yaml:3:1：YAML 格式错误：缺少“: ”（字段名和值之间要有冒号和空格）"),
        ("title: *nothing\n", "r.yaml:3:8：YAML 格式错误：引用了没有定义的锚点（*名称）"),
    ],
)
def test_syntax_errors_have_line_column_and_chinese_text(body, expected):
    assert errors(HEAD + body) == [expected + "：请检查这一行的缩进、冒号和引号"]


def test_syntax_error_message_has_no_english():
    (line,) = errors(HEAD + "activities:\n  - title: a\n   theme: b\n")
    assert "expected" not in line and "block" not in line


def test_duplicate_key_is_refused_at_the_second_occurrence():
    assert errors(HEAD + "unit: {name: 另一个社区, type: 社区}\n") == ["r.yaml:3:1 unit：字段“unit”重复出现：请保留一个"]


def test_duplicate_nested_key():
    text = HEAD + "leadership:\n  leader: {role: 书记, name: 王芳}\n  leader: {role: 主任}\n"
    assert errors(text) == ["r.yaml:5:3 leadership.leader：字段“leader”重复出现：请保留一个"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!python/object:os.system {}", "不支持的标记“!!python/object:os.system”：请删除以“!”开头的标记"),
        (
            "!!python/object/apply:os.system ['touch hacked']",
            "不支持的标记“!!python/object/apply:os.system”：请删除以“!”开头的标记",
        ),
        ("!!python/name:os.system ''", "无法识别的值：请去掉以“!”开头的标记"),
    ],
)
def test_python_tags_are_refused_not_executed(value, message, tmp_path):
    assert errors(HEAD + f"title: {value}\n") == [f"r.yaml:3:8 title：{message}"]
    assert not list(tmp_path.glob("hacked*"))


def test_unknown_tag_on_a_scalar_is_refused():
    assert errors(HEAD + "title: !secret 上半年总结\n") == [
        "r.yaml:3:8 title：无法识别的值：请去掉以“!”开头的标记"
    ]


def test_merge_keys_are_refused():
    text = HEAD + "closing: &c {goal: 再上新台阶}\nsignature:\n  <<: *c\n"
    assert errors(text) == ["r.yaml:5:3 signature：不支持“<<”合并写法：请把字段直接写出来"]


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert errors("\n".join(lines) + "\n") == [
        "r.yaml：文件中重复引用（&锚点/*别名）展开后条目过多：请直接写出内容，不要层层引用"
    ]


def test_a_few_aliases_are_still_allowed():
    text = HEAD + (
        "activities:\n"
        "  - {theme: 环境卫生, title: 大扫除, participants: &who [党员, 志愿者]}\n"
        "  - {theme: 志愿服务, title: 学雷锋, participants: *who}\n"
    )
    report = ok(text)
    assert report.activities[1].participants == ["党员", "志愿者"]


def test_file_over_the_size_limit_is_refused_before_parsing():
    size = 6 * 1024 * 1024
    raw = (HEAD + "# " + "注" * (size // 3) + "\n").encode("utf-8")
    assert len(raw) > MAX_BYTES
    assert errors(raw=raw) == [f"r.yaml：数据文件太大（{len(raw) // 1024} KB）：不能超过 5 MB，请删减内容后再试"]


@pytest.mark.parametrize("depth", [60, 3000])
def test_deep_nesting_is_refused(depth):
    assert errors("title: " + "[" * depth + "]" * depth + "\n") == ["r.yaml：嵌套层次过深：请检查缩进"]


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n", "---\n", "~\n"])
def test_empty_file(text):
    assert errors(text) == ["r.yaml：文件是空的：请先用 reportgen init 生成示例再修改"]


def test_multiple_documents_are_refused():
    assert errors(HEAD + "---\n" + HEAD) == ["r.yaml：一个文件只能写一份报告：请删除多余的“---”"]


@pytest.mark.parametrize("text", ["- 槐树里社区\n- 2024\n", "槐树里社区上半年总结\n", "12\n"])
def test_top_level_must_be_a_mapping(text):
    assert errors(text) == ["r.yaml:1:1：文件应由若干“字段: 值”组成：请参照 reportgen init 生成的示例"]


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf"])
def test_nan_and_infinity_are_refused(value):
    line = f"  - {{label: 志愿者, theme: 志愿服务, value: {value}, unit: 人}}"
    column = line.index("value: ") + len("value: ") + 1  # columns count characters, not bytes
    assert column == 38
    assert errors(HEAD + "metrics:\n" + line + "\n") == [
        f"r.yaml:4:{column} metrics[0].value：数值无效（NaN 或无穷大）：请填写具体数字"
    ]


def test_non_text_key_is_refused():
    assert errors(HEAD + "? [a, b]\n: c\n") == ["r.yaml:3:3：字段名应为文字"]


@pytest.mark.parametrize(("char", "code"), [("\x07", "0007"), ("\x00", "0000"), ("\x1b", "001B")])
def test_raw_control_characters_are_located(char, code):
    assert errors(HEAD + f"title: 上半年{char}总结\n") == [f"r.yaml:3:11：含有不可见的控制字符（U+{code}）：请删除后重新输入"]


def test_escaped_control_character_reaches_the_model():
    assert errors(HEAD + 'title: "上半年\\x07总结"\n') == [
        "r.yaml:3:8 title：含有不可见的控制字符或方向标记：请删除后重新输入"
    ]


# ---------------------------------------------------------------- encodings


def test_utf8_with_bom():
    report = ok(raw=b"\xef\xbb\xbf" + (HEAD + "title: 槐树里社区上半年工作总结\n").encode("utf-8"))
    assert report.unit.name == "槐树里社区"
    assert report.title == "槐树里社区上半年工作总结"


def test_gbk_file_from_a_windows_editor():
    raw = (HEAD + "title: 槐树里社区上半年创城工作总结\n").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    report = ok(raw=raw)
    assert report.title == "槐树里社区上半年创城工作总结"


def test_gb18030_file_with_characters_outside_gbk():
    raw = (HEAD + "title: 𠀾家庄社区㐀总结\n").encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        "𠀾".encode("gbk")
    report = ok(raw=raw)
    assert report.title == "𠀾家庄社区㐀总结"


def test_utf16_with_bom():
    report = ok(raw=(HEAD + "title: 上半年总结\n").encode("utf-16"))
    assert report.title == "上半年总结"


def test_gbk_errors_still_have_line_numbers():
    raw = (HEAD + "activities:\n  - {theme: 环境卫生, title: 大扫除, date: 三月}\n").encode("gbk")
    # The column counts characters of the decoded text, not GBK bytes (each Chinese character is 2 bytes).
    assert errors(raw=raw) == ["r.yaml:4:37 activities[0].date：日期应写成 2024-06-05；只知道月份写 2024-08，只知道年份写 2023"]


def test_undecodable_bytes():
    assert errors(raw=b"\x81\x30\xff\xfe\x00garbage\x80") == ["r.yaml：文件编码无法识别：请用 UTF-8 另存后再试"]


# ---------------------------------------------------------------- files


def test_missing_file():
    with pytest.raises(InputError) as info:
        load_report(Path("nope.yaml"))
    assert [str(f) for f in info.value.findings] == ["nope.yaml：数据文件不存在：请检查路径和文件名"]


def test_directory_instead_of_file(tmp_path):
    Path("folder.yaml").mkdir()
    with pytest.raises(InputError) as info:
        load_report(Path("folder.yaml"))
    assert [str(f) for f in info.value.findings] == ["folder.yaml：这是一个文件夹，不是普通文件：请指定保存在磁盘上的数据文件"]


def test_wrong_suffix():
    assert errors(HEAD, name="r.txt") == ["r.txt：只能读取 .yaml/.yml 或 .xlsx 文件：请检查文件名"]


def test_yml_suffix_is_accepted():
    assert ok(HEAD, name="r.yml").period.year == 2024


def test_decimal_values_are_exact():
    text = HEAD + "metrics:\n  - {label: 投入, theme: 基础设施, value: 16.8, unit: 万元, parts: [{label: a, value: 0.1}, {label: b, value: 16.7}]}\n"
    report = ok(text)
    assert report.metrics[0].value == Decimal("16.8")
    assert sum(p.value for p in report.metrics[0].parts) == Decimal("16.8")
