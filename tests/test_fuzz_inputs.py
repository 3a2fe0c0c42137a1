"""Fuzzing the inputs: YAML and workbooks, random and hostile, through the CLI in-process.

Every case must end with exit 0 and valid outputs, or exit 1 and a located Chinese message with no
output file — never a traceback (exit 3), never a hang. ``REPORTGEN_SOAK=1`` raises the example
counts for a long soak run.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fuzz_helpers import (
    print_tally,
    EXAMPLES,
    SOAK,
    assert_contract,
    files_in,
    run_cli,
    valid_output,
)

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
EXAMPLE_TEXT = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLE_FILES}
#: Seconds a single validate or build may take, whatever the input.
CASE_SECONDS = 20


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * int(os.environ.get("REPORTGEN_SOAK_FACTOR", 25)) if SOAK else examples,
        deadline=None,
        derandomize=not SOAK,  # CI: the same cases every run; soak: fresh ones
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
        database=None,
        report_multiple_bugs=False,
    )


# ---------------------------------------------------------------- the contract, end to end


def check_file(path: Path, out: Path, *, build: bool = True) -> int:
    """validate, then (when valid) build; both must keep the contract."""
    started = time.monotonic()
    result = run_cli("validate", path)
    assert_contract(result, where=path.name)
    assert time.monotonic() - started < CASE_SECONDS, "validate took too long"
    if result.exit_code == 0 and build:
        started = time.monotonic()
        built = run_cli("build", path, "-o", out)
        assert_contract(built, where=path.name)
        assert time.monotonic() - started < CASE_SECONDS, "build took too long"
        if built.exit_code == 0:
            names = files_in(out)
            stem = path.stem
            assert {f"{stem}.docx", f"{stem}.xlsx", f"{stem}.md"} <= set(names), names
            for name in names:
                assert not name.startswith("."), f"temporary file left behind: {name}"
                assert valid_output(out / name), name
        else:
            assert files_in(out) == [], "a failed build must not write any file"
        return built.exit_code
    return result.exit_code


def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("case")


# ---------------------------------------------------------------- hostile values

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\u3000", "😀🎉🏮", "社区😀", "a\x00b", "\x07\x1b[31m", "\u202e1202\u202c", "\u200f反向", "\ufeff开头",
    "20xx年", "某某社区", "****", "{{ r.__class__ }}", "{% for %}", "=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)",
    "-1", "１２３", "1e309", "NaN", "null", "~", "true", "2024-02-30", "2024-13-01", "9999-12-31",
    "\\x00", "'", '"', "\n\n\n", "\t", "x" * 5000, "社" * 201, "\ud7ff", "\U0001f600" * 300, "\r\n", "<w:t>",
    "]]>", "&amp;", "\u0085", "\u2028", "\u00a0",
])
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 10**9, 10**9 + 1, 10**12, 10**12 + 1, 2**63, -(2**63), 10**4000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**13), max_value=10**13).map(float),
)
HOSTILE_SCALAR = st.one_of(
    HOSTILE_TEXT, HOSTILE_NUMBER, st.booleans(), st.none(), st.dates(), st.datetimes(),
    st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)


def _deep(depth: int):
    value: object = "底"
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUE = st.one_of(
    HOSTILE_SCALAR,
    st.lists(HOSTILE_SCALAR, max_size=5),
    st.dictionaries(st.sampled_from(["name", "value", "x", "date", "theme", "1", ""]), HOSTILE_SCALAR, max_size=4),
    st.sampled_from(["1MB", "deep", "wide"]).map(
        lambda k: {"1MB": "长" * (1024 * 1024 // 3), "deep": _deep(60), "wide": list(range(100_000))}[k]
    ),
)


def _paths(data, prefix=()):
    """Every path into the data, containers included."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


