"""Read a report YAML into plain data, remembering the line and column of every value.

Safe loading only: PyYAML's safe parser gives the events, ``_Composer`` builds the node tree from
them with every size limit checked as it goes (so a hostile file is refused early, not after it has
been parsed whole), and we build the Python data ourselves so each value's position can be recorded.
Aliases are expanded with a budget, so a "billion laughs" file is refused instead of eating the machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from ..errors import Finding, InputError, Location, Path, SourceMap, format_path
from ..inputfile import read_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 40
#: Values copied in through aliases (*name); a handful is normal, a "billion laughs" file is not.
MAX_ALIAS_NODES = 10_000
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class YamlSourceMap(SourceMap):
    """A source map for a YAML file that keeps where each value starts as PyYAML's mark and makes
    it a Location when a message or the text asks for it: a unit has some 600 values, cites fewer
    than 400 of them, and a Location (a frozen dataclass) takes about a microsecond to make."""

    marks: dict[Path, yaml.Mark] = field(default_factory=dict)

    def recorded(self, path: Path) -> Location | None:
        found = self.locations.get(path)
        if found is None:
            mark = self.marks.get(path)
            if mark is not None:
                found = self.locations[path] = Location(self.file, mark.line + 1, mark.column + 1)
        return found

    def states(self, path: Path) -> bool:
        return tuple(path) in self.marks


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
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode" (UTF-16 with BOM)
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Finding(Location(name), "", "文件编码无法识别：请用 UTF-8 另存后再试")])


def _build(node: yaml.Node, path: tuple, source: YamlSourceMap, budget: _Budget, depth: int) -> Any:
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
    source.marks.setdefault(path, node.start_mark)
    build = budget.constructor
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if node.tag not in _PLAIN_TAGS:
            raise _Located(node, f"不支持的标记“{node.tag.replace('tag:yaml.org,2002:', '!!')}”：请删除以“!”开头的标记", path)
        if id(node) in budget.seen:  # the same node again: it came in through an alias
            budget.alias_depth += 1
            try:
                return _collection(node, path, source, budget, depth)
            finally:
                budget.alias_depth -= 1
        budget.seen.add(id(node))
        return _collection(node, path, source, budget, depth)
    if node.tag == _STR_TAG:  # most values are text, which needs no constructor
        return node.value
    try:
        value = build.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise _Located(node, "无法识别的值：请去掉以“!”开头的标记", path)
    except (ValueError, OverflowError):
        # A value that looks like a date but is not one (2024-13-05, 2024-02-30): keep the text so the
        # model reports it with its field path (“日期应写成 2024-06-05”) instead of crashing here.
        value = node.value
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise _Located(node, "数值无效（NaN 或无穷大）：请填写具体数字", path)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return value


def _collection(node: yaml.Node, path: tuple, source: YamlSourceMap, budget: _Budget, depth: int) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Located(key_node, "不支持“<<”合并写法：请把字段直接写出来", path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Located(key_node, "字段名应为文字", path)
            key = str(key_node.value)
            if key in result:
                raise _Located(key_node, f"字段“{key}”重复出现：请保留一个", path + (key,))
            result[key] = _build(value_node, path + (key,), source, budget, depth + 1)
        return result
    return [_build(item, path + (i,), source, budget, depth + 1) for i, item in enumerate(node.value)]


class _TooBig(Exception):
    pass


class _Located(Exception):
    def __init__(self, node: yaml.Node, message: str, path: tuple = ()):
        self.node = node
        self.message = message
        self.path = path


#: PyYAML's problem texts (English) → what an office worker can act on.
_SYNTAX_PROBLEMS = (
    ("found character '\\t'", "含有 Tab 字符，缩进只能用空格"),
    ("mapping values are not allowed", "这里多了一个“: ”（值里有冒号时，请给整个值加上引号）"),
    ("could not find expected ':'", "缺少“: ”（字段名和值之间要有冒号和空格）"),
    ("expected <block end>", "缩进不一致（同一层的字段要左对齐）"),
    ("expected <block mapping start>", "缩进不一致（同一层的字段要左对齐）"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或条目之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有配对，或条目之间缺少逗号"),
    ("found unexpected end of stream", "引号或括号没有配对"),
    ("found unknown escape character", "双引号内的反斜杠“\\”写法有误（可改用单引号）"),
    ("found undefined alias", "引用了没有定义的锚点（*名称）"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("found character '@'", "“@”或“`”不能放在值的开头（请给整个值加上引号）"),
    ("found character '`'", "“@”或“`”不能放在值的开头（请给整个值加上引号）"),
    ("did not find expected key", "缩进不一致，或上一行的引号、括号没有闭合"),
    ("did not find expected '-' indicator", "列表条目的缩进不一致（“- ”要对齐）"),
    ("did not find expected node content", "这里缺少内容，或多了一个符号"),
    ("found unexpected ':'", "多了一个冒号"),
    ("exceeded maximum nesting depth", "嵌套层次过深"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or exc.context or "")
    for needle, text in _SYNTAX_PROBLEMS:
        if needle in problem:
            return text
    return f"写法有误（{problem}）" if problem else "写法有误"


#: The pure-Python parser is too slow to bound above this size (a 5 MB list takes minutes).
PYTHON_PARSER_CHARS = 256 * 1024
#: Entries in one list or mapping, checked while parsing. The largest list a report holds is 20,000
#: activities and no mapping has a hundred fields, so a file past these is not a report, and parsing
#: it to the end first would take seconds and hundreds of MB (a flat 5 MB list: 19 s, 700 MB).
MAX_LIST_ITEMS = 20_000
MAX_MAP_KEYS = 1_000


class _Composer:
    """Build the node tree from parser events, applying the limits as each event arrives.

    PyYAML's own composer builds the whole tree before anything can be counted; here the nesting
    depth, the entries per collection, the total node count and what aliases would copy are refused
    the moment they pass their limit. Nodes, tags and marks are the ones PyYAML's composer makes.
    """

    def __init__(self, events) -> None:  # noqa: ANN001 — an iterator of yaml.Event
        self.events = events
        self.resolver = yaml.resolver.Resolver()
        #: Tags of plain scalars by (text, implicit): the same keys and values recur in every entry.
        self.scalar_tags: dict[tuple[str, tuple[bool, bool]], str] = {}
        self.anchors: dict[str, tuple[yaml.Node, int]] = {}
        self.nodes = 0
        self.aliased = 0

    def documents(self) -> list[yaml.Node | None]:
        found: list[yaml.Node | None] = []
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                if len(found) == 1:  # a second report: refused by the caller, no need to read it
                    return found + [None]
                self.anchors = {}
                event = next(self.events)
                found.append(None if isinstance(event, yaml.DocumentEndEvent) else self.node(event, 0)[0])
        return found

    def node(self, event: yaml.Event, depth: int) -> tuple[yaml.Node, int]:
        """The node starting with ``event`` and how many nodes it stands for (aliases expanded)."""
        if depth > MAX_DEPTH:
            raise _TooBig("嵌套层次过深：请检查缩进")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig("文件中的条目过多：请拆分文件")
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            node, size = self.anchors[event.anchor]
            self.aliased += size
            if self.aliased > MAX_ALIAS_NODES:
                raise _TooBig("文件中重复引用（&锚点/*别名）展开后条目过多：请直接写出内容，不要层层引用")
            return node, size
        anchor, tag = event.anchor, event.tag
        if anchor is not None and anchor in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"found duplicate anchor {anchor!r}", event.start_mark)
        size = 1
        if isinstance(event, yaml.ScalarEvent):
            if tag is None or tag == "!":
                tag = self.scalar_tags.get((event.value, event.implicit))
                if tag is None:
                    tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
                    self.scalar_tags[event.value, event.implicit] = tag
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            if tag is None or tag == "!":
                tag = self.resolver.resolve(yaml.SequenceNode, None, event.implicit)
            node = yaml.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            for item in self.events:
                if isinstance(item, yaml.SequenceEndEvent):
                    node.end_mark = item.end_mark
                    break
                if len(node.value) >= MAX_LIST_ITEMS:
                    raise _Located(node, f"列表的条目过多（最多 {MAX_LIST_ITEMS} 项）：请拆分文件")
                child, child_size = self.node(item, depth + 1)
                node.value.append(child)
                size += child_size
        else:
            if tag is None or tag == "!":
                tag = self.resolver.resolve(yaml.MappingNode, None, event.implicit)
            node = yaml.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            for item in self.events:
                if isinstance(item, yaml.MappingEndEvent):
                    node.end_mark = item.end_mark
                    break
                if len(node.value) >= MAX_MAP_KEYS:
                    raise _Located(node, f"字段过多（最多 {MAX_MAP_KEYS} 个）：请检查缩进")
                key, key_size = self.node(item, depth + 1)
                value, value_size = self.node(next(self.events), depth + 1)
                node.value.append((key, value))
                size += key_size + value_size
        if anchor is not None:
            self.anchors[anchor] = (node, size)
        return node, size


def _compose(text: str) -> list[yaml.Node | None]:
    """Compose with libyaml when PyYAML has it (same nodes and marks, ~10× faster); a file it rejects
    is parsed again by the Python parser, whose error wording the Chinese messages are keyed on."""
    if getattr(yaml, "__with_libyaml__", False):
        try:
            if len(text) <= WHOLE_COMPOSE_CHARS and "&" not in text:
                return _compose_whole(text)
            return _compose_with(yaml.CSafeLoader, text)
        except yaml.YAMLError:
            if len(text) > PYTHON_PARSER_CHARS:  # too slow to re-parse; libyaml's wording will do
                raise
    return _compose_with(yaml.SafeLoader, text)


#: Below this size, and with no anchor (&) in the text, libyaml composes the whole tree in C and the
#: limits are checked on it afterwards (``_within_limits``): such a text cannot hold more than
#: MAX_NODES nodes nor expand an alias, and its tree is built in a fraction of a second.
WHOLE_COMPOSE_CHARS = 64 * 1024


def _compose_whole(text: str) -> list[yaml.Node | None]:
    """The documents as ``_Composer.documents`` gives them, composed by libyaml (no Python event
    objects), each checked against the limits the composer applies while reading."""
    loader = yaml.CSafeLoader(text)
    found: list[yaml.Node | None] = []
    try:
        while loader.check_node():
            if len(found) == 1:  # a second report: refused by the caller, no need to read it
                return found + [None]
            found.append(loader.get_node())
            _within_limits(found[-1], 0)
    finally:
        loader.dispose()
    return found


def _within_limits(node: yaml.Node, depth: int) -> None:
    """The nesting depth and the entries per collection, refused in the order ``_Composer.node``
    would meet them. A text without anchors has no aliases to count, and one of at most
    WHOLE_COMPOSE_CHARS characters not enough nodes to pass MAX_NODES."""
    if depth > MAX_DEPTH:
        raise _TooBig("嵌套层次过深：请检查缩进")
    deeper = depth + 1 > MAX_DEPTH  # then even a plain value below this one is too deep
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            if index >= MAX_LIST_ITEMS:
                raise _Located(node, f"列表的条目过多（最多 {MAX_LIST_ITEMS} 项）：请拆分文件")
            if deeper or not isinstance(item, yaml.ScalarNode):
                _within_limits(item, depth + 1)
    elif isinstance(node, yaml.MappingNode):
        for index, pair in enumerate(node.value):
            if index >= MAX_MAP_KEYS:
                raise _Located(node, f"字段过多（最多 {MAX_MAP_KEYS} 个）：请检查缩进")
            for part in pair:
                if deeper or not isinstance(part, yaml.ScalarNode):
                    _within_limits(part, depth + 1)


def _compose_with(loader_class: type, text: str) -> list[yaml.Node | None]:
    """The events straight from the loader, as ``yaml.parse`` gives them but without a generator
    step per event; ``get_event`` returns None once the stream has ended."""
    loader = loader_class(text)
    try:
        return _Composer(iter(loader.get_event, None)).documents()
    finally:
        loader.dispose()


def overlay(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``update`` laid over ``base`` key by key; mappings merge, everything else replaces.

    How a user's small file changes a bundled one (template phrases, the style profile): only the
    items it names differ. ``base`` is not changed.
    """
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_yaml(path: FsPath, text: str | None = None, what: str = "数据文件") -> tuple[Any, SourceMap]:
    """Parse ``path`` (or ``text``, reported as ``path``) into data and a source map.

    ``what`` names the file in messages (数据文件, 版式设置文件, 模板清单…).
    """
    name = str(path)
    if text is None:
        text = decode(read_bytes(path, what, MAX_BYTES), name)
    elif text.startswith("\ufeff"):
        text = text[1:]
    source = YamlSourceMap(name)
    try:
        nodes = _compose(text)
    except _TooBig as exc:
        raise InputError([Finding(Location(name), "", str(exc))]) from None
    except _Located as exc:
        mark = exc.node.start_mark
        raise InputError([Finding(Location(name, mark.line + 1, mark.column + 1), "", exc.message)]) from None
    except yaml.reader.ReaderError as exc:
        # A control character (NUL, BEL…) in the text: PyYAML reports a character offset, in English.
        pos = exc.position if 0 <= exc.position <= len(text) else 0
        line, column = text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise InputError([Finding(
            Location(name, line, column), "",
            f"含有不可见的控制字符（U+{exc.character:04X}）：请删除后重新输入" if isinstance(exc.character, int)
            else "含有无法识别的字符：请删除后重新输入",
        )]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and str(exc.context or "").startswith("while scanning a"):
            mark = exc.context_mark  # an unclosed quote or a key without “:” — point at where it starts
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise InputError([Finding(where, "", f"YAML 格式错误：{_syntax_problem(exc)}：请检查这一行的缩进、冒号和引号")]) from None
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
        where = Location(name, mark.line + 1, mark.column + 1)
        raise InputError([Finding(where, format_path(exc.path), exc.message)]) from None
    except RecursionError:
        raise InputError([Finding(Location(name), "", "嵌套层次过深：请检查缩进")]) from None
    if data is None:  # only "---" or "~": nothing was filled in
        raise InputError([Finding(Location(name), "", "文件是空的：请先用 reportgen init 生成示例再修改")])
    if not isinstance(data, dict):
        raise InputError([Finding(Location(name, 1, 1), "", "文件应由若干“字段: 值”组成：请参照 reportgen init 生成的示例")])
    return data, source
