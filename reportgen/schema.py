"""The JSON Schema of the input, generated from the models (never edited by hand)."""

from __future__ import annotations

import json

from .model import Report

SCHEMA_ID = "https://reportgen.invalid/schemas/report.schema.json"


def schema_text() -> str:
    schema = Report.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
