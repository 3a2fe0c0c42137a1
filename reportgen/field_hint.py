"""Which field a clerk meant when a key is not one of the model's.

People who write the data from the README guess names: an English word (frequency, cost, place), a
Chinese heading from the workbook or the schema (活动名称, 参与人数), or a misspelling (attendence). An
unknown key is refused, because a typo would silently drop data; naming the field they probably meant
turns that refusal into a one-word fix.
"""

from __future__ import annotations

import difflib
import re

#: English words people reach for, and the field that holds what they mean. Only used where the model at
#: that place has the field, so one word can point to different fields in different places.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "frequency": ("recurrence",), "freq": ("recurrence",), "repeat": ("recurrence",), "often": ("recurrence",),
    "count": ("times", "value"), "number": ("times", "value", "doc_no"), "amount": ("value", "spend"),
    "participants_count": ("attendance",), "people": ("attendance",), "persons": ("attendance",),
    "headcount": ("attendance",), "visitors": ("attendance",), "joined": ("attendance",),
    "cost": ("spend",), "money": ("spend", "money"), "budget": ("spend",), "funds": ("spend",), "expense": ("spend",),
    "place": ("location",), "venue": ("location",), "where": ("location",), "address": ("location",),
    "start": ("date",), "start_date": ("date", "start"), "begin": ("date", "start"), "day": ("date",),
    "end_date": ("end",), "finish": ("end",), "until": ("end",),
    "name": ("title", "label", "text"), "label": ("text", "title", "name"), "title": ("label", "name", "text"),
    "event": ("title",), "activity": ("title",),
    "description": ("content", "detail"), "desc": ("content", "detail"), "details": ("content", "detail"),
    "summary": ("content", "detail"), "text": ("content", "detail", "label"), "note": ("content", "detail", "text"),
    "result": ("outcome", "results"), "effect": ("outcome",), "effects": ("outcome",), "impact": ("outcome",),
    "category": ("theme", "kind"), "type": ("kind",), "area": ("theme",), "topic": ("theme",),
    "goal": ("target",), "plan": ("target",), "last_year": ("previous",), "prev": ("previous",),
    "unit_name": ("name",), "org": ("name",), "superiors": ("leadership",), "leaders": ("leadership",),
    "quarter_no": ("quarter",), "month_no": ("month",), "holiday": ("festival",),
    "organiser": ("organizer",), "host": ("organizer",), "partner": ("partners",), "cooperation": ("partners",),
    "who": ("participants",), "audience": ("participants",), "target_group": ("participants",),
}

_HEAD = re.compile(r"[，,（(；;：:、如]")


def _heading(description: str) -> str:
    """A field's Chinese name: its description up to the first comma or bracket (活动名称, 参与人数或人次)."""
    return _HEAD.split(description, 1)[0].strip()


def suggestion(path: tuple) -> str:
    """``是不是 recurrence（频次）？`` for an unknown key at ``path``, or "" when nothing is close."""
    if not path or not isinstance(path[-1], str):
        return ""
    from .workbook_layout import model_holding

    model = model_holding(path)
    if model is None:
        return ""
    key = path[-1]
    fields = {name: _heading(info.description or "") for name, info in model.model_fields.items()}
    lowered = key.strip().lower().replace("-", "_").replace(" ", "_")
    found = [name for name in SYNONYMS.get(lowered, ()) if name in fields][:2]
    if not found and lowered in fields:
        found = [lowered]  # Attendance, ATTENDANCE
    if not found:
        found = difflib.get_close_matches(lowered, list(fields), n=2, cutoff=0.75)
    if not found and not key.isascii():
        close = [name for name, heading in fields.items()
                 if heading and len(key) >= 2 and (key in heading or heading in key)]
        # 参与人数 names attendance (参与人数或人次) rather than attendance_approx (参与人数的约数说法)
        found = sorted(close, key=lambda name: (fields[name] != key, not fields[name].startswith(key),
                                                len(fields[name])))[:1]
    if not found:
        return ""
    named = " 还是 ".join(f"{name}（{fields[name]}）" if fields[name] else name for name in found)
    return f"是不是 {named}？"


def figure_hint(path: tuple, raw: object) -> str:
    """How to write a figure typed as a clerk writes it (100多人, 约3000份) in a YAML number field.

    The workbook reads such a cell whole; in YAML the number, its 约数 word and its measure word are
    separate keys, and the field's description names the forms, so say which keys take which part."""
    from .loaders.amounts import AmountError, parse
    from .workbook_layout import APPROXIMABLE, model_holding

    if not isinstance(raw, str) or not path or not isinstance(path[-1], str):
        return ""
    model = model_holding(path)
    companions = APPROXIMABLE.get((model, path[-1])) if model else None
    try:
        amount = parse(raw)
    except AmountError:
        return ""
    value = format(amount.value.normalize(), "f")
    keys = [f"{path[-1]}: {value}"]
    if amount.approx != "exact" and companions:
        keys.append(f"{companions.approx}: {amount.approx}")
    if amount.agg and companions and companions.agg:
        keys.append(f"{companions.agg}: {amount.agg}")
    if amount.unit and companions and companions.unit:
        keys.append(f"{companions.unit}: {amount.unit}")
    if len(keys) == 1 and value == raw.strip():
        return ""
    return f"请分开写成 {'，'.join(keys)}" if len(keys) > 1 else f"请写成 {keys[0]}"
