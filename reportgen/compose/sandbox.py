"""The sandbox templates run in: Jinja's SandboxedEnvironment, bounded in time, size and memory.

User templates (``--templates``) are hostile input. Jinja's sandbox already refuses ``__class__``,
``__globals__`` and ``_private`` attributes; templates only ever receive plain read-only data
(``facts.Record``, tuples, fact values). On top of that every way a template can spend time or
memory is bounded, and a failure becomes a message naming the template file and line.

The environment also carries provenance: printing, concatenating or filtering a fact keeps its
marks (see ``facts``), so the markup parser knows which fields each sentence came from.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
import types
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment

from . import facts

MAX_OUTPUT_CHARS = 2_000_000
#: Bounds for user templates (``--templates``): a hostile or buggy template ends with a located
#: message instead of eating the machine. Normal reports stay far below every one of them.
MAX_RANGE = 10_000  # range(n) in a template
MAX_ITEMS = 100_000  # entries a template may put into one list or dict
MAX_ARG = 10_000  # int arguments (widths, counts) to built-in methods and filters
RENDER_SECONDS = 5.0  # wall-clock budget for composing one report of ordinary size
SECONDS_PER_ITEM = 0.002  # …plus this much per activity, metric and mechanism
#: Items and characters one compose may allocate in all (lists, dicts, strings built by templates).
MAX_ALLOCATED = 20_000_000

_MISSING = object()


class TemplateError(Exception):
    """A template failed to load or render; the message names the template file and line."""


class _RenderTimeout(BaseException):
    """Raised by the render alarm; a BaseException so no ``except Exception`` inside Jinja eats it."""


_limits = threading.local()


def check_deadline() -> None:
    deadline = getattr(_limits, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _RenderTimeout()


class _time_limit:
    """Interrupt a runaway render (a loop that calls and prints nothing) with SIGALRM.

    Only possible in the main thread of a process; elsewhere the deadline is still checked on every
    call, concatenation, range step and output chunk. A class rather than a generator: a report arms
    it once per template, thirty times.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        if not self.armed:
            return
        self.previous = signal.signal(signal.SIGALRM, _on_alarm)
        self.started = time.monotonic()
        self.outer = signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 0.001))

    def __exit__(self, *exc: Any) -> None:
        if not self.armed:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        outer_delay, outer_interval = self.outer
        if outer_delay > 0:  # someone else's alarm was pending (a test timeout, a caller's limit): re-arm it
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - self.started), 0.001), outer_interval)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _RenderTimeout()


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
        check_deadline()
        yield number


_WIDTH = re.compile(r"%[-#0 +*]*(\d+)?(?:\.(\d+))?")
#: Built-in methods a template has no use for and that can allocate without bound.
_BLOCKED_METHODS = frozenset(["format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"])
#: Methods whose integer argument is a size to allocate; elsewhere (``xs.append(18000)``) it is data.
_SIZED_METHODS = _BLOCKED_METHODS | {"to_bytes"}
#: Plain containers and text, whose methods a template calls the most (``out.append``).
_CONTAINERS = frozenset([list, dict, set, str])
_GROWING_METHODS = frozenset(["append", "extend", "insert", "update", "setdefault", "add", "__setitem__"])


#: Jinja's own filters that read or rewrite text: facts go in as plain text, the result cites them.
_TEXT_FILTERS = frozenset([
    "capitalize", "center", "escape", "e", "forceescape", "format", "indent", "lower", "replace", "string",
    "striptags", "title", "trim", "truncate", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
])
#: Filters that only put values side by side: facts keep their own marks inside the result.
_JOINING_FILTERS = frozenset(["join"])


def _spend(amount: int) -> None:
    """Count what a compose allocates (items and characters); refuse past MAX_ALLOCATED in all.

    Each list is bounded by MAX_ITEMS and each text by MAX_OUTPUT_CHARS, but a template could still
    build thousands of them; this total is what keeps a compose's memory bounded.
    """
    total = getattr(_limits, "allocated", 0) + amount
    _limits.allocated = total
    if total > MAX_ALLOCATED:
        _refuse("模板生成的数据过多，超出内存上限：请检查循环")