def _replace(data, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
    else:
        copy = list(data)
    copy[head] = _replace(data[head], rest, value)
    return copy


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


EXAMPLE_DATA = {name: yaml.safe_load(text) for name, text in EXAMPLE_TEXT.items()}
EXAMPLE_PATHS = {name: list(_paths(data)) for name, data in EXAMPLE_DATA.items()}


# ---------------------------------------------------------------- YAML: structured mutations


@fuzz_settings(60)
@given(data=st.data())
def test_yaml_with_a_hostile_value_anywhere(data, tmp_path_factory):
    name = data.draw(st.sampled_from(sorted(EXAMPLE_DATA)), label="example")
    path = data.draw(st.sampled_from(EXAMPLE_PATHS[name]), label="path")
    value = data.draw(HOSTILE_VALUE, label="value")
    folder = fresh(tmp_path_factory)
    try:
        text = _dump(_replace(EXAMPLE_DATA[name], path, value))
    except (yaml.YAMLError, RecursionError, ValueError):
        assume(False)
    source = folder / "report.yaml"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_file(source, folder / "out", build=data.draw(st.booleans(), label="build"))


@fuzz_settings(40)
@given(data=st.data())
def test_yaml_with_several_fields_broken_at_once(data, tmp_path_factory):
    """Many problems at once: every one is reported, each with its line."""
    name = data.draw(st.sampled_from(sorted(EXAMPLE_DATA)), label="example")
    document = EXAMPLE_DATA[name]
    for _ in range(data.draw(st.integers(2, 6), label="count")):
        leaves = [p for p in _paths(document) if p]
        path = data.draw(st.sampled_from(leaves), label="path")
        document = _replace(document, path, data.draw(HOSTILE_SCALAR, label="value"))
    folder = fresh(tmp_path_factory)
    source = folder / "report.yaml"
    source.write_text(_dump(document), encoding="utf-8", errors="surrogatepass")
    result = run_cli("validate", source)
    text = assert_contract(result, where="report.yaml")
    if result.exit_code == 1:
        lines = [line for line in text.splitlines() if line.startswith(str(source))]
        assert lines, text
        assert all("：" in line for line in lines), text


# ---------------------------------------------------------------- YAML: text and byte mutations


def _mutate_text(text: str, kind: str, position: int, insert: str) -> bytes:
    position %= max(len(text), 1)
    if kind == "truncate":
        return text[:position].encode("utf-8")
    if kind == "truncate_bytes":
        raw = text.encode("utf-8")
        return raw[: position * len(raw) // max(len(text), 1)]
    if kind == "insert":
        return (text[:position] + insert + text[position:]).encode("utf-8", "surrogatepass")
    if kind == "delete_line":
        lines = text.splitlines(keepends=True)
        del lines[position % len(lines)]
        return "".join(lines).encode("utf-8")
    if kind == "duplicate_line":
        lines = text.splitlines(keepends=True)
        index = position % len(lines)
        lines.insert(index, lines[index])
        return "".join(lines).encode("utf-8")
    if kind == "indent_line":
        lines = text.splitlines(keepends=True)
        index = position % len(lines)
        lines[index] = "   " + lines[index]
        return "".join(lines).encode("utf-8")
    if kind == "flip_byte":
        raw = bytearray(text.encode("utf-8"))
        raw[position % len(raw)] ^= 0x80
        return bytes(raw)
    if kind == "gbk":
        return text.encode("gbk", errors="replace")
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if kind == "cr_only":
        return text.replace("\n", "\r").encode("utf-8")
    if kind == "tabs":
        return text.replace("  ", "\t").encode("utf-8")
    if kind == "numbers":
        import re

        number = insert if insert.strip() else "-1"
        return re.sub(r"\b\d+\b", lambda _: number, text, count=1 + position % 7).encode("utf-8", "surrogatepass")
    raise AssertionError(kind)


MUTATIONS = [
    "truncate", "truncate_bytes", "insert", "delete_line", "duplicate_line", "indent_line", "flip_byte", "gbk",
    "bom", "utf16", "crlf", "cr_only", "tabs", "numbers",
]
INSERTS = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from([": ", "- ", "&a ", "*a", "!!python/object/apply:os.system ['id']", "<<: *a", "{", "[", "|", ">",
                     "? ", "%YAML 1.1\n", "---\n", "...\n", "#", "'", '"', "\\", "@", "`", ".nan", "-.inf", "1e999",
                     "0x1F", "0o17", "1_000", "2024-06-31", "99999999999999999999999999", "-5"]),
    st.text(max_size=12),
)


@fuzz_settings(100)
@given(
    name=st.sampled_from(sorted(EXAMPLE_TEXT)),
    kind=st.sampled_from(MUTATIONS),
    position=st.integers(min_value=0, max_value=10**6),
    insert=INSERTS,
)
def test_mutated_example_files(name, kind, position, insert, tmp_path_factory):
    folder = fresh(tmp_path_factory)
    source = folder / name
    source.write_bytes(_mutate_text(EXAMPLE_TEXT[name], kind, position, insert))
    check_file(source, folder / "out", build=position % 4 == 0)


@fuzz_settings(150)
@given(raw=st.binary(max_size=4096), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"unit: ", b"unit:\n  name: ", b"\xff\xfe"]))
def test_arbitrary_bytes(raw, prefix, tmp_path_factory):
    folder = fresh(tmp_path_factory)
    source = folder / "random.yaml"
    source.write_bytes(prefix + raw)
    result = run_cli("validate", source)
    assert_contract(result, where="random.yaml")


