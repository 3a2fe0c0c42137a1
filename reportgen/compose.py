"""Report → Document: render the template pack and parse its text markup into the document tree.

Templates write connective prose in a tiny markup, so they never see python-docx:

* blank line                 → new paragraph (lines in between are joined: Chinese has no spaces)
* ``## 小标题``               → level-2 heading （一）…
* ``- 条目``                 → list item; a run of items becomes 一是…二是… or 1. 2. per the list style
* ``**引语。**正文``          → paragraph or item with a lead-in phrase

Level-1 sections come from the manifest's order; a section whose template renders nothing is left
out and the numbering closes up. Headings are numbered here, from structure, never in templates.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import threading
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from . import figures, zh
from .document import Attachment, Document, Heading, Paragraph, Run, Signature
from .model import THEMES, Report

STANDARD_PACK = "standard"
MAX_OUTPUT_CHARS = 2_000_000
#: Bounds for user templates (``--templates``): a hostile or buggy template ends with a located
#: message instead of eating the machine. Normal reports stay far below every one of them.
MAX_RANGE = 10_000  # range(n) in a template
MAX_ITEMS = 100_000  # entries a template may put into one list or dict
MAX_ARG = 10_000  # int arguments (widths, counts) to built-in methods and filters
RENDER_SECONDS = 5.0  # wall-clock budget for composing one report of ordinary size
SECONDS_PER_ITEM = 0.002  # …plus this much per activity, metric and mechanism


class TemplateError(Exception):
    """A template failed to load or render; the message names the template file and line."""


def templates_root() -> Path:
    """The standard packs: inside the installed package, or at the top of a source checkout."""
    installed = Path(__file__).parent / "_data" / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


# ---------------------------------------------------------------- template pack


@dataclass
class Pack:
    """A template folder plus its manifest; ``override`` folders shadow single files of it."""

    root: Path
    manifest: dict[str, Any]
    env: SandboxedEnvironment

    def theme_template(self, theme: str) -> str:
        slug = self.manifest["theme_templates"].get(theme)
        name = f"themes/{slug}.j2" if slug else None
        if name and self.exists(name):
            return name
        return "themes/generic.j2"

    def exists(self, name: str) -> bool:
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return False
        return True

    def names(self) -> list[str]:
        return sorted(self.env.loader.list_templates())  # type: ignore[union-attr]


class _RenderTimeout(BaseException):
    """Raised by the render alarm; a BaseException so no ``except Exception`` inside Jinja eats it."""


_limits = threading.local()


def _check_deadline() -> None:
    deadline = getattr(_limits, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _RenderTimeout()


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a runaway render (a loop that calls and prints nothing) with SIGALRM.

    Only possible in the main thread of a process; elsewhere the deadline is still checked on every
    call, concatenation, range step and output chunk.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _RenderTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:  # someone else's alarm was pending (a test timeout, a caller's limit): re-arm it
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 0.001), outer_interval)


def _refuse(message: str) -> None:
    raise jinja2.exceptions.SecurityError(message)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set)) else 0


def _bounded_range(*args: Any) -> Iterator[int]:
    """``range`` for templates: at most MAX_RANGE steps, each step checks the render deadline."""
    steps = range(*args)
    if len(steps) > MAX_RANGE:
        _refuse(f"range 的范围过大（最多 {MAX_RANGE} 项）")
    for number in steps:
        _check_deadline()
        yield number


_WIDTH = re.compile(r"%[-#0 +*]*(\d+)?(?:\.(\d+))?")
#: Built-in methods a template has no use for and that can allocate without bound.
_BLOCKED_METHODS = frozenset(["format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"])
#: Methods whose integer argument is a size to allocate; elsewhere (``xs.append(18000)``) it is data.
_SIZED_METHODS = _BLOCKED_METHODS | {"to_bytes"}
_GROWING_METHODS = frozenset(["append", "extend", "insert", "update", "setdefault", "add", "__setitem__"])


def _guard_filter(name: str, func: Callable[..., Any], builtin: bool = True) -> Callable[..., Any]:
    """Wrap a filter: bounded int arguments (widths, counts) for Jinja's own, a bounded result for all."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        values = [a for a in args if not isinstance(a, (jinja2.runtime.Context, jinja2.Environment, jinja2.nodes.EvalContext))]
        for extra in (values[1:] + list(kwargs.values())) if builtin else ():
            if isinstance(extra, int) and not isinstance(extra, bool) and abs(extra) > MAX_ARG:
                _refuse(f"过滤器 {name} 的参数过大")
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0])
        if name == "join" and values:
            items = list(values[0])
            if len(items) > MAX_ITEMS:
                _refuse("join 的条目过多")
            separator = values[1] if len(values) > 1 else kwargs.get("d", "")
            if len(items) * _size(separator) > MAX_OUTPUT_CHARS:
                _refuse("join 生成的文字过长")
            args = tuple(items if a is values[0] else a for a in args)
        if name == "replace" and len(values) >= 3 and isinstance(values[0], str):
            if values[0].count(str(values[1])) * len(str(values[2])) > MAX_OUTPUT_CHARS:
                _refuse("replace 生成的文字过长")
        result = func(*args, **kwargs)
        if _size(result) > MAX_OUTPUT_CHARS:
            _refuse(f"过滤器 {name} 生成的文字过长")
        return result

    for attr in ("jinja_pass_arg",):
        if hasattr(func, attr):
            setattr(guarded, attr, getattr(func, attr))
    return guarded


