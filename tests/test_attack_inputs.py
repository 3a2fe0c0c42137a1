"""Findings of the attack run on input files, each as a class of inputs rather than one case.

- Limits apply while parsing: a file under 5 MB that is one huge flat list or mapping, or deeply
  nested, is refused in about a second and small memory (it took 15–37 s and up to 1.26 GB).
- Characters XML cannot hold (U+FFFE, U+FFFF, lone surrogates, control characters) in any text of a
  data file or a style file end in a located message from ``validate`` and ``build`` alike (``build``
  used to exit 3 where ``validate`` said 检查通过).
- A style whose margins leave no room for text is refused (LibreOffice took 33 s on it).
"""

from __future__ import annotations

import resource
import time

import pytest

from fuzz_helpers import EXAMPLES, assert_contract, files_in, print_tally, run_cli

FIVE_MB = 5 * 1024 * 1024 - 1024


def _flow_list() -> str:
    return "unit: {name: 竹园社区, type: 社区}\nactivities: [" + "1," * (FIVE_MB // 2 - 100) + "1]\n"


def _block_list() -> str:
    return "unit: {name: 竹园社区, type: 社区}\nactivities:\n" + "- 1\n" * (FIVE_MB // 4 - 100)


def _flat_mapping() -> str:
    return "unit: {name: 竹园社区, type: 社区}\nperiod:\n" + "".join(f"  k{i}: 1\n" for i in range(FIVE_MB // 14))


def _deep_flow() -> str:
    depth = FIVE_MB // 2 - 10
    return "unit: " + "[" * depth + "]" * depth + "\n"


def _deep_block() -> str:
    return "".join(" " * i + f"k{i}:\n" for i in range(2000)) + " " * 2000 + "v: 1\n"


def _wide_aliases() -> str:
    return "a: &a [" + ",".join(["x"] * 1000) + "]\nb: [" + ",".join(["*a"] * 5000) + "]\n"


@pytest.mark.parametrize("make, says", [
    (_flow_list, "列表的条目过多"), (_block_list, "列表的条目过多"), (_flat_mapping, "字段过多"),
    (_deep_flow, "嵌套层次过深"), (_deep_block, "嵌套层次过深"), (_wide_aliases, "重复引用"),
])
def test_big_yaml_is_refused_while_parsing(make, says, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(make(), encoding="utf-8")
    assert path.stat().st_size < 5 * 1024 * 1024
    from reportgen.errors import InputError
    from reportgen.loaders.yaml_loader import load_yaml

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    seconds = time.process_time() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert says in str(caught.value), str(caught.value)
    assert "big.yaml" in str(caught.value)
    assert seconds < 3, f"{seconds:.1f} s of CPU"
    assert grown_mb < 200, f"{grown_mb:.0f} MB more memory"


def test_largest_legal_list_still_loads(tmp_path):
    """The limits leave room for what a report may hold (20,000 activities)."""
    from reportgen.loaders.yaml_loader import MAX_LIST_ITEMS, load_yaml

    path = tmp_path / "ok.yaml"
    path.write_text("items:\n" + "- {a: 1}\n" * MAX_LIST_ITEMS, encoding="utf-8")
    data, _ = load_yaml(path)
    assert len(data["items"]) == MAX_LIST_ITEMS


BAD_CHARACTERS = ["\\uFFFE", "\\uFFFF", "\\uD800", "\\x07", "\\x1b", "\\u202E", "\\0"]


@pytest.mark.parametrize("char", BAD_CHARACTERS)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_characters_xml_cannot_hold_are_located_in_data(char, command, tmp_path):
    text = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    assert "name: 青枫市东湖区柳荫街道竹园社区" in text
    path = tmp_path / "unit.yaml"
    path.write_text(text.replace("name: 青枫市东湖区柳荫街道竹园社区", f'name: "青枫市东湖区柳荫街道竹园社区{char}"', 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(command, path, *(["-o", out] if command == "build" else []))
    message = assert_contract(result, where="unit.yaml:")
    assert result.exit_code == 1 and "unit.name" in message, message
    assert files_in(out) == []


@pytest.mark.parametrize("char", BAD_CHARACTERS)
@pytest.mark.parametrize("field", ["fonts:\n  body:\n    font", "fonts:\n  title:\n    latin", "latin_font"])
def test_characters_xml_cannot_hold_are_located_in_a_style(char, field, tmp_path):
    style = tmp_path / "style.yaml"
    style.write_text(f'{field}: "仿宋{char}"\n', encoding="utf-8")
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    result = run_cli("build", source, "-o", out, "--style", style)
    message = assert_contract(result, where="style.yaml:")
    assert result.exit_code == 1, message
    assert files_in(out) == []


@pytest.mark.parametrize("page", ["left: 100\n  right: 100", "height: 230\n  top: 100\n  bottom: 100", "width: 60\n  left: 20\n  right: 20"])
def test_margins_that_leave_no_room_are_refused(page, tmp_path):
    style = tmp_path / "style.yaml"
    style.write_text(f"page:\n  {page}\n", encoding="utf-8")
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    result = run_cli("build", source, "-o", tmp_path / "out", "--style", style)
    message = assert_contract(result, where="style.yaml")
    assert result.exit_code == 1 and "页边距过大" in message, message


def test_gbt9704_margins_still_pass(tmp_path):
    style = tmp_path / "style.yaml"
    style.write_text("page:\n  left: 28\n  right: 26\n", encoding="utf-8")
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    result = run_cli("build", source, "-o", tmp_path / "out", "--style", style)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_attack_inputs")
