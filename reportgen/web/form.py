"""The report form, derived from the model through the workbook layout.

Labels, hints, dropdown choices and which fields are required come from ``workbook_layout`` (itself
derived from ``model.py``), so the form, the fill-in workbook and the JSON Schema cannot drift apart.
This module only decides how the pieces are grouped on the page and converts between form fields
(named like ``activities[2].quantities[0].value``, the same paths the validation messages use) and
plain report data.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Iterable


from .. import dates
from .. import model as m
from .. import workbook_layout as L
from ..errors import format_path

Path = tuple[str | int, ...]

#: Fields shown as a multi-line box: the model gives them the long text limit.
_LONG_LIMIT = 200


@dataclass(frozen=True)
class Field:
    """One input: its model field name, Chinese label and hint, and how its value is typed."""

    key: str
    label: str
    hint: str
    kind: L.Kind
    required: bool = False
    long: bool = False
    more: bool = False  # shown under 更多 (a ledger's supplementary columns)
    suggest: tuple[str, ...] = ()

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(stored value, shown text) pairs; the model's English literals are shown in Chinese."""
        return [(c, L.DISPLAY.get(c, c)) for c in self.kind.choices]

    @property
    def widget(self) -> str:
        if self.kind.name in ("choice", "bool"):
            return "select"
        if self.kind.name in ("list", "choicelist") or self.long:
            return "textarea"
        if self.kind.partial:  # 2024-08 or 2023 must be typeable: a date picker would drop them
            return "text"
        return {"date": "date", "int": "number", "decimal": "decimal"}.get(self.kind.name, "text")


@dataclass(frozen=True)
class ListSpec:
    """A list of items (activities, metrics…) with the fields of one item and its own nested lists."""

    key: str
    title: str
    fields: tuple[Field, ...]
    children: tuple["ListSpec", ...] = ()
    item_label: str = "条目"  # what one item is called: 添加活动, 活动 2


@dataclass(frozen=True)
class Section:
    """A box on the page: scalar fields (each with its full path) and lists under one heading."""

    title: str
    fields: tuple[tuple[Path, Field], ...] = ()
    lists: tuple[tuple[Path, ListSpec], ...] = ()


# ---------------------------------------------------------------- the spec


def _model_field(path: tuple[str, ...]) -> Any:
    """The pydantic FieldInfo at a path of Report (lists and optionals unwrapped)."""
    return L.model_holding(path).model_fields[path[-1]]


def _is_long(info: Any) -> bool:
    limits = [getattr(meta, "max_length", None) for meta in _metadata(info.annotation)]
    return any(limit and limit > _LONG_LIMIT for limit in limits)


def _metadata(annotation: Any) -> list[Any]:
    found: list[Any] = []
    for arg in typing.get_args(annotation) or ():
        found.extend(_metadata(arg))
    found.extend(getattr(annotation, "__metadata__", ()))
    return found


def _columns(sheet: L.TableSheet) -> tuple[Field, ...]:
    fields = []
    for column in sheet.columns:
        if not column.is_field:
            continue
        info = sheet.model.model_fields[column.key]
        fields.append(Field(column.key, column.header, column.hint, column.kind, column.required,
                            _is_long(info), not column.printed, column.suggest))
    return tuple(fields)


def _parts() -> ListSpec:
    """A metric's 其中 rows: not a workbook column, so labelled from the model's descriptions."""
    fields = tuple(
        Field(name, info.description or name, "", L.kind_of(info.annotation), info.is_required())
        for name, info in m.Part.model_fields.items()
    )
    return ListSpec("parts", "其中（各分项）", fields, item_label="分项")


def _list(sheet: L.TableSheet, children: tuple[ListSpec, ...] = (), item_label: str = "条目") -> ListSpec:
    return ListSpec(sheet.path[-1], sheet.title, _columns(sheet), children, item_label)


_QUANTITIES = ListSpec("quantities", "数量", _columns(L.QUANTITIES), item_label="数量")

#: Page order: the 单位信息 groups with the lists that belong to them, then the ledgers.
_LAYOUT: tuple[tuple[str, tuple[tuple[L.TableSheet, tuple[ListSpec, ...], str], ...]], ...] = (
    ("单位", ()), ("期间", ()), ("文稿", ()), ("单位概况", ((L.PROFILE_FIGURES, (), "数字"),)), ("创建活动", ()),
    ("依据", ((L.SUPERIORS, (), "上级机关"), (L.DOCUMENTS, (), "文件"), (L.MEETINGS, (), "会议"))),
    ("领导小组", ((L.DEPUTIES, (), "副组长"), (L.POSTS, (), "其他职务"))),
    ("活动台账", ((L.ACTIVITIES, (_QUANTITIES,), "活动"),)),
    ("指标完成情况", ((L.METRICS, (_parts(),), "指标"),)),
    ("成效与节点", ((L.RESULTS, (), "成效"),)),
    ("制度机制", ((L.MECHANISMS, (), "制度"),)),
    ("荣誉称号", ((L.HONOURS, (), "荣誉"),)),
    ("存在问题", ((L.PROBLEMS, (), "问题"),)),
    ("下一步打算", ((L.PLANS, (), "打算"),)),
    ("意见和建议", ((L.REQUESTS, (), "建议"),)),
    ("结尾与落款", ()),
    ("版式", ((L.HEADINGS, (), "标题"),)),
)