def _traced(name: str, func: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """A filter that keeps provenance: ``text`` filters cite their inputs, ``join`` keeps inner marks."""

    if kind == "pass":
        return func

    if kind == "join":
        def traced(*args: Any, **kwargs: Any) -> Any:
            first = _first_value(args)
            if args and not isinstance(args[first], str):
                args = args[:first] + ([facts.marked(v) for v in args[first]],) + args[first + 1:]
            return func(*args, **kwargs)
    else:
        def traced(*args: Any, **kwargs: Any) -> Any:
            refs = facts.refs_in(args)
            if kwargs:
                refs += facts.refs_in(tuple(kwargs.values()))
                kwargs = {k: facts.plain(v) for k, v in kwargs.items()}
            result = func(*map(facts.plain, args), **kwargs)
            return facts.wrap(result, refs) if refs and isinstance(result, str) else result

    if hasattr(func, "jinja_pass_arg"):
        traced.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return traced


_JINJA_ARGUMENTS = (jinja2.runtime.Context, jinja2.Environment, jinja2.nodes.EvalContext)


def _first_value(args: tuple) -> int:
    """Index of a filter's value argument (after Jinja's context/environment argument, if any)."""
    for i, arg in enumerate(args):
        if not isinstance(arg, _JINJA_ARGUMENTS):
            return i
    return 0


def guard_filter(name: str, func: Callable[..., Any], builtin: bool = True, kind: str = "pass") -> Callable[..., Any]:
    """Wrap a filter: bounded int arguments (widths, counts) for Jinja's own, a bounded result for all,
    and provenance kept according to ``kind`` (``pass``, ``text`` or ``join``)."""
    func = _traced(name, func, kind)
    # Only Jinja's own filters take sizes as arguments, and only these three need their arguments read;
    # our filters (most calls) go straight to the call and the bound on its result.
    inspects = builtin or name in ("format", "join", "replace")

    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_deadline()
        if inspects:
            args = _checked_filter_args(name, builtin, args, kwargs)
        result = func(*args, **kwargs)
        size = _size(result)
        if size > MAX_OUTPUT_CHARS:
            _refuse(f"过滤器 {name} 生成的文字过长")
        _spend(size)
        return result

    for attr in ("jinja_pass_arg",):
        if hasattr(func, attr):
            setattr(guarded, attr, getattr(func, attr))
    return guarded


def _checked_filter_args(name: str, builtin: bool, args: tuple, kwargs: dict[str, Any]) -> tuple:
    """Refuse a filter call whose arguments would allocate without bound; ``join``'s items as a list."""
    # Jinja passes at most one argument of its own (context, environment), always first
    values = args[1:] if args and isinstance(args[0], _JINJA_ARGUMENTS) else args
    if builtin:
        for extra in (*values[1:], *kwargs.values()):
            if type(extra) is not bool and isinstance(extra, int) and abs(extra) > MAX_ARG:
                _refuse(f"过滤器 {name} 的参数过大")
    if name == "format" and values and isinstance(values[0], str):
        _check_format(values[0])
    if name == "join" and values:
        items = list(values[0])
        _check_join(items, values[1] if len(values) > 1 else kwargs.get("d", ""))
        args = tuple(items if a is values[0] else a for a in args)
    if name == "replace" and len(values) >= 3 and isinstance(values[0], str):
        _check_replace(values[0], values[1], values[2])
    return args


def _check_join(items: list, separator: Any) -> None:
    """The ``join`` filter and ``str.join`` alike: a bounded number of items and of characters."""
    if len(items) > MAX_ITEMS:
        _refuse("join 的条目过多")
    if len(items) * _size(separator) > MAX_OUTPUT_CHARS:
        _refuse("join 生成的文字过长")


def _check_replace(text: str, old: Any, new: Any) -> None:
    """The ``replace`` filter and ``str.replace`` alike: the text it could grow to stays bounded."""
    if text.count(str(old)) * len(str(new)) > MAX_OUTPUT_CHARS:
        _refuse("replace 生成的文字过长")


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


def _builtin_kind(name: str) -> str:
    return "text" if name in _TEXT_FILTERS else "join" if name in _JOINING_FILTERS else "pass"


class BoundedSandbox(SandboxedEnvironment):
    """A sandbox for user templates (``--templates``).

    Jinja's sandbox already refuses ``__class__``/``__globals__``/``_private`` attributes. On top of
    it: no globals that are not needed (``lipsum``, ``cycler``, ``joiner``, ``namespace``), ranges,
    containers, repetition, concatenation, powers, ``%`` widths and filter arguments are bounded,
    everything a compose allocates is counted, and a whole compose has a wall-clock budget.
    Printed and concatenated facts keep their provenance marks (``finalize``, ``bounded_concat``).
    """

    intercepted_binops = frozenset(["*", "**", "%", "+"])
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=facts.marked, **kwargs)
        for name in ("lipsum", "cycler", "joiner", "namespace"):
            self.globals.pop(name, None)
        self.globals["range"] = _bounded_range
        self.filters = {name: guard_filter(name, func, kind=_builtin_kind(name)) for name, func in self.filters.items()}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``record.field``, most of what templates look up, without the general path's checks.

        A Record's only attributes not starting with ``_`` are its fields, and a field holding plain
        data (``facts.DATA_TYPES``, no callables) is exactly what the general path would return.
        Anything else — a private name, a missing field, another type — takes the general path.
        """
        if type(obj) is facts.Record and not attribute.startswith("_"):
            value = obj._fields.get(attribute, _MISSING)
            if type(value) in facts.DATA_TYPES:
                return value
        elif type(obj) is list and attribute == "append":  # ``{% do out.append(x) %}``: a public method of a list
            return obj.append
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, (str, bytes)) and attr in _BLOCKED_METHODS:
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
        check_deadline()
        texts = [str(facts.marked(p)) for p in parts]
        size = sum(map(len, texts))
        if size > MAX_OUTPUT_CHARS:
            _refuse("拼接生成的文字过长")
        _spend(size)
        return "".join(texts)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        check_deadline()
        if type(__obj) is Macro:
            result = _call_macro(__context, __obj, args, kwargs)
        else:
            result = __self._call_other(__context, __obj, args, kwargs)
        size = _size(result)
        if size > MAX_OUTPUT_CHARS:
            _refuse("生成的文字过长")
        _spend(size)
        return result

    def _call_other(self, context: Any, obj: Any, args: tuple, kwargs: dict[str, Any]) -> Any:
        """Anything but a template's own macro: built-in methods are bounded, then the sandbox's checks."""
        owner = getattr(obj, "__self__", None)
        if isinstance(obj, types.BuiltinMethodType) and owner is not None and not isinstance(owner, types.ModuleType):
            if obj.__name__ in _SIZED_METHODS:
                for value in list(args) + list(kwargs.values()):
                    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARG:
                        _refuse(f"{obj.__name__} 的参数过大")
            if obj.__name__ in _GROWING_METHODS and isinstance(owner, (list, dict, set)):
                if len(owner) >= MAX_ITEMS:
                    _refuse(f"列表或字典的条目过多（最多 {MAX_ITEMS} 项）")
                _spend(_size(args[0]) if obj.__name__ in ("extend", "update") and args else 1)
            if obj.__name__ == "extend" and isinstance(owner, list) and args and len(owner) + _size(args[0]) > MAX_ITEMS:
                _refuse(f"列表的条目过多（最多 {MAX_ITEMS} 项）")
            if obj.__name__ == "replace" and isinstance(owner, str) and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
            if obj.__name__ == "join" and isinstance(owner, str) and args:
                items = list(args[0])
                _check_join(items, owner)
                args = ([facts.marked(v) for v in items],) + args[1:]
            if type(owner) in _CONTAINERS:
                # A built-in method cannot be marked unsafe or ask for the context: the sandbox's look-ups
                # for that would find nothing, so it is called as Jinja would, without them.
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
                return obj(*args, **kwargs)
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_deadline()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 64 or abs(left).bit_length() * max(right, 0) > 4096:
                _refuse("幂运算的结果过大")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, (str, list, tuple)):
                left, right = right, left
            if isinstance(left, (str, list, tuple)) and isinstance(right, int):
                if right * len(left) > 100_000:
                    _refuse("重复生成的文本过长")
                _spend(max(right, 0) * len(left))
            if isinstance(left, int) and isinstance(right, int) and abs(left).bit_length() + abs(right).bit_length() > 4096:
                _refuse("乘法的结果过大")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        if operator == "+":
            if _size(left) + _size(right) > MAX_OUTPUT_CHARS:
                _refuse("拼接生成的内容过长")
            _spend(_size(left) + _size(right))
        return super().call_binop(context, operator, left, right)


def _call_macro(context: Any, macro: Macro, args: tuple, kwargs: dict[str, Any]) -> Any:
    """A macro a template defined: what ``Context.call`` does for it, without the look-ups that find
    out whether an arbitrary callable wants the context passed (a macro never does) or is marked
    unsafe (a macro cannot be). Its body is template code and runs in this sandbox like any other."""
    kwargs.pop("_block_vars", None)
    kwargs.pop("_loop_vars", None)
    try:
        return macro(*args, **kwargs)
    except StopIteration:
        return context.environment.undefined("value was undefined because a callable raised a StopIteration exception")


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template within the compose's budget; any failure becomes a located TemplateError."""
    deadline = getattr(_limits, "deadline", None)
    if deadline is not None:  # inside a compose: its budget holds
        return _render_within(env, name, context, deadline)
    with budget() as deadline:
        return _render_within(env, name, context, deadline)


@contextlib.contextmanager
def budget(items: int = 0) -> Iterator[float]:
    """The render deadline of this thread: set by the outermost caller (one compose), shared inside.

    A long report legitimately takes longer, so the budget grows with the number of list items;
    a runaway template still stops in seconds on a report of ordinary size.
    """
    outer = getattr(_limits, "deadline", None)
    if outer is None:
        _limits.deadline = time.monotonic() + RENDER_SECONDS + items * SECONDS_PER_ITEM
        _limits.allocated = 0
    try:
        yield _limits.deadline
    finally:
        if outer is None:
            _limits.deadline = None


def _generate(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    chunks: list[str] = []
    size = 0
    for chunk in env.get_template(name).generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(f"模板 {name} 生成的文字过长（超过 {MAX_OUTPUT_CHARS} 字）：请检查循环")
        check_deadline()
        chunks.append(chunk)
    return "".join(chunks)


def _render_within(env: jinja2.Environment, name: str, context: dict[str, Any], deadline: float) -> str:
    try:
        try:
            with _time_limit(deadline - time.monotonic() + 0.5):  # the alarm backs up the checks
                check_deadline()
                text = _generate(env, name, context)
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

