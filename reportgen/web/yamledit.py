"""Saving the form back into the user's YAML without losing what the form does not show.

The file is the source of truth and people annotate it: ruamel.yaml's round-trip mode keeps comments,
key order and flow/block style. Only fields the model defines are touched — a key the model does not
know stays as it is (and validation names it) — and a value that did not change is not rewritten, so
its quoting and any comment beside it survive. List items are matched to the item they were opened
from, so removing one activity does not shift another's comments or unshown fields onto its neighbour.
"""

from __future__ import annotations

import io
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .. import model as m
from ..atomic import write_bytes
from ..errors import InputError
from ..loaders import read_data
from ..loaders.yaml_loader import decode
from ..starter import schema_line
from ..workbook_layout import _unwrap, nested_model
from .form import FIELDS, Posted

#: Every field path the form shows and the paths above them; a model field outside the form (one
#: added to the model before the form learned it) is left alone rather than deleted on save.
_MANAGED = {".".join(key.split(".")[:n]) for key in FIELDS for n in range(1, key.count(".") + 2)}

Node = tuple[str | int, ...]


def _yaml() -> YAML:
    yaml = YAML()  # round-trip, safe: ruamel's "rt" loader builds no arbitrary objects
    yaml.allow_unicode = True
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long Chinese sentence across lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read(path: Path) -> CommentedMap:
    """The file as an editable tree; raises ValueError with a Chinese reason if it cannot be one.

    The project's own reader goes first: it enforces the size, depth and alias budgets, so a hostile
    file is refused before ruamel.yaml builds anything from it.
    """
    try:
        read_data(path)
    except InputError as exc:
        raise ValueError("；".join(str(f) for f in exc.findings)) from None
    try:
        text = decode(path.read_bytes(), path.name)
        tree = _yaml().load(text)
    except YAMLError as exc:
        raise ValueError(f"文件不是有效的 YAML，无法在表单中打开：{exc}") from None
    except Exception as exc:  # noqa: BLE001 — decode's InputError, odd bytes: say so, do not crash the page
        raise ValueError(f"无法读取文件：{exc}") from None
    if tree is None:
        return CommentedMap()
    if not isinstance(tree, CommentedMap):
        raise ValueError("文件最外层应是若干“字段: 值”，无法在表单中打开")
    return tree


def _model_of(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    """('model' | 'list' | 'value', the item model) for one field's annotation."""
    inner = nested_model(annotation)
    if inner is None:
        return "value", None
    return ("list" if typing.get_origin(_unwrap(annotation)[0]) is list else "model"), inner


def _put(target: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Set ``key``; a new key goes after the last present key that precedes it in the model."""
    if key in target:
        target[key] = value
        return
    before = order[: order.index(key)]
    position = 0
    for index, existing in enumerate(target):
        if existing in before:
            position = index + 1
    target.insert(position, key, value)


def merge(target: CommentedMap, data: dict, model: type[BaseModel], posted: Posted, path: Node = ()) -> None:
    """Make ``target`` say what ``data`` says for every field of ``model``, changing nothing else."""
    order = list(model.model_fields)
    for name, info in model.model_fields.items():
        if ".".join("*" if isinstance(p, int) else p for p in path + (name,)) not in _MANAGED:
            continue
        new = data.get(name)
        if new is None or new == {} or new == []:
            target.pop(name, None)
            continue
        shape, inner = _model_of(info.annotation)
        old = target.get(name)
        if shape == "model" and inner is not None:
            if not isinstance(old, CommentedMap):
                old = CommentedMap()
                _put(target, name, old, order)
            merge(old, new, inner, posted, path + (name,))
        elif shape == "list" and inner is not None:
            _merge_list(target, name, new, inner, posted, path + (name,), order)
        else:
            _set_value(target, name, new, order)


def _set_value(target: CommentedMap, name: str, new: Any, order: list[str]) -> None:
    old = target.get(name)
    if isinstance(new, dict):
        new = CommentedMap(new)
        if isinstance(old, CommentedMap) and dict(old) == dict(new):
            return
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        if list(old) != new:  # refill in place: a flow list [a, b] stays a flow list
            del old[:]
            old.extend(new)
        return
    if old is not None and type(old) is not bool and not isinstance(new, bool) and old == new:
        return
    if isinstance(old, bool) and old is new:
        return
    _put(target, name, new, order)


def _merge_list(target: CommentedMap, name: str, items: list, model: type[BaseModel], posted: Posted,
                path: Node, order: list[str]) -> None:
    old = target.get(name)
    old_items = list(old) if isinstance(old, list) else []
    origins = posted.origins.get(path, [])
    merged = []
    for index, item in enumerate(items):
        origin = origins[index] if index < len(origins) else None
        base = old_items[origin] if origin is not None and origin < len(old_items) else None
        node = base if isinstance(base, CommentedMap) else CommentedMap()
        merge(node, item, model, posted, path + (index,))
        merged.append(node)
    if isinstance(old, CommentedSeq):
        if [id(n) for n in old] != [id(n) for n in merged]:
            del old[:]
            old.extend(merged)
    else:
        seq = CommentedSeq(merged)
        _put(target, name, seq, order)


def dump(tree: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(tree, stream)
    return stream.getvalue()


def new_text(posted: Posted) -> str:
    """A new file: the editor's schema hint, then the form's values in the model's order."""
    tree = CommentedMap()
    merge(tree, posted.data, m.Report, posted)
    return schema_line() + "\n# 由 reportgen 网页工作台创建；可以直接用文本编辑器修改，注释会被保留。\n" + dump(tree)


def save(path: Path, posted: Posted) -> None:
    """Write the form into ``path`` atomically: into the existing file's tree, or as a new file."""
    if path.exists():
        tree = read(path)
        merge(tree, posted.data, m.Report, posted)
        text = dump(tree)
    else:
        text = new_text(posted)
    write_bytes(path, text.encode("utf-8"))
