"""The committed JSON Schema must match the models; editors read it through the examples' schema line."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from reportgen.model import Report
from reportgen.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "report.schema.json"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_committed_schema_is_up_to_date():
    committed = SCHEMA.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "schemas/report.schema.json is out of date: run `reportgen schema > schemas/report.schema.json`"
    )


def test_schema_is_json_with_the_report_fields():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(Report.model_fields)
    assert set(schema["required"]) == {"unit", "period"}
    # Chinese descriptions reach the editor's tooltips.
    assert "单位类型" in schema["$defs"]["Unit"]["properties"]["type"]["description"]


def test_every_definition_forbids_unknown_keys():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    objects = {name: d for name, d in schema["$defs"].items() if d.get("type") == "object"}
    assert objects, "no object definitions found"
    for name, definition in objects.items():
        assert definition.get("additionalProperties") is False, name


def test_examples_point_at_the_schema():
    assert len(EXAMPLES) >= 4
    for path in EXAMPLES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/report.schema.json", path.name


def _keys_known(data, schema_node, defs, where):
    """Every key used in an example is a property the schema declares (a light structural check)."""
    if "$ref" in schema_node:
        schema_node = defs[schema_node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema_node:
        for option in schema_node["anyOf"]:
            resolved = defs[option["$ref"].rsplit("/", 1)[1]] if "$ref" in option else option
            if isinstance(data, dict) and resolved.get("type") == "object":
                return _keys_known(data, resolved, defs, where)
            if isinstance(data, list) and resolved.get("type") == "array":
                return _keys_known(data, resolved, defs, where)
        return
    if isinstance(data, dict) and "properties" in schema_node:
        for key, value in data.items():
            assert key in schema_node["properties"], f"{where}.{key} is not in the schema"
            _keys_known(value, schema_node["properties"][key], defs, f"{where}.{key}")
    elif isinstance(data, list) and "items" in schema_node:
        for i, item in enumerate(data):
            _keys_known(item, schema_node["items"], defs, f"{where}[{i}]")


def test_example_keys_are_declared_in_the_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for path in EXAMPLES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _keys_known(data, schema, schema["$defs"], path.name)
