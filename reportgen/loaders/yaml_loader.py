"""Read a report YAML into plain data, remembering the line and column of every value.

Safe loading only: PyYAML's SafeLoader composes the node tree (no object tags), and we build the
Python data ourselves so each value's position can be recorded. Aliases are expanded with a budget,
so a "billion laughs" file is refused instead of eating the machine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FsPath
from typing import Any

import yaml

from ..errors import Finding, InputError, Location, SourceMap

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 40
#: Values copied in through aliases (*name); a handful is normal, a "billion laughs" file is not.
MAX_ALIAS_NODES = 10_000
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Budget:
    """Per-load state: the node count against MAX_NODES and PyYAML's scalar constructor."""

    def __init__(self) -> None:
        self.nodes = 0
        self.seen: set[int] = set()
        self.alias_depth = 0
        self.alias_nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, which covers GBK files from Windows editors."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Finding(Location(name), "", "文件编码无法识别：请用 UTF-8 另存后再试")])


def _build(node: yaml.Node, path: tuple, source: SourceMap, budget: _Budget, depth: int) -> Any:
    """Turn one composed node into Python data, recording where each value starts."""
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _TooBig("文件中的条目过多（可能含有大量重复引用）：请拆分文件或删除重复引用")
    if depth > MAX_DEPTH:
        raise _TooBig("嵌套层次过深：请检查缩进")
    if budget.alias_depth:
        budget.alias_nodes += 1
        if budget.alias_nodes > MAX_ALIAS_NODES:
            raise _TooBig("文件中重复引用（&锚点/*别名）展开后条目过多：请直接写出内容，不要层层引用")
    mark = node.start_mark
    source.locations.setdefault(path, Location(source.file, mark.line + 1, mark.column + 1))
    build = budget.constructor
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if node.tag not in _PLAIN_TAGS:
            raise _Located(node, f"不支持的标记“{node.tag}”：请删除以“!”开头的标记")
        if id(node) in budget.seen:  # the same node again: it came in through an alias
            budget.alias_depth += 1
            try:
                return _collection(node, path, source, budget, depth)
            finally:
                budget.alias_depth -= 1
        budget.seen.add(id(node))
        return _collection(node, path, source, budget, depth)
    try:
        value = build.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise _Located(node, "无法识别的值：请去掉以“!”开头的标记")
    except (ValueError, OverflowError):
        # A value that looks like a date but is not one (2024-13-05, 2024-02-30): keep the text so the
        # model reports it with its field path (“日期应写成 2024-06-05”) instead of crashing here.
        value = node.value
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise _Located(node, "数值无效（NaN 或无穷大）：请填写具体数字")
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return value


def _collection(node: yaml.Node, path: tuple, source: SourceMap, budget: _Budget, depth: int) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Located(key_node, "不支持“<<”合并写法：请把字段直接写出来")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Located(key_node, "字段名应为文字")
            key = str(key_node.value)
            if key in result:
                raise _Located(key_node, f"字段“{key}”重复出现：请保留一个")
            result[key] = _build(value_node, path + (key,), source, budget, depth + 1)
        return result
    return [_build(item, path + (i,), source, budget, depth + 1) for i, item in enumerate(node.value)]


class _TooBig(Exception):
    pass


class _Located(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node = node
        self.message = message


def load_yaml(path: FsPath, text: str | None = None) -> tuple[Any, SourceMap]:
    """Parse ``path`` (or ``text``, reported as ``path``) into data and a source map."""
    name = str(path)
    if text is None:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise InputError([Finding(Location(name), "", f"文件太大（{size // 1024} KB）：单个文件不能超过 5 MB")])
            text = decode(path.read_bytes(), name)
        except OSError as exc:
            raise InputError([Finding(Location(name), "", f"无法读取文件：{exc.strerror or exc}")]) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    source = SourceMap(name)
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise InputError([Finding(where, "", f"YAML 格式错误（{exc.problem or exc.context}）：请检查这一行的缩进、冒号和引号")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Finding(Location(name), "", f"YAML 格式错误：{exc}")]) from None
    except RecursionError:
        raise InputError([Finding(Location(name), "", "嵌套层次过深：请检查缩进")]) from None
    if len(nodes) != 1 or nodes[0] is None:
        message = "文件是空的：请先用 reportgen init 生成示例再修改" if not nodes or nodes[0] is None else "一个文件只能写一份报告：请删除多余的“---”"
        raise InputError([Finding(Location(name), "", message)])
    try:
        data = _build(nodes[0], (), source, _Budget(), 0)
    except _TooBig as exc:
        raise InputError([Finding(Location(name), "", str(exc))]) from None
    except _Located as exc:
        mark = exc.node.start_mark
        raise InputError([Finding(Location(name, mark.line + 1, mark.column + 1), "", exc.message)]) from None
    except RecursionError:
        raise InputError([Finding(Location(name), "", "嵌套层次过深：请检查缩进")]) from None
    if not isinstance(data, dict):
        raise InputError([Finding(Location(name, 1, 1), "", "文件应由若干“字段: 值”组成：请参照 reportgen init 生成的示例")])
    return data, source
