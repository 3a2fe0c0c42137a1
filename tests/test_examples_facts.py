"""Every structured value an example gives reaches its report.

The walk goes over the input file itself, not the model, so a field the composer forgets (or a new field
no template reads yet) fails here: each number with its 约数 marker and measure word, and each name and
title, must be found in the Markdown the build writes. A fact typed into the data and lost on the way
is the defect clerks notice last.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from reportgen import zh
from reportgen.compose import compose, load_pack
from reportgen.loaders import load
from reportgen.model import _title_text
from reportgen.writers import markdown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PACK = load_pack()

#: Keys whose text value names something the report must mention.
NAMES = {"name", "title", "label", "role", "standard", "ideology", "goals", "occasion", "subdivisions", "area"}
#: Keys that hold text used elsewhere than the body: ids, codes, the workbook's own columns, hints.
NOT_TEXT = {"key", "id", "base", "addresses", "theme", "themes", "kind", "type", "style", "list_style",
            "verb", "level", "relation", "festival", "approx", "agg", "owner", "evidence", "note",
            "target_source", "headings", "alias", "short_name", "city", "region", "issuer", "doc_no",
            "recurrence", "location", "organizer", "content", "outcome", "detail", "description", "members",
            "office", "recipient", "awarder", "partners", "participants", "unit", "frequency"}
#: Numbers told with the measure word of a sibling field, e.g. attendance in 人次.
COUNTED = {"attendance": ("attendance_unit", "attendance_approx", "人次"), "spend": (None, "spend_approx", "元")}
#: Plain whole numbers the text gives as digits with a word that varies by sentence (户, 人, 次, 份).
DIGITS = {"households", "population", "staff", "participants", "meetings", "times", "parties"}


def _expected(data: Any, path: tuple = ()) -> Iterator[tuple[str, str]]:
    """(where, text) pairs: each value in the input with the form the report must show it in."""
    if isinstance(data, dict):
        if "value" in data and "unit" in data and "value" not in NOT_TEXT:
            figure = zh.qty(Decimal(str(data["value"])), data["unit"], data.get("approx", "exact"))
            yield _where(path, "value"), figure
        for key, value in data.items():
            where = _where(path, key)
            if key in COUNTED and value is not None:
                unit_key, approx_key, default_unit = COUNTED[key]
                unit = data.get(unit_key, default_unit) if unit_key else default_unit
                yield where, zh.qty(Decimal(str(value)), unit, data.get(approx_key, "exact"))
            elif key in DIGITS and isinstance(value, int) and not isinstance(value, bool):
                yield where, str(value)
            elif key in NAMES and isinstance(value, str):
                yield where, _title_text(value).strip("“”\"")
            elif key in NAMES and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        yield f"{where}[{i}]", item
                    else:
                        yield from _expected(item, (*path, key, i))
            elif key not in NOT_TEXT and isinstance(value, (dict, list)):
                yield from _expected(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _expected(item, (*path, i))


def _where(path: tuple, key: str) -> str:
    return ".".join(map(str, (*path, key)))


def _told(value: str, sentences: list[str]) -> bool:
    """The value stands in one sentence, whole or with one insertion (a title's place or time goes before
    its verb: “服务中心启用” is told as “服务中心在门诊大厅启用”)."""
    for sentence in sentences:
        if value in sentence:
            return True
        for cut in range(2, len(value) - 1):
            head, tail = value[:cut], value[cut:]
            at = sentence.find(head)
            if at >= 0 and tail in sentence[at + len(head):at + len(head) + 12 + len(tail)]:
                return True
    return False


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_structured_value_of_the_example_is_in_its_report(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    loaded = load(path)
    text = markdown.render(compose(loaded.report, pack=PACK, source=loaded.source))
    flat = text.replace("\n", "").replace("*", "")
    expected = list(_expected(data))
    assert len(expected) > 5, "the walk found almost nothing: check the key lists above"
    sentences = flat.replace("！", "。").split("。")
    missing = [f"{where}: {value}" for where, value in expected if not _told(value, sentences)]
    assert not missing, f"{path.name}: values not in the report:\n" + "\n".join(missing)