@fuzz_settings(80)
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_arbitrary_text(text, tmp_path_factory):
    folder = fresh(tmp_path_factory)
    source = folder / "random.yaml"
    source.write_text(text, encoding="utf-8")
    assert_contract(run_cli("validate", source), where="random.yaml")


# ---------------------------------------------------------------- YAML: fixed hostile files


def _alias_bomb(levels: int = 12) -> str:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈哈哈"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + f"\nunit: {{name: *a{levels - 1}, type: 社区}}\n"


def _base() -> str:
    return EXAMPLE_TEXT["minimal.yaml"]


HOSTILE_FILES = {
    "alias_bomb": lambda: _alias_bomb().encode(),
    "alias_bomb_small_but_wide": lambda: ("a: &a [" + ",".join(["x"] * 1000) + "]\nb: &b [" + ",".join(["*a"] * 1000) + "]\n").encode(),
    "list_100000": lambda: (_base() + "honours:\n" + "  - 荣誉\n" * 100_000).encode(),
    "activities_100000": lambda: (_base().split("activities:")[0] + "activities:\n" + "  - {theme: 环境卫生, title: 大扫除, kind: 整治}\n" * 100_000).encode(),
    "string_1mb": lambda: _base().replace("竹园社区}", "竹园社区" + "很" * 350_000 + "}").encode(),
    "string_1mb_block": lambda: (_base() + "closing:\n  goal: |\n    " + "长" * 400_000 + "\n").encode(),
    "over_5mb": lambda: (_base() + "# " + "x" * (6 * 1024 * 1024) + "\n").encode(),
    "list_just_under_5mb": lambda: ("x:\n" + "- 1\n" * (5 * 1024 * 1024 // 4 - 8)).encode(),
    "deep_flow": lambda: ("unit: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
    "deep_block": lambda: "".join("  " * i + f"k{i}:\n" for i in range(2000)).encode(),
    "deep_flow_maps": lambda: ("unit: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n").encode(),
    "invalid_utf8": lambda: _base().encode() + b"\nx: \xff\xfe\xfd\x80\n",
    "invalid_utf8_in_value": lambda: _base().encode().replace("竹园".encode(), b"\xe7\xab"),
    "gbk": lambda: _base().encode("gbk"),
    "gb18030_emoji": lambda: (_base().replace("竹园社区", "竹园社区😀")).encode("gb18030"),
    "utf16_bom": lambda: _base().encode("utf-16"),
    "utf8_bom": lambda: b"\xef\xbb\xbf" + _base().encode(),
    "double_bom": lambda: b"\xef\xbb\xbf\xef\xbb\xbf" + _base().encode(),
    "nul_bytes": lambda: _base().encode().replace(b"\n", b"\x00\n", 3),
    "control_chars": lambda: _base().replace("竹园社区", "竹园\x1b[2J社区").encode(),
    "bidi_override": lambda: _base().replace("420", "\u202e024\u202c").encode(),
    "bidi_in_name": lambda: _base().replace("竹园社区", "竹园\u202e区社\u202c").encode(),
    "emoji_everywhere": lambda: _base().replace("活动", "活动🎉").replace("社区", "社区🏮").encode(),
    "nan": lambda: _base().replace("value: 420", "value: .nan").encode(),
    "infinity": lambda: _base().replace("value: 420", "value: .inf").encode(),
    "negative_infinity": lambda: _base().replace("value: 420", "value: -.inf").encode(),
    "negative_numbers": lambda: _base().replace("attendance: 85", "attendance: -85").replace("value: 28", "value: -28").encode(),
    "huge_int": lambda: _base().replace("value: 420", "value: " + "9" * 4000).encode(),
    "int_too_many_digits": lambda: _base().replace("value: 420", "value: " + "9" * 5000).encode(),
    "huge_float": lambda: _base().replace("value: 420", "value: 1e308").encode(),
    "float_overflow": lambda: _base().replace("value: 420", "value: 1e999").encode(),
    "tiny_float": lambda: _base().replace("value: 420", "value: 1e-320").encode(),
    "hex_octal": lambda: _base().replace("value: 420", "value: 0x1A4").replace("value: 28", "value: 0o34").encode(),
    "year_huge": lambda: _base().replace("year: 2024", "year: 99999999999").encode(),
    "date_invalid": lambda: _base().replace("2024-03-16", "2024-02-30").encode(),
    "date_far": lambda: _base().replace("2024-03-16", "9999-12-31").encode(),
    "date_year_zero": lambda: _base().replace("2024-03-16", "0000-01-01").encode(),
    "datetime_tz": lambda: _base().replace("2024-03-16", "2024-03-16T10:00:00+08:00").encode(),
    "python_tag": lambda: _base().replace("竹园社区}", "竹园社区, x: !!python/object/apply:os.system ['touch /tmp/pwned']}").encode(),
    "custom_tag": lambda: _base().replace("type: 社区", "type: !社区 社区").encode(),
    "binary_tag": lambda: _base().replace("type: 社区", "type: !!binary aGVsbG8=").encode(),
    "set_tag": lambda: (_base() + "x: !!set {a, b}\n").encode(),
    "merge_key": lambda: ("base: &b {name: 竹园社区, type: 社区}\nunit:\n  <<: *b\n" + _base().split("\n", 3)[3]).encode(),
    "duplicate_key": lambda: (_base() + "unit: {name: 另一个, type: 村}\n").encode(),
    "complex_key": lambda: (_base() + "? [a, b]\n: 1\n").encode(),
    "null_key": lambda: (_base() + "~: 1\n").encode(),
    "int_key": lambda: (_base() + "1: 1\n").encode(),
    "multi_document": lambda: (_base() + "---\n" + _base()).encode(),
    "empty": lambda: b"",
    "only_bom": lambda: b"\xef\xbb\xbf",
    "only_comments": lambda: b"# nothing\n# here\n",
    "only_spaces": lambda: b"   \n\n\t\n",
    "scalar_document": lambda: b"hello",
    "list_document": lambda: b"- a\n- b\n",
    "null_document": lambda: b"~\n",
    "tab_indent": lambda: _base().replace("  - {theme", "\t- {theme").encode(),
    "cr_only": lambda: _base().replace("\n", "\r").encode(),
    "unclosed_quote": lambda: _base().replace("竹园社区}", "竹园社区\"}").encode(),
    "unclosed_flow": lambda: _base().replace("type: 社区}", "type: 社区").encode(),
    "directive": lambda: ("%YAML 1.1\n%TAG ! tag:x,2000:\n---\n" + _base()).encode(),
    "yaml_1_2_version": lambda: ("%YAML 9.9\n---\n" + _base()).encode(),
    "truncated_half": lambda: _base().encode()[: len(_base().encode()) // 2],
    "truncated_mid_char": lambda: _base().encode()[:-5] + "竹".encode()[:2],
    "long_line_key": lambda: (_base() + "k" * 200_000 + ": 1\n").encode(),
    "many_anchors": lambda: (_base() + "x: [" + ", ".join(f"&a{i} {i}" for i in range(20_000)) + "]\n").encode(),
    "placeholder": lambda: _base().replace("竹园社区", "XX社区").replace("2024-03-16", "20xx-03-16").encode(),
    "template_syntax_in_data": lambda: _base().replace("竹园社区", "竹园{{ r.__class__ }}社区").encode(),
    "formula_like_text": lambda: _base().replace("小区环境卫生大扫除", "=HYPERLINK(\"http://evil\",\"点我\")").encode(),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_yaml_file(case, tmp_path):
    source = tmp_path / f"{case}.yaml"
    source.write_bytes(HOSTILE_FILES[case]())
    started = time.monotonic()
    code = check_file(source, tmp_path / "out")
    assert time.monotonic() - started < CASE_SECONDS
    assert code in (0, 1)
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize("case", ["alias_bomb", "over_5mb", "deep_flow", "nan", "gbk", "python_tag", "utf16_bom"])
def test_hostile_yaml_file_through_build_only(case, tmp_path):
    """``build`` alone (no validate first) keeps the same contract and writes nothing on failure."""
    source = tmp_path / f"{case}.yaml"
    source.write_bytes(HOSTILE_FILES[case]())
    out = tmp_path / "out"
    result = run_cli("build", source, "-o", out)
    assert_contract(result, where=source.name)
    if result.exit_code == 1:
        assert files_in(out) == []


def test_path_problems_are_located(tmp_path):
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    for path, fragment in [
        (tmp_path / "missing.yaml", "不存在"),
        (folder, "文件夹"),
        (tmp_path / "data.txt", ".yaml"),
        (tmp_path / "macro.xlsm", ".xlsm"),
        (tmp_path / "old.xls", ".xls"),
    ]:
        if path.suffix in (".txt", ".xlsm", ".xls"):
            path.write_bytes(b"unit: x\n")
        result = run_cli("validate", path)
        text = assert_contract(result, where=path.name)
        assert result.exit_code == 1 and fragment in text, text


# ---------------------------------------------------------------- workbooks


def _seed_workbook(name: str = "minimal.yaml") -> bytes:
    from reportgen.loaders import load_report
    from reportgen.pipeline import render_workbook

    report, _ = load_report(EXAMPLES / name)
    return render_workbook(report)


_SEEDS: dict[str, bytes] = {}


def seed(name: str = "minimal.yaml") -> bytes:
    if name not in _SEEDS:
        _SEEDS[name] = _seed_workbook(name)
    return _SEEDS[name]


def _rezip(raw: bytes, change) -> bytes:
    """Copy a zip, passing each (name, data) through ``change`` (which may return None to drop it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
    return out.getvalue()


CELL_VALUES = st.one_of(
    HOSTILE_TEXT.filter(lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s)),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["=1/0", "=A1", "=SUM(1,2)", "=WEBSERVICE(\"http://127.0.0.1\")", "=CMD|' /C calc'!A0", None, True, False]),
    st.dates(),
)


@fuzz_settings(40)
@given(data=st.data())
def test_workbook_with_hostile_cells(data, tmp_path_factory):
    import openpyxl

    name = data.draw(st.sampled_from(["minimal.yaml", "shequ-2024-shangbannian.yaml"]), label="example")
    book = openpyxl.load_workbook(io.BytesIO(seed(name)))
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        sheet = book.worksheets[data.draw(st.integers(0, len(book.worksheets) - 1), label="sheet")]
        row = data.draw(st.integers(1, max(sheet.max_row, 1) + 2), label="row")
        column = data.draw(st.integers(1, max(sheet.max_column, 1) + 1), label="column")
        cell = sheet.cell(row=row, column=column)
        value = data.draw(CELL_VALUES, label="value")
        if type(cell).__name__ == "MergedCell":
            continue  # part of a merged range: Excel would not let a user type there either
        cell.value = value
    folder = fresh(tmp_path_factory)
    source = folder / "ledger.xlsx"
    book.save(source)
    check_file(source, folder / "out", build=data.draw(st.booleans(), label="build"))


@fuzz_settings(60)
@given(position=st.integers(min_value=0, max_value=10**7), kind=st.sampled_from(["truncate", "flip", "zero_run"]))
def test_damaged_workbook_bytes(position, kind, tmp_path_factory):
    raw = bytearray(seed())
    position %= len(raw)
    if kind == "truncate":
        raw = raw[:position]
    elif kind == "flip":
        raw[position] ^= 0xFF
    else:
        raw[position : position + 64] = b"\x00" * len(raw[position : position + 64])
    folder = fresh(tmp_path_factory)
    source = folder / "damaged.xlsx"
    source.write_bytes(bytes(raw))
    check_file(source, folder / "out", build=False)


def _zip_bomb() -> bytes:
    """A valid workbook whose one sheet inflates to 130 MB of blanks (over the reader's limit)."""
    padding = b" " * (130 * 1024 * 1024)

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + padding, 1)
        return data

    return _rezip(seed(), change)


def _lying_sizes() -> bytes:
    """A zip whose central directory under-declares an entry's size (a classic bomb trick)."""
    raw = bytearray(_rezip(seed(), lambda name, data: data + (b" " * 5_000_000 if name == "xl/worksheets/sheet1.xml" else b"")))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # patch the declared uncompressed size in the central directory record
    import struct

    offset = 0
    while True:
        central = raw.find(b"PK\x01\x02", offset)
        if central < 0:
            break
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        name = bytes(raw[central + 46 : central + 46 + name_length]).decode()
        if name == info.filename:
            struct.pack_into("<I", raw, central + 24, 1000)
        offset = central + 4
    return bytes(raw)


def _many_entries() -> bytes:
    out = io.BytesIO(_rezip(seed(), lambda name, data: data))
    with zipfile.ZipFile(out, "a") as archive:
        for i in range(5000):
            archive.writestr(f"xl/media/x{i}.bin", b"")
    return out.getvalue()


XXE_SECRET = "reportgen-xxe-secret-51c2"
_UNIT_NAME = "青枫市东湖区柳荫街道竹园社区"  # minimal.yaml's unit, in the shared strings of the workbook we write


def _inject_dtd(doctype: bytes, reference: bytes) -> bytes:
    """Put ``doctype`` on every worksheet and ``reference`` (an entity) in place of the unit's name (单位信息!C6)."""
    with zipfile.ZipFile(io.BytesIO(seed())) as archive:
        strings = re.findall(rb"<si>(.*?)</si>", archive.read("xl/sharedStrings.xml"), re.S)
    index = [re.sub(rb"<[^>]+>", b"", s).decode() for s in strings].index(_UNIT_NAME)
    cell = re.compile(rb'(<c r="C6"[^>]*?) t="s"([^>]*)><v>' + str(index).encode() + rb"</v></c>")
    hits = []

    def change(name, data):
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
            body, count = cell.subn(lambda m: m.group(1) + b' t="inlineStr"' + m.group(2) + b"><is><t>" + reference
                                    + b"</t></is></c>", body, count=1)
            hits.append(count)
            return b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body
        return data

    raw = _rezip(seed(), change)
    assert sum(hits) == 1, "the unit name cell (单位信息!C6) was not found"
    return raw


def _xxe(tmp_path: Path) -> bytes:
    secret = tmp_path / "secret.txt"
    secret.write_text(XXE_SECRET, encoding="utf-8")
    return _inject_dtd(f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode(), b"&xxe;")


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)
    )
    return _inject_dtd(f"<!DOCTYPE worksheet [{entities}]>".encode(), b"&lol9;")


def _with_macro() -> bytes:
    """A workbook carrying a VBA project (as an .xlsm renamed to .xlsx would)."""

    def change(name, data):
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            ).replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        return data

    raw = _rezip(seed(), change)
    out = io.BytesIO(raw)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return out.getvalue()


def _formula_cells() -> bytes:
    """Formulas in input cells: with a cached value (read as that value) and without one."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(seed()))
    sheet = book["指标完成情况表"]
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.column == 6:
                cell.value = "=400+20"
                break
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _formula_with_cached_value() -> bytes:
    """F4 = 400+20 with its saved result 420 (as Excel writes it): read as 420, never evaluated."""

    def change(name, data):
        if name == "xl/worksheets/sheet2.xml":
            changed = re.sub(rb'<c r="F4"( s="\d+")?><v>420</v></c>', rb'<c r="F4"\1><f>400+20</f><v>420</v></c>', data,
                             count=1)
            assert changed != data, "指标完成情况表!F4 not found"
            return changed
        return data

    return _rezip(seed(), change)


def test_formula_cell_reads_its_saved_value(tmp_path):
    source = tmp_path / "formula.xlsx"
    source.write_bytes(_formula_with_cached_value())
    result = run_cli("validate", source)
    assert_contract(result, where="formula.xlsx")
    assert result.exit_code == 0, result.output
    from reportgen.loaders import load_report

    report, _ = load_report(source)
    assert [m.value for m in report.metrics if m.label == "注册志愿者"] == [420]


@pytest.mark.parametrize(
    "case, expect_exit",
    [
        ("zip_bomb", 1), ("lying_sizes", 1), ("many_entries", 1), ("xxe", 1), ("billion_laughs", 1),
        ("macro_in_xlsx", 1), ("formula_cells", None), ("not_a_zip", 1), ("empty", 1), ("yaml_renamed", 1),
        ("docx_renamed", 1), ("zip_without_workbook", 1),
    ],
)
def test_hostile_workbook(case, expect_exit, tmp_path):
    makers = {
        "zip_bomb": _zip_bomb,
        "lying_sizes": _lying_sizes,
        "many_entries": _many_entries,
        "xxe": lambda: _xxe(tmp_path),
        "billion_laughs": _billion_laughs,
        "macro_in_xlsx": _with_macro,
        "formula_cells": _formula_cells,
        "not_a_zip": lambda: b"PK\x03\x04" + b"\x00" * 100,
        "empty": lambda: b"",
        "yaml_renamed": lambda: EXAMPLE_TEXT["minimal.yaml"].encode(),
        "docx_renamed": lambda: _rezip(seed(), lambda name, data: None if name.startswith("xl/") else data),
        "zip_without_workbook": lambda: _rezip(seed(), lambda name, data: None if name == "xl/workbook.xml" else data),
    }
    source = tmp_path / f"{case}.xlsx"
    source.write_bytes(makers[case]())
    started = time.monotonic()
    result = run_cli("validate", source)
    text = assert_contract(result, where=source.name)
    assert time.monotonic() - started < CASE_SECONDS
    assert XXE_SECRET not in text and "lollollol" not in text
    if expect_exit is not None:
        assert result.exit_code == expect_exit, text
    out = tmp_path / "out"
    if result.exit_code == 0:
        built = run_cli("build", source, "-o", out)
        assert_contract(built, where=source.name)
        for name in files_in(out):
            data = (out / name).read_bytes()
            if name.endswith((".docx", ".xlsx")):
                with zipfile.ZipFile(out / name) as archive:
                    assert archive.testzip() is None
                    assert not any("vbaProject" in n for n in archive.namelist()), "a macro reached the output"
                    data = b"".join(archive.read(n) for n in archive.namelist())
            assert XXE_SECRET.encode() not in data, f"{name} contains the external entity's file"
    if case == "formula_cells" and result.exit_code == 0:
        from reportgen.loaders import load_report

        report, _ = load_report(source)
        assert all(m.value is not None for m in report.metrics)


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_fuzz_inputs")


# ---------------------------------------------------------------- other inputs: --reference-docx, --style


def _reference_bomb() -> bytes:
    """A small .docx whose styles.xml inflates to 300 MB."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)

    def change(name, data):
        if name == "word/styles.xml":
            head, tail = data.split(b"?>", 1)
            return head + b"?>" + b" " * (300 * 1024 * 1024) + tail
        return data

    return _rezip(buffer.getvalue(), change)


@pytest.mark.parametrize(
    "case",
    ["reference_garbage", "reference_truncated", "reference_bomb", "reference_yaml", "style_alias_bomb",
     "style_list", "style_unknown_keys", "style_huge_numbers", "style_binary"],
)
def test_hostile_reference_and_style_files(case, tmp_path):
    import docx

    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    files = {
        "reference_garbage": ("ref.docx", lambda: b"garbage"),
        "reference_truncated": ("ref.docx", lambda: buffer.getvalue()[:2000]),
        "reference_bomb": ("ref.docx", _reference_bomb),
        "reference_yaml": ("ref.docx", lambda: EXAMPLE_TEXT["minimal.yaml"].encode()),
        "style_alias_bomb": ("style.yaml", lambda: _alias_bomb().encode()),
        "style_list": ("style.yaml", lambda: b"- 1\n- 2\n"),
        "style_unknown_keys": ("style.yaml", lambda: b"font: {body: 12}\n"),
        "style_huge_numbers": ("style.yaml", lambda: b"margins: {top: 1e308, left: -5}\n"),
        "style_binary": ("style.yaml", lambda: bytes(range(256))),
    }
    name, make = files[case]
    data = make()
    extra = tmp_path / name
    extra.write_bytes(data)
    option = "--reference-docx" if name.endswith(".docx") else "--style"
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", source, "-o", out, option, extra)
    text = assert_contract(result, where=name)
    assert result.exit_code == 1, text
    assert files_in(out) == []
    assert time.monotonic() - started < CASE_SECONDS


@pytest.mark.parametrize("damage", ["header", "data"])
def test_each_workbook_entry_damaged(damage, tmp_path):
    """Zero the local header (or the start of the data) of every entry in turn: found by the soak run
    ([Content_Types].xml's header damaged made the macro check crash)."""
    raw = seed()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        entries = archive.infolist()
    for info in entries:
        damaged = bytearray(raw)
        start = info.header_offset + (0 if damage == "header" else 30 + len(info.filename.encode()) + 4)
        damaged[start : start + 64] = b"\0" * len(damaged[start : start + 64])
        source = tmp_path / "damaged.xlsx"
        source.write_bytes(bytes(damaged))
        check_file(source, tmp_path / f"out-{info.filename.replace('/', '_')}", build=False)


def test_trailing_punctuation_in_a_list_item_is_tidied_or_reported_at_its_line(tmp_path):
    data = yaml.safe_load(EXAMPLE_TEXT["ju-2024-quannian.yaml"])
    data["basis"]["goals"][0] = "学习贯彻，"
    source = tmp_path / "unit.yaml"
    source.write_text(_dump(data), encoding="utf-8")
    result = run_cli("build", source, "-o", tmp_path / "out")
    text = assert_contract(result, where="unit.yaml")
    assert result.exit_code == 0 or "unit.yaml:" in text, text
