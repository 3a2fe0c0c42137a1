"""The JSON Schema an editor checks against and ``reportgen validate`` must agree.

A clerk whose editor shows no red line under a value must not then be refused by ``validate`` for the
value's type, and a value ``validate`` accepts must not be underlined in the editor. Each case takes an
example, replaces one value somewhere in it with a value of another shape, writes it as YAML, and reads
it back as ``reportgen validate`` does. Rules that relate several fields (parts adding up, dates inside
the period) cannot be told by a schema, so the only direction checked against them is "validate
accepts ⇒ the schema accepts"; the other direction is checked for the schema's type and shape checks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydantic import ValidationError

from reportgen.errors import InputError
from reportgen.loaders import validate_data
from reportgen.loaders.yaml_loader import load_yaml
from reportgen.model import Report

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
EXAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.yaml"))}

#: Values of every shape a clerk might type where another was expected.
REPLACEMENTS = st.one_of(
    st.integers(min_value=-5, max_value=10**13),
    st.decimals(min_value=-10, max_value=10**6, allow_nan=False, allow_infinity=False, places=2).map(float),
    st.sampled_from([
        "", "12", "1,200", "约100", "100多人", "abc", "2024-06-05", "2024-13-01", "2024-06", "2024",
        "是", "否", "true", "null", "全年", "上半年", "社区", "文明城市", "省级", "余", "exact", "人次",
        "共", "a-b_1", "1a", "x" * 201, "2024年6月5日",
    ]),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2110, 12, 31)),
    st.just([]),
    st.just({}),
    st.just(["一项"]),
    st.just({"label": "x"}),
)


def _leaves(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path into the data: containers and scalars alike, so whole lists and objects get replaced too."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _leaves(value, (*path, index))
    return found


def _replaced(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replaced(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replaced(v, rest, value) if i == head else v) for i, v in enumerate(data)]


def _as_editor_sees(data: Any) -> Any:
    """YAML dates are strings to a JSON Schema checker (yaml-language-server reads them so)."""
    if isinstance(data, dict):
        return {k: _as_editor_sees(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_editor_sees(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


#: pydantic error types that say a value has the wrong type or shape (not that it is too big, too long,
#: or breaks a cross-field rule): the schema must refuse these too.
PYDANTIC_SHAPE_ERRORS = ("_type", "_parsing", "literal_error", "enum", "missing", "extra_forbidden", "bool_parsing")


def _read(text: str, tmp: Path) -> tuple[Any, Any]:
    path = tmp / "x.yaml"
    return load_yaml(path, text=text)


def _validate_accepts(data: Any, source: Any) -> bool:
    """What ``reportgen validate`` decides: the data checks and the rules that relate several fields."""
    try:
        validate_data(data, source)
    except InputError:
        return False
    return True


def _model_shape_errors(data: Any) -> list[str]:
    try:
        Report.model_validate(data)
    except ValidationError as exc:
        return [f"{e['loc']}: {e['type']}" for e in exc.errors() if e["type"].endswith(PYDANTIC_SHAPE_ERRORS)]
    return []


def _is_shape_error(error: jsonschema.ValidationError) -> bool:
    """A schema refusal for type or shape; an anyOf counts when no branch failed on a mere bound or pattern."""
    if error.validator in ("anyOf", "oneOf"):
        return all(_is_shape_error(sub) for sub in error.context or [])
    return error.validator in ("type", "enum", "const", "required", "additionalProperties")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(EXAMPLES)), pick=st.integers(min_value=0), value=REPLACEMENTS)
def test_validate_and_the_schema_agree_on_one_changed_value(tmp_path: Path, name: str, pick: int, value: Any):
    original = yaml.safe_load(EXAMPLES[name])
    paths = _leaves(original)
    path = paths[pick % len(paths)]
    text = yaml.safe_dump(_replaced(original, path, value), allow_unicode=True, sort_keys=False)
    data, source = _read(text, tmp_path)
    schema_errors = list(VALIDATOR.iter_errors(_as_editor_sees(data)))
    told = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema_errors]
    case = f"{name}: {'.'.join(map(str, path))} = {value!r}"
    if _validate_accepts(data, source):
        assert not schema_errors, f"{case}: validate accepts it, the editor's schema refuses it: {told}"
    if any(_is_shape_error(e) for e in schema_errors):
        assert _model_shape_errors(data) or not _validate_accepts(data, source), (
            f"{case}: the schema refuses its type, validate accepts it: {told}"
        )
    shape_errors = _model_shape_errors(data)
    if shape_errors:
        assert schema_errors, f"{case}: the schema accepts it, validate refuses its type: {shape_errors}"


def test_every_example_passes_both():
    for name, text in EXAMPLES.items():
        data = yaml.safe_load(text)
        assert not list(VALIDATOR.iter_errors(_as_editor_sees(data))), name