def _sections() -> tuple[Section, ...]:
    by_group: dict[str, list[tuple[Path, Field]]] = {}
    for row in L.INFO_ROWS:
        info = _model_field(row.path)
        by_group.setdefault(row.group, []).append(
            (row.path, Field(row.path[-1], row.label, row.hint, row.kind, row.required, _is_long(info))))
    sections = []
    for title, sheets in _LAYOUT:
        lists = tuple((sheet.path, _list(sheet, children, label)) for sheet, children, label in sheets)
        sections.append(Section(title, tuple(by_group.pop(title, ())), lists))
    # A group added to the layout of the workbook still reaches the form.
    sections.extend(Section(title, tuple(rows)) for title, rows in by_group.items())
    return tuple(sections)


SECTIONS: tuple[Section, ...] = _sections()


def _field_index() -> dict[str, Field]:
    """Generic field path (``activities.*.quantities.*.value``) → Field, for reading posted values."""
    index: dict[str, Field] = {}

    def add_list(prefix: str, spec: ListSpec) -> None:
        for f in spec.fields:
            index[f"{prefix}.*.{f.key}"] = f
        for child in spec.children:
            add_list(f"{prefix}.*.{child.key}", child)

    for section in SECTIONS:
        for path, f in section.fields:
            index[".".join(map(str, path))] = f
        for path, spec in section.lists:
            add_list(".".join(map(str, path)), spec)
    return index


FIELDS = _field_index()

# ---------------------------------------------------------------- values: data ↔ text


