"""Hostile user templates (``--templates DIR``): they cannot read files or the environment, call
anything outside the sandbox, or run without bound. Each case ends with a located Chinese message,
exit 1, no output file, and quickly.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from fuzz_helpers import print_tally, EXAMPLES, assert_contract, files_in, run_cli
from reportgen.compose import TemplateError, compose, facts, sandbox
from reportgen.compose.report import Composer
from reportgen.compose.pack import load_pack
from reportgen.loaders import load_report

SECRET = "reportgen-secret-7f3a9c"

#: name → (template text, a fragment the message must contain)
HOSTILE = {
    # attribute tricks that reach Python internals
    "mro": ("{{ ''.__class__.__mro__ }}", "不允许"),
    "subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "不允许"),
    "cycler_globals": ("{{ cycler.__init__.__globals__ }}", "模板"),
    "joiner_globals": ("{{ joiner.__init__.__globals__.os }}", "模板"),
    "namespace": ("{% set n = namespace(a=1) %}{{ n }}", "不存在的变量"),
    "lipsum": ("{{ lipsum(1000, False, 100000, 10000000) }}", "不存在的变量"),
    "self_init": ("{{ self.__init__.__globals__ }}", "不允许"),
    "self_context": ("{{ self._TemplateReference__context.environment }}", "不允许"),
    "model_dict": ("{{ r.__dict__ }}", ("不允许", "不存在的变量")),
    "unit_dict": ("{{ unit.__dict__ }}", ("不允许", "不存在的变量")),
    "record_fields": ("{{ r._fields }}", "不允许"),
    # a Record's fields are read on a fast path (BoundedSandbox.getattr): its own dunders still take the checked one
    "record_class": ("{{ r.unit.__class__.__init__.__globals__ }}", "不允许"),
    "record_getattr": ("{{ r.__getattr__('_fields') }}", "不允许"),
    "record_item_fields": ("{{ r['_fields'] }}", "不允许"),
    # templates receive read-only records, not pydantic models: no model method exists to call
    "model_methods": ("{{ r.model_dump_json(indent=2) }}", "不存在的变量"),
    "model_copy": ("{{ r.model_copy() }}", "不存在的变量"),
    "parse_raw_pickle": ("{{ r.parse_raw('x', content_type='application/pickle', allow_pickle=True) }}", "不存在的变量"),
    "parse_file": ("{{ r.parse_file('/etc/passwd') }}", "不存在的变量"),
    "unit_parse_file": ("{{ unit.parse_file('/etc/passwd') }}", "不存在的变量"),
    "activity_copy": ("{{ r.activities[0].copy(update={}) }}", "不存在的变量"),
    "phrase_globals": ("{{ phrase.__globals__ }}", "不允许"),
    "phrase_closure": ("{{ phrase.__closure__ }}", "不允许"),
    "fact_ref": ("{{ unit.name._ref }}", "不允许"),
    "memory_many_lists": ("{% set keep = [] %}{% for i in range(2500) %}{% set l = [] %}{% for j in range(10000) %}{% do l.append(j) %}{% endfor %}{% do keep.append(l) %}{% endfor %}", ("内存", "超时")),
    "attr_filter": ("{{ ''|attr('__class__') }}", "不允许"),
    "format_class": ("{{ '{0.__class__}'.format('') }}", "不允许"),
    "percent_class": ("{{ '%s'|format(''.__class__) }}", "不允许"),
    "environ": ("{{ environ }}", "不存在的变量"),
    "os_module": ("{{ os.environ }}", "不存在的变量"),
    "config": ("{{ config.items() }}", "不存在的变量"),
    "import": ("{% import 'os' as os %}{{ os.environ }}", "找不到模板"),
    # files outside the template folders
    "include_passwd": ("{% include '/etc/passwd' %}", "找不到模板"),
    "include_dotdot": ("{% include '../../x' %}", "找不到模板"),
    "include_dotdot_passwd": ("{% include '../../../../../../../../etc/passwd' %}", "找不到模板"),
    "extends_passwd": ("{% extends '/etc/passwd' %}", "找不到模板"),
    # unbounded work
    "range_huge": ("{% for i in range(10**9) %}x{% endfor %}", "range"),
    "range_sum": ("{{ range(10**8)|sum }}", "range"),
    "repeat_huge": ("{{ 'x' * 10**9 }}", "过长"),
    "repeat_reversed": ("{{ 99999 * 'x' * 99999 }}", "过长"),
    "list_repeat": ("{{ ([1] * 99999) * 99999 }}", "过长"),
    "concat_doubling": ("{% set a = 'x' * 99999 %}" + "{% set a = a ~ a %}" * 16 + "{{ a|length }}", "过长"),
    "plus_doubling": ("{% set a = 'x' * 99999 %}" + "{% set a = a + a %}" * 16 + "{{ a|length }}", "过长"),
    "macro_doubling": ("{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('x') }}", "过长"),
    "recursive_macro": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "递归过深"),
    "power_tower": ("{{ 9**9**9**9**9 }}", "过大"),
    "power_chain": ("{% set a = 9**64 %}{% set a = a**64 %}{% set a = a**64 %}{{ a }}", "过大"),
    "int_product": ("{% set a = 10**60 %}{{ " + "*".join(["a"] * 80) + " }}", "过大"),
    "center_huge": ("{{ ''|center(10**9) }}", "参数过大"),
    "indent_huge": ("{{ 'x\ny'|indent(10**9) }}", "参数过大"),
    "ljust_huge": ("{{ ''.ljust(10**9) }}", "不允许"),
    "format_width": ("{{ '%1000000000s'|format('x') }}", "宽度"),
    "percent_width": ("{{ '%1000000000s' % 'x' }}", "宽度"),
    "str_format_width": ("{{ '{:1000000000}'.format('x') }}", "str.format"),
    "replace_filter": ("{% set a = 'x' * 90000 %}{{ a|replace('x', a) }}", "过长"),
    "replace_method": ("{% set a = 'x' * 90000 %}{{ a.replace('x', a) }}", "过长"),
    "join_huge": ("{{ range(10000)|join('x' * 99999) }}", "过长"),
    "batch_fill": ("{{ [1]|batch(10**9, 'x')|list|length }}", "参数过大"),
    "slice_huge": ("{{ [1]|slice(10**9)|list|length }}", "参数过大"),
    "self_growing_list": ("{% set l = [1] %}{% for x in l %}{% do l.append(x) %}{% endfor %}", ("条目过多", "超时")),
    "output_flood": ("{% for i in range(10000) %}{% for j in range(10000) %}xxxxxxxxxx{% endfor %}{% endfor %}", "过长"),
}

#: Loops that call and print nothing: only the render time limit stops them.
SLOW = {
    "nested_ranges": "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}",
    "nested_lists": "{% set l = range(10000)|list %}{% for i in l %}{% for j in l %}{% for k in l %}{% endfor %}{% endfor %}{% endfor %}",
}


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    source = tmp_path / "in" / "minimal.yaml"
    source.parent.mkdir()
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    return source


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)


def _pack(tmp_path: Path, text: str, name: str = "opening.j2") -> Path:
    folder = tmp_path / "tpl"
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return folder


def _build(tmp_path: Path, source: Path, templates: Path):
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", source, "-o", out, "--templates", templates)
    return result, time.monotonic() - started, out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_template_is_refused_with_a_located_message(case, tmp_path, minimal, quick, monkeypatch):
    monkeypatch.setenv("REPORTGEN_SECRET", SECRET)
    text, expected = HOSTILE[case]
    result, seconds, out = _build(tmp_path, minimal, _pack(tmp_path, text))
    message = assert_contract(result)
    assert result.exit_code == 1, message
    assert "opening.j2" in message, message  # located: the template file (and line where known)
    assert any(e in message for e in ((expected,) if isinstance(expected, str) else expected)), message
    assert SECRET not in message and "root:" not in message
    assert files_in(out) == [], "a failed build must not write any file"
    assert seconds < 5, f"{case} took {seconds:.1f}s"


@pytest.mark.parametrize("case", sorted(SLOW))
def test_runaway_loop_is_stopped_by_the_time_limit(case, tmp_path, minimal, quick):
    result, seconds, out = _build(tmp_path, minimal, _pack(tmp_path, SLOW[case]))
    message = assert_contract(result)
    assert result.exit_code == 1 and "opening.j2" in message and "超时" in message, message
    assert files_in(out) == []
    assert seconds < 4, f"{case} took {seconds:.1f}s"


def test_time_limit_also_holds_outside_the_main_thread(tmp_path, quick):
    """No SIGALRM in a worker thread: the cooperative checks (calls, ranges, output) still stop it."""
    report, _ = load_report(EXAMPLES / "minimal.yaml")
    folder = _pack(tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            compose(report, folder)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "render in a thread did not stop"
    assert isinstance(outcome[0], TemplateError) and "超时" in str(outcome[0]), outcome
    assert time.monotonic() - started < 5


def test_symlink_out_of_the_template_folder_is_not_followed(tmp_path, minimal):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "opening.j2").symlink_to(secret)
    (folder / "leak.j2").symlink_to(secret)
    result, _, out = _build(tmp_path, minimal, folder)
    message = assert_contract(result)
    assert result.exit_code == 1 and "opening.j2" in message and SECRET not in message, message
    assert files_in(out) == []
    # included from a regular template: same refusal
    (folder / "opening.j2").unlink()
    (folder / "opening.j2").write_text("{% include 'leak.j2' %}", encoding="utf-8")
    result, _, out = _build(tmp_path, minimal, folder)
    message = assert_contract(result)
    assert result.exit_code == 1 and "leak.j2" in message and SECRET not in message, message


def test_environment_variables_do_not_reach_the_output(tmp_path, monkeypatch):
    """Every route a template could try to an env var: none renders the secret."""
    monkeypatch.setenv("REPORTGEN_SECRET", SECRET)
    report, _ = load_report(EXAMPLES / "minimal.yaml")
    attempts = [
        "{{ r.__class__.__init__.__globals__['os'].environ }}",
        "{{ phrase.__globals__['os'].environ['REPORTGEN_SECRET'] }}",
        "{{ (phrase|attr('__globals__'))['os'] }}",
        "{{ self._TemplateReference__context.environment.globals }}",
        "{{ range.__globals__ }}",
        "{{ ''.__class__.__base__.__subclasses__() }}",
        "{% for k, v in r.model_dump().items() %}{{ k }}{% endfor %}",
    ]
    for text in attempts:
        with pytest.raises(TemplateError) as caught:
            compose(report, _pack(tmp_path, text))
        assert SECRET not in str(caught.value)
        assert "opening.j2" in str(caught.value)


def test_ordinary_template_features_still_work(tmp_path):
    """The bounds leave room for what real templates do: loops, ranges, lists, dicts, filters."""
    report, _ = load_report(EXAMPLES / "minimal.yaml")
    text = (
        "{% set items = [] %}{% set seen = {} %}"
        "{% for a in r.activities %}{% do items.append(a.title) %}{% do seen.update({a.theme: loop.index}) %}{% endfor %}"
        "{{ me }}开展{{ items | series }}等{{ items | length }}项活动，"
        "{% for i in range(3) %}{{ i }}{% endfor %}{{ ('x' * 3) ~ ('%05.1f' % 2.5) }}{{ 2 ** 10 }}{{ seen | length }}。"
    )
    document = compose(report, _pack(tmp_path, text))
    first = "".join(run.text for run in document.blocks[0].runs)
    assert first.startswith("我社区开展") and "012xxx002.510243" in first.replace("，", "").replace("。", ""), first


def test_standard_pack_renders_every_example_within_the_bounds():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        report, _ = load_report(path)
        document = compose(report)
        assert document.blocks, path


#: What a template may call on the data it receives: the value types' own methods, nothing else.
_ALLOWED_OWNERS = (str, int, float, Decimal, dt.date, tuple, dict, bool, type(None))


def test_every_attribute_reachable_from_the_template_context_is_inert():
    """Walk everything a template can reach (every public attribute the sandbox allows, recursively):
    nothing is a model, and every callable is a method of a plain value type — none reads files,
    imports or deserialises."""
    import inspect

    from pydantic import BaseModel

    env = load_pack().env
    for path in sorted(EXAMPLES.glob("*.yaml")):
        report, _ = load_report(path)
        composer = Composer(report, load_pack(), None)
        context = composer.context(composer.theme_scope(report.activities[0].theme if report.activities else "组织领导"))
        seen: set[int] = set()
        stack = list(context.values())
        while stack:
            value = stack.pop()
            if id(value) in seen:
                continue
            seen.add(id(value))
            assert not isinstance(value, BaseModel), f"{path.name}: a model reaches templates: {value!r}"
            if isinstance(value, facts.Record):
                stack.extend(value._fields.values())
                continue
            if isinstance(value, (tuple, list)):
                stack.extend(value)
                continue
            if callable(value) and not isinstance(value, type):
                owner = getattr(value, "__self__", None)
                assert value is context["phrase"] or isinstance(owner, _ALLOWED_OWNERS), f"callable {value!r}"
                continue
            for name in dir(value):
                if name.startswith("_"):
                    continue
                try:
                    attr = getattr(value, name)
                except Exception:  # noqa: BLE001 — properties that need arguments are not reachable either
                    continue
                if not env.is_safe_attribute(value, name, attr):
                    continue
                if callable(attr):
                    owner = getattr(attr, "__self__", None)
                    assert isinstance(owner, _ALLOWED_OWNERS) or inspect.isbuiltin(attr), f"{path.name}: {type(value).__name__}.{name}"
                elif not isinstance(attr, (str, int, float, Decimal, dt.date)):
                    stack.append(attr)
        assert "r" in context and isinstance(context["r"], facts.Record)


def test_globals_filters_and_tests_are_only_the_bounded_ones():
    """Besides the context, a template reaches the environment's globals, filters and tests: every
    one is a bounded wrapper from the sandbox, a Jinja test or an operator — no loader, no import,
    no file or pickle function is among them (and the ones Jinja adds by default are removed)."""
    import builtins
    import operator

    env = load_pack().env
    assert set(env.globals) == {"range", "dict"}
    assert env.globals["range"] is sandbox._bounded_range and env.globals["dict"] is dict
    assert {getattr(f, "__module__", None) for f in env.filters.values()} == {"reportgen.compose.sandbox"}
    for name, test in env.tests.items():
        module = getattr(test, "__module__", None)
        assert module == "jinja2.tests" or test in vars(operator).values() or test in vars(builtins).values(), name
    dangerous = {open, eval, exec, __import__, getattr, compile}
    assert not dangerous & set(env.tests.values()), "a test function that reaches files or code"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX only")
def test_manifest_symlink_out_of_the_folder_is_refused(tmp_path, minimal):
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"order: [{SECRET}]\n", encoding="utf-8")
    folder = _pack(tmp_path, "{{ me }}")
    (folder / "manifest.yaml").symlink_to(secret)
    result, _, out = _build(tmp_path, minimal, folder)
    message = assert_contract(result)
    assert result.exit_code == 1 and "manifest.yaml" in message and SECRET not in message, message
    assert files_in(out) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX only")
def test_manifest_override_that_is_not_a_mapping_is_refused(tmp_path, minimal):
    folder = _pack(tmp_path, "{{ me }}")
    for text in ("- 1\n- 2\n", "order: 5\n", "a: &a [*a]\n", "{{{"):
        (folder / "manifest.yaml").write_text(text, encoding="utf-8")
        result, _, out = _build(tmp_path, minimal, folder)
        message = assert_contract(result)
        assert result.exit_code == 1 and "manifest.yaml" in message, message
        assert files_in(out) == []


def test_an_outer_alarm_survives_a_render(tmp_path):
    """The render limit borrows SIGALRM; a caller's pending alarm is re-armed afterwards."""
    import signal as signals

    if not hasattr(signals, "setitimer"):
        pytest.skip("no setitimer")
    fired: list[int] = []
    previous = signals.signal(signals.SIGALRM, lambda *_: fired.append(1))
    try:
        signals.setitimer(signals.ITIMER_REAL, 30)
        report, _ = load_report(EXAMPLES / "minimal.yaml")
        compose(report)
        remaining, _ = signals.getitimer(signals.ITIMER_REAL)
        assert 0 < remaining <= 30, remaining
        assert signals.getsignal(signals.SIGALRM) is not signals.SIG_DFL
    finally:
        signals.setitimer(signals.ITIMER_REAL, 0)
        signals.signal(signals.SIGALRM, previous)
    assert fired == []


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    print_tally("test_sandbox")