def _check_format(template: str) -> None:
    for match in _WIDTH.finditer(template):
        if any(g and int(g) > MAX_ARG for g in match.groups()):
            _refuse("格式宽度过大")


class _BoundedCodeGenerator(CodeGenerator):
    """Route ``~`` concatenation through the environment, so repeated doubling is bounded too."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: Any) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _SafeLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses symlinks leading out of the template folders."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        roots = [os.path.realpath(p) for p in self.searchpath]
        if not any(real == r or real.startswith(r + os.sep) for r in roots):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


class _BoundedSandbox(SandboxedEnvironment):
    """A sandbox for user templates (``--templates``).

    Jinja's sandbox already refuses ``__class__``/``__globals__``/``_private`` attributes. On top of
    it: no globals that are not needed (``lipsum``, ``cycler``, ``joiner``, ``namespace``), ranges,
    containers, repetition, concatenation, powers, ``%`` widths and filter arguments are bounded,
    pydantic's ``model_*`` methods are hidden, and a whole compose has a wall-clock budget.
    """

    intercepted_binops = frozenset(["*", "**", "%", "+"])
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lipsum", "cycler", "joiner", "namespace"):
            self.globals.pop(name, None)
        self.globals["range"] = _bounded_range
        self.filters = {name: _guard_filter(name, func) for name, func in self.filters.items()}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, (str, bytes)) and attr in _BLOCKED_METHODS:
            return False
        if isinstance(obj, BaseModel) and attr.startswith("model_"):
            return False
        return True

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``'{:1000000000}'.format(x)``: templates have filters for this; str.format is refused."""
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            _refuse("模板中不能使用 str.format")
            return ""

        return refused

    def bounded_concat(self, parts: Any) -> str:
        _check_deadline()
        texts = [str(p) for p in parts]
        if sum(map(len, texts)) > MAX_OUTPUT_CHARS:
            _refuse("拼接生成的文字过长")
        return "".join(texts)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_deadline()
        owner = getattr(__obj, "__self__", None)
        if isinstance(__obj, types.BuiltinMethodType) and owner is not None and not isinstance(owner, types.ModuleType):
            if __obj.__name__ in _SIZED_METHODS:
                for value in list(args) + list(kwargs.values()):
                    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARG:
                        _refuse(f"{__obj.__name__} 的参数过大")
            if __obj.__name__ in _GROWING_METHODS and isinstance(owner, (list, dict, set)) and len(owner) >= MAX_ITEMS:
                _refuse(f"列表或字典的条目过多（最多 {MAX_ITEMS} 项）")
            if __obj.__name__ == "extend" and isinstance(owner, list) and args and len(owner) + _size(args[0]) > MAX_ITEMS:
                _refuse(f"列表的条目过多（最多 {MAX_ITEMS} 项）")
            if __obj.__name__ == "replace" and isinstance(owner, str) and len(args) >= 2:
                if owner.count(str(args[0])) * len(str(args[1])) > MAX_OUTPUT_CHARS:
                    _refuse("replace 生成的文字过长")
            if __obj.__name__ == "join" and isinstance(owner, str) and args:
                items = list(args[0])
                if len(items) > MAX_ITEMS or len(items) * len(owner) > MAX_OUTPUT_CHARS:
                    _refuse("join 生成的文字过长")
                args = (items,) + args[1:]
        result = super().call(__context, __obj, *args, **kwargs)
        if _size(result) > MAX_OUTPUT_CHARS:
            _refuse("生成的文字过长")
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 64 or abs(left).bit_length() * max(right, 0) > 4096:
                _refuse("幂运算的结果过大")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, (str, list, tuple)):
                left, right = right, left
            if isinstance(left, (str, list, tuple)) and isinstance(right, int) and right * len(left) > 100_000:
                _refuse("重复生成的文本过长")
            if isinstance(left, int) and isinstance(right, int) and abs(left).bit_length() + abs(right).bit_length() > 4096:
                _refuse("乘法的结果过大")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        if operator == "+" and _size(left) + _size(right) > MAX_OUTPUT_CHARS:
            _refuse("拼接生成的内容过长")
        return super().call_binop(context, operator, left, right)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (a third of a cold ``reportgen build``).

    Jinja keys each entry by template name and source checksum, so an edited template is never
    served stale. The generated code differs with the sandbox, hence the version in the path.
    Without a writable cache folder (or with REPORTGEN_NO_CACHE set) templates are compiled each run.
    """
    if os.environ.get("REPORTGEN_NO_CACHE"):
        return None
    from . import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "reportgen" / __version__ / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def load_pack(override: Path | None = None, name: str = STANDARD_PACK) -> Pack:
    root = templates_root() / name
    folders = [str(override)] if override else []
    env = _BoundedSandbox(
        bytecode_cache=_bytecode_cache(),
        loader=_SafeLoader(folders + [str(root)], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    ours = dict(
        qty=zh.qty, pct=zh.percent, change=zh.change, cn=zh.cn_int, count=zh.cn_count, ordinal=zh.ordinal,
        date=zh.cn_date, span=zh.date_span, series=zh.join, quoted=zh.quoted, book=zh.book,
        honour=zh.honour, sentence=zh.sentence, clause=zh.clause, num=zh.plain_number,
    )
    env.filters.update({name: _guard_filter(name, func, builtin=False) for name, func in ours.items()})
    manifest_path = (override / "manifest.yaml") if override and (override / "manifest.yaml").is_file() else root / "manifest.yaml"
    return Pack(root, _read_manifest(manifest_path), env)


#: Manifest keys and the shape each must have: "str", "int", "list" (of str), "map" (str → str or
#: list of str), "map2" (str → map).
_MANIFEST_KEYS = {
    "name": "str", "list_style": "str", "layout": "str", "max_sections": "int", "order": "list",
    "theme_order": "list", "theme_templates": "map", "profiles": "map", "headings": "map",
    "headings_by_group": "map2",
}
_MANIFEST_REQUIRED = ("order", "theme_templates", "profiles", "headings")


def _read_manifest(path: Path) -> dict[str, Any]:
    """The pack's manifest through the bounded YAML loader, checked for shape: a user's pack may be
    anything, and a wrong manifest must give a located message, not an internal error."""
    from .errors import InputError
    from .loaders.yaml_loader import load_yaml

    try:
        data, source = load_yaml(path)
    except InputError as exc:
        raise TemplateError("模板清单有误：" + "；".join(str(f) for f in exc.findings)) from None

    def fail(key_path: tuple, message: str) -> None:
        raise TemplateError(f"模板清单 {source.locate(key_path)} {'.'.join(map(str, key_path))}：{message}")

    def is_text_list(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    for key in _MANIFEST_REQUIRED:
        if key not in data:
            fail((key,), "缺少这一项")
    for key, value in data.items():
        shape = _MANIFEST_KEYS.get(key)
        if shape == "str" and not isinstance(value, str):
            fail((key,), "应为文字")
        elif shape == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            fail((key,), "应为整数")
        elif shape == "list" and not is_text_list(value):
            fail((key,), "应为文字列表")
        elif shape in ("map", "map2"):
            if not isinstance(value, dict):
                fail((key,), "应为若干“名称: 值”")
            for sub, item in value.items():
                if shape == "map2":
                    if not isinstance(item, dict) or not all(isinstance(v, str) or is_text_list(v) for v in item.values()):
                        fail((key, sub), "应为若干“名称: 文字或文字列表”")
                elif not (isinstance(item, str) or is_text_list(item)):
                    fail((key, sub), "应为文字或文字列表")
    return data


# ---------------------------------------------------------------- variety


def chooser(seed: str) -> Callable[..., Any]:
    """``pick(key, a, b, c)``: a stable choice from the data, so units differ but reruns do not."""

    def pick(key: str, *options: Any) -> Any:
        if not options:
            return ""
        digest = hashlib.blake2b(f"{seed}|{key}".encode(), digest_size=8).digest()
        return options[int.from_bytes(digest, "big") % len(options)]

    return pick


# ---------------------------------------------------------------- markup → blocks

_LEAD = re.compile(r"^\*\*(.+?)\*\*(.*)$", re.S)
#: A mark the user typed at the end of a value (goals: [学习贯彻，]) meets the template's own mark.
_DOUBLED_MARK = re.compile(r"[，、；：](?=[，、；：。！？])|(?<=。)。")


def _tidy(text: str) -> str:
    return _DOUBLED_MARK.sub("", zh.fullwidth(text))


def _runs(text: str) -> tuple[str, str]:
    found = _LEAD.match(text)
    return (found.group(1), found.group(2)) if found else ("", text)


def parse_markup(text: str) -> list[tuple[str, str, str]]:
    """Markup → [(kind, lead, body)], kind ∈ para | sub | item; lines of one element are joined."""
    elements: list[list[str]] = []
    kinds: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if kinds and kinds[-1] != "gap":
                kinds.append("gap")
                elements.append([])
            continue
        if line.startswith("## "):
            kinds.append("sub")
            elements.append([line[3:]])
        elif line.startswith("- "):
            kinds.append("item")
            elements.append([line[2:]])
        elif kinds and kinds[-1] in ("para", "item"):
            elements[-1].append(line)
        else:
            kinds.append("para")
            elements.append([line])
    result = []
    for kind, lines in zip(kinds, elements):
        if kind == "gap":
            continue
        lead, body = _runs("".join(lines))
        lead, body = _tidy(lead), _tidy(body)
        if (lead + body).strip():
            result.append((kind, lead, body))
    return result


def _item_paragraph(style: str, index: int, lead: str, body: str) -> Paragraph:
    if style == "数字":
        number = f"{index}."
        if lead:
            return Paragraph((Run(number + lead, bold=True), Run(body)))
        return Paragraph((Run(number + body),))
    return Paragraph((Run(zh.ordinal(index) + lead + body),))


def to_blocks(text: str, list_style: str, heading_level: int = 2) -> list:
    """Markup → document blocks, numbering sub-headings and items from structure."""
    blocks: list = []
    sub_index = 0
    items: list[tuple[str, str]] = []

    def flush() -> None:
        if len(items) == 1:  # a single point reads as a paragraph, not “一是…” with no 二是
            lead, body = items[0]
            blocks.append(Paragraph((Run(lead, bold=True), Run(body)) if lead else (Run(body),)))
        else:
            blocks.extend(_item_paragraph(list_style, i, lead, body) for i, (lead, body) in enumerate(items, 1))
        items.clear()

    for kind, lead, body in parse_markup(text):
        if kind == "item":
            items.append((lead, body))
            continue
        if items:
            flush()
        if kind == "sub":
            sub_index += 1
            blocks.append(Heading(heading_level, f"（{zh.cn_int(sub_index)}）", body.rstrip("。：:")))
        else:
            blocks.append(Paragraph((Run(lead, bold=True), Run(body)) if lead else (Run(body),)))
    if items:
        flush()
    return blocks


# ---------------------------------------------------------------- title


def break_title(segments: list[str], width: int = 20) -> tuple[str, ...]:
    """Break a title only between meaningful segments (unit | period | campaign), ≤ ``width`` a line.

    Picks the split with the shortest longest line, so lines come out balanced (梯形/菱形), and never
    leaves a lone character on a line.
    """
    segments = [s for s in segments if s]
    if len("".join(segments)) <= width:
        return ("".join(segments),)
    best: tuple[int, tuple[str, ...]] | None = None
    for mask in range(1, 2 ** (len(segments) - 1)):
        lines, current = [], segments[0]
        for i, segment in enumerate(segments[1:]):
            if mask >> i & 1:
                lines.append(current)
                current = segment
            else:
                current += segment
        lines.append(current)
        if any(len(line) > width or len(line) < 2 for line in lines):
            continue
        score = (len(lines), max(len(line) for line in lines))
        if best is None or score < best[0]:  # type: ignore[operator]
            best = (score, tuple(lines))  # type: ignore[assignment]
    if best:
        return best[1]
    text = "".join(segments)  # a segment longer than a line: cut evenly, never leave one character
    count = -(-len(text) // width)
    size = -(-len(text) // count)
    return tuple(text[i : i + size] for i in range(0, len(text), size))


# ---------------------------------------------------------------- compose


@dataclass
class Section:
    key: str
    heading: str
    blocks: list
    children: list["Section"] | None = None


def _wants_groups(sections: list[Section], pack: Pack) -> bool:
    """Real summaries have 4–9 top-level parts; with many themes, gather them under one part."""
    layout = pack.manifest.get("layout", "auto")
    themes = sum(1 for s in sections if s.key in THEMES)
    return layout == "grouped" or (layout == "auto" and themes + len(sections) - themes > pack.manifest.get("max_sections", 7))


def _grouped(sections: list[Section], report: Report, pack: Pack, pick: Callable[..., Any]) -> list[Section]:
    themes = [s for s in sections if s.key in THEMES]
    rest = [s for s in sections if s.key not in THEMES]
    if not themes:
        return rest
    return [Section("work", _heading(pack, report, "work", pick), [], themes)] + rest


def _number(sections: list[Section]) -> list:
    """Number level-1 parts 一、二、 and grouped themes （一）（二） from their order alone."""
    blocks: list = []
    for index, section in enumerate(sections, 1):
        blocks.append(Heading(1, f"{zh.cn_int(index)}、", section.heading))
        blocks.extend(section.blocks)
        for sub, child in enumerate(section.children or [], 1):
            blocks.append(Heading(2, f"（{zh.cn_int(sub)}）", child.heading))
            blocks.extend(child.blocks)
    return blocks


def _render(pack: Pack, name: str, context: dict[str, Any]) -> str:
    with _budget() as deadline:
        return _render_within(pack, name, context, deadline)


@contextlib.contextmanager
def _budget(items: int = 0) -> Iterator[float]:
    """The render deadline of this thread: set by the outermost caller (one compose), shared inside.

    A long report legitimately takes longer, so the budget grows with the number of list items;
    a runaway template still stops in seconds on a report of ordinary size.
    """
    outer = getattr(_limits, "deadline", None)
    if outer is None:
        _limits.deadline = time.monotonic() + RENDER_SECONDS + items * SECONDS_PER_ITEM
    try:
        yield _limits.deadline
    finally:
        if outer is None:
            _limits.deadline = None


def _generate(pack: Pack, name: str, context: dict[str, Any]) -> str:
    chunks: list[str] = []
    size = 0
    for chunk in pack.env.get_template(name).generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(f"模板 {name} 生成的文字过长（超过 {MAX_OUTPUT_CHARS} 字）：请检查循环")
        _check_deadline()
        chunks.append(chunk)
    return "".join(chunks)


def _render_within(pack: Pack, name: str, context: dict[str, Any], deadline: float) -> str:
    try:
        try:
            with _time_limit(deadline - time.monotonic() + 0.5):  # the alarm backs up the checks
                _check_deadline()
                text = _generate(pack, name, context)
        except _RenderTimeout as exc:
            raise TemplateError(f"模板 {_where(exc, name)} 运行超时：请检查循环或宏的递归") from None
    except TemplateError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {exc.filename or exc.name or name} 第 {exc.lineno} 行语法错误：{exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        where = _where(exc, name)
        raise TemplateError(f"找不到模板 {exc.name}" + (f"（{where} 引用）" if where != exc.name else "") + "：请检查模板文件夹") from None
    except RecursionError as exc:
        raise TemplateError(f"模板 {_where(exc, name)} 递归过深：请检查宏的调用") from None
    except Exception as exc:  # noqa: BLE001 — any failure inside a template becomes a located message
        raise TemplateError(f"模板 {_where(exc, name)} 出错：{_explain(exc)}") from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateError(f"模板 {name} 生成的文字过长（超过 {MAX_OUTPUT_CHARS} 字）：请检查循环")
    return text


def _where(exc: BaseException, name: str) -> str:
    """``opening.j2 第 3 行``: the innermost template frame of the traceback, else the template name."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:  # compiled template code: map the Python line back to the template's
            found = f"{Path(template.filename or template.name or name).name} 第 {template.get_corresponding_lineno(tb.tb_lineno)} 行"
        elif code.co_filename.endswith((".j2", ".jinja")):  # a frame Jinja already rewrote
            found = f"{Path(code.co_filename).name} 第 {tb.tb_lineno} 行"
        tb = tb.tb_next
    return found or name