def shown(f: Field, value: Any) -> str:
    """A data value as the text of its input."""
    if value is None:
        return ""
    if f.kind.name == "bool":
        return "true" if value else "false"
    if f.kind.name in ("list", "choicelist"):
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if f.kind.name in ("keylist", "numberlist"):
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()[:10]
    if isinstance(value, dt.date):
        return dates.iso(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")


def typed(f: Field, text: str) -> Any:
    """Form text → the value written to YAML. Text that does not fit the type is kept as typed,
    so validation names the field instead of the value silently vanishing."""
    text = text.strip().replace("，", ",") if f.kind.name in ("int", "decimal") else text.strip()
    if not text:
        return None
    kind = f.kind.name
    if kind == "int" and _INT.fullmatch(text):
        return int(text)
    if kind == "decimal" and _DECIMAL.fullmatch(text.replace(",", "")):
        number = text.replace(",", "")
        return int(number) if _INT.fullmatch(number) else float(number)
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        if f.kind.partial and re.fullmatch(r"\d{4}", text):
            return int(text)  # a year, written to YAML as 2023 like a clerk would
        return text
    if kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if kind in ("list", "choicelist"):
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "numberlist":
        numbers = [part for part in re.split(r"[、，；;\s]+|,(?!\d{3}(?!\d))", text) if part]
        return [int(n) if _INT.fullmatch(n) else float(n) if _DECIMAL.fullmatch(n) else n
                for n in (p.replace(",", "") for p in numbers)]
    if kind == "keylist":
        return [part for part in re.split(r"[,，、;；\s]+", text) if part]
    if kind == "text" and f.long:
        return text.replace("\r\n", "\n")
    return text


# ---------------------------------------------------------------- posted form → data


@dataclass
class Posted:
    """Report data read from a posted form, and how its list items map back to the page.

    Items the user removed leave gaps in the numbering, and empty items are dropped, so the data's
    ``activities[2]`` may be the page's ``activities[5]``; ``positions`` records that, and
    ``origins`` which item of the file each one was opened from (None for a new item).
    """

    data: dict[str, Any]
    positions: dict[Path, list[int]] = field(default_factory=dict)
    origins: dict[Path, list[int | None]] = field(default_factory=dict)

    def form_name(self, path: Path) -> str:
        """A data path (from a validation message) as the name of the input it concerns."""
        result: list[str | int] = []
        for i, part in enumerate(path):
            if isinstance(part, int):
                places = self.positions.get(tuple(path[:i]), [])
                part = places[part] if part < len(places) else part
            result.append(part)
        return format_path(tuple(result))


_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_name(name: str) -> Path | None:
    """``activities[2].date`` → ('activities', 2, 'date'); None for anything else."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(name):
        if name[pos] == "." and parts:
            pos += 1
        found = _TOKEN.match(name, pos)
        if not found:
            return None
        parts.append(found.group(1) if found.group(1) is not None else int(found.group(2)))
        pos = found.end()
    return tuple(parts) or None


def _generic(path: Path) -> str:
    return ".".join("*" if isinstance(p, int) else p for p in path)


def parse(items: Iterable[tuple[str, str]]) -> Posted:
    """Posted (name, value) pairs → report data. Names that are not form fields are ignored."""
    tree: dict[Any, Any] = {}
    origin_marks: dict[Path, str] = {}
    for name, raw in items:
        path = parse_name(name)
        if not path:
            continue
        if path[-1] == "orig_":
            origin_marks[path[:-1]] = raw
            continue
        f = FIELDS.get(_generic(path))
        if f is None:
            continue
        value = typed(f, raw if isinstance(raw, str) else "")
        if value is None:
            continue
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    posted = Posted({})
    posted.data = _compact(tree, (), (), posted, origin_marks)
    headings = posted.data.get("headings")
    if isinstance(headings, list):  # a dict in the model, rows on the page
        posted.data["headings"] = {row.get("theme", ""): row.get("title", "") for row in headings}
    return posted


def _compact(node: dict, data_path: Path, form_path: Path, posted: Posted, marks: dict[Path, str]) -> Any:
    """Nested dicts with int keys → lists without gaps; record where each item stood on the page."""
    if node and all(isinstance(k, int) for k in node):
        items, places, origins = [], [], []
        for index in sorted(node):
            value = _compact(node[index], data_path + (len(items),), form_path + (index,), posted, marks)
            if value:
                items.append(value)
                places.append(index)
                mark = marks.get(form_path + (index,), "")
                origins.append(int(mark) if mark.isdigit() else None)
        posted.positions[data_path] = places
        posted.origins[data_path] = origins
        return items
    result = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _compact(value, data_path + (key,), form_path + (key,), posted, marks)
            if not value:
                continue
        result[key] = value
    return result


# ---------------------------------------------------------------- data → page


@dataclass
class Input:
    name: str
    field: Field
    value: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Item:
    """One list item on the page: its inputs, nested lists and (for items from a file) its origin."""

    prefix: str
    inputs: list[Input]
    lists: list["ListView"]
    origin: int | None = None

    @property
    def main(self) -> list[Input]:
        return [i for i in self.inputs if not i.field.more]

    @property
    def more(self) -> list[Input]:
        return [i for i in self.inputs if i.field.more]


@dataclass
class ListView:
    spec: ListSpec
    name: str
    depth: int
    items: list[Item]
    blank: Item  # the markup copied when the user adds an item; index placeholder __N{depth}__


@dataclass
class SectionView:
    title: str
    inputs: list[Input]
    lists: list[ListView]
    anchor: str


def _get(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _name(path: Path) -> str:
    """An input name; the blank item's index -(d+1) becomes the placeholder ``__N{d}__`` that the
    page script replaces with the next free number when the user adds an item."""
    return re.sub(r"\[-(\d+)\]", lambda found: f"[__N{int(found.group(1)) - 1}__]", format_path(path))


def _item(spec: ListSpec, prefix: Path, values: dict, depth: int, origin: int | None) -> Item:
    inputs = [Input(_name(prefix + (f.key,)), f, shown(f, values.get(f.key))) for f in spec.fields]
    lists = [_list_view(child, prefix + (child.key,), values.get(child.key), depth + 1,
                          with_origin=origin is not None)
             for child in spec.children]
    return Item(_name(prefix), inputs, lists, origin)


def _list_view(spec: ListSpec, path: Path, values: Any, depth: int, with_origin: bool) -> ListView:
    if isinstance(values, dict):  # headings: {theme: title} shown as rows
        values = [{"theme": k, "title": v} for k, v in values.items()]
    rows = values if isinstance(values, list) else []
    items = [_item(spec, path + (i,), row if isinstance(row, dict) else {}, depth, i if with_origin else None)
             for i, row in enumerate(rows)]
    blank = _item(spec, path + (-(depth + 1),), {}, depth, None)
    return ListView(spec, _name(path), depth, items, blank)


def view(data: dict | None, errors: dict[str, list[str]] | None = None) -> list[SectionView]:
    """The whole form filled from report data, with error messages attached to their inputs."""
    data = data or {}
    sections = []
    for number, section in enumerate(SECTIONS):
        inputs = [Input(format_path(path), f, shown(f, _get(data, path))) for path, f in section.fields]
        lists = [_list_view(spec, path, _get(data, path), 0, with_origin=True) for path, spec in section.lists]
        sections.append(SectionView(section.title, inputs, lists, f"s{number}"))
    if errors:
        attach(sections, errors)
    return sections


def _all_inputs(sections: list[SectionView]) -> Iterable[Input]:
    def from_list(lv: ListView) -> Iterable[Input]:
        for item in lv.items:
            yield from item.inputs
            for child in item.lists:
                yield from from_list(child)

    for section in sections:
        yield from section.inputs
        for lv in section.lists:
            yield from from_list(lv)


def attach(sections: list[SectionView], errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put each message on its input (or the first input under its path); returns what is left."""
    inputs = list(_all_inputs(sections))
    by_name = {i.name: i for i in inputs}
    left: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = by_name.get(name) or next((i for i in inputs if i.name.startswith(name + ".") or i.name.startswith(name + "[")), None)
        if target is None:
            left.setdefault(name, []).extend(messages)
        else:
            target.errors.extend(messages)
    return left