def _explain(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"使用了不存在的变量（{exc.message}）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图执行不允许的操作（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def _heading(pack: Pack, report: Report, key: str, pick: Callable[..., Any]) -> str:
    if key in report.headings:
        return report.headings[key]  # type: ignore[index]
    by_group = pack.manifest.get("headings_by_group", {}).get(report.unit.group, {})
    options = by_group.get(key) or pack.manifest["headings"].get(key) or [key]
    return pick(f"heading:{key}", *options) if isinstance(options, list) else options


def theme_order(report: Report, pack: Pack) -> list[str]:
    """Explicit order if given, else the unit type's profile, then any other theme that has data."""
    if report.themes:
        return list(dict.fromkeys(report.themes))
    profile = pack.manifest["profiles"].get(report.unit.group, [])
    rest = [t for t in pack.manifest.get("theme_order", THEMES) if t not in profile]
    return list(dict.fromkeys(list(profile) + rest))


def compose(report: Report, templates: Path | None = None, pack: Pack | None = None) -> Document:
    with _budget(len(report.activities) + len(report.metrics) + len(report.mechanisms)):
        return _compose(report, templates, pack)


def _compose(report: Report, templates: Path | None = None, pack: Pack | None = None) -> Document:
    pack = pack or load_pack(templates)
    seed = f"{report.unit.name}|{report.period.year}|{report.period.type}|{report.kind}"
    pick = chooser(seed)
    list_style = report.list_style or pack.manifest.get("list_style", "一是")
    context = figures.context(report)
    context.update(pick=pick, list_style=list_style)

    title_segments = _render(pack, "title.j2", context).strip().split("|")
    title = report.title or "".join(title_segments)
    title_lines = break_title([report.title] if report.title else title_segments)

    blocks: list = [Paragraph((Run(b),)) for _, _, b in parse_markup(_render(pack, "opening.j2", context))]
    sections: list[Section] = []
    for key in pack.manifest["order"]:
        if key == "themes":
            for theme in theme_order(report, pack):
                ctx = dict(context, theme=theme, **figures.theme_data(report, theme))
                body = to_blocks(_render(pack, pack.theme_template(theme), ctx), list_style)
                if body:
                    sections.append(Section(theme, _heading(pack, report, theme, pick), body))
        elif key not in ("opening", "closing"):
            body = to_blocks(_render(pack, f"{key}.j2", context), list_style)
            if body:
                sections.append(Section(key, _heading(pack, report, key, pick), body))
    blocks.extend(_number(_grouped(sections, report, pack, pick) if _wants_groups(sections, pack) else sections))
    blocks.extend(Paragraph((Run(b),)) for _, _, b in parse_markup(_render(pack, "closing.j2", context)))

    attachments = []
    if report.attach_indicators and report.metrics:
        table = figures.indicator_table(report)
        attachments.append(Attachment(1, table.title, (table,)))
    note = tuple(
        ("附件：" if i == 0 else "　　　") + (f"{a.number}.{a.title}" if len(attachments) > 1 else a.title)
        for i, a in enumerate(attachments)
    )
    return Document(
        title=title,
        title_lines=title_lines,
        blocks=blocks,
        attachment_note=note,
        signature=Signature(report.signature_unit, zh.cn_date(report.signature_date)),
        attachments=attachments,
        author=report.unit.name,
        year=report.period.year,
    )
