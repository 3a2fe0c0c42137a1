"""Template packs: a folder of section templates, its manifest and its phrase file.

A user's ``--templates`` folder overrides single files of the standard pack; its ``manifest.yaml``
and ``phrases.yaml`` are merged key by key onto the standard ones (like a partial ``--style``), so a
user writes only what they change. Everything in a user folder is hostile input: files are read only
if they are regular files inside the folder (no symlink out of it), through the bounded YAML loader,
and checked for shape before use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2

from .. import zh
from ..errors import InputError
from ..inputfile import read_bytes
from . import wording
from ..loaders import amounts
from .sandbox import BoundedSandbox, TemplateError, guard_filter

STANDARD_PACK = "standard"


def templates_root() -> Path:
    """The standard packs: inside the installed package, or at the top of a source checkout."""
    installed = Path(__file__).parent.parent / "_data" / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent.parent / "templates"


@dataclass
class Pack:
    """A template folder plus its manifest and phrases; ``override`` folders shadow single files of it."""

    root: Path
    manifest: dict[str, Any]
    phrases: dict[str, Any]
    env: BoundedSandbox
    folders: tuple[Path, ...] = ()

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

    def themes(self) -> list[str]:
        """Every theme the pack knows: the manifest's order, then any other theme it names."""
        known = list(self.manifest.get("theme_order", []))
        for profile in self.manifest["profiles"].values():
            known.extend(profile)
        known.extend(self.manifest["theme_templates"])
        return list(dict.fromkeys(known))

    def locate_text(self, fragment: str) -> str:
        """``themes/order.j2 第 5 行``: where a piece of template text comes from, for lint messages."""
        for folder in self.folders:
            for path in sorted(folder.rglob("*.j2")):
                if not _inside(path, folder):
                    continue
                try:
                    text = read_bytes(path, "模板文件", MAX_TEMPLATE_BYTES).decode("utf-8", errors="replace")
                except InputError:
                    continue
                for number, line in enumerate(text.splitlines(), 1):
                    if fragment in line:
                        return f"{path.relative_to(folder).as_posix()} 第 {number} 行"
        return "模板"


def _inside(path: Path, folder: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return path.is_file() and (real == root or real.startswith(root + os.sep))


#: A template is a page of text; a file past this is not one (and would only fill memory).
MAX_TEMPLATE_BYTES = 256 * 1024


class _SafeLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads only regular files inside the template folders, bounded in size.

    A user's file that is a symlink out of its folder, a FIFO or a device is refused by name rather
    than skipped, so the user learns why their template was not used.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if not os.path.lexists(filename):
                continue
            if not _inside(Path(filename), Path(folder)):
                raise TemplateError(f"模板文件 {filename} 不是模板文件夹中的普通文件（链接到文件夹以外，或是文件夹、管道、设备）："
                                    "请放入真实的模板文件")
            try:
                source = read_bytes(Path(filename), "模板文件", MAX_TEMPLATE_BYTES).decode(self.encoding)
            except InputError as exc:
                raise TemplateError("；".join(str(f) for f in exc.findings)) from None
            except UnicodeDecodeError:
                raise TemplateError(f"模板文件 {filename} 不是 UTF-8 编码：请用 UTF-8 另存后再试") from None
            mtime = os.path.getmtime(filename)
            return source, os.path.normpath(filename), lambda: os.path.exists(filename) and os.path.getmtime(filename) == mtime
        raise jinja2.TemplateNotFound(template)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (a third of a cold ``reportgen build``).

    Jinja keys each entry by template name and source checksum, so an edited template is never
    served stale. The generated code differs with the sandbox, hence the version in the path.
    Without a writable cache folder (or with REPORTGEN_NO_CACHE set) templates are compiled each run.
    """
    from .. import cache

    folder = cache.folder("templates2")
    if folder is None:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


#: Our filters and how each treats provenance: ``text`` filters format facts and cite them,
#: ``join`` filters put marked values side by side.
_FILTERS: dict[str, tuple[Callable[..., Any], str]] = {
    "qty": (zh.qty, "text"), "pct": (zh.percent, "text"), "change": (zh.change, "text"),
    "cn": (zh.cn_int, "text"), "count": (zh.cn_count, "text"), "ordinal": (zh.ordinal, "text"),
    "date": (zh.cn_date, "text"), "span": (zh.date_span, "text"), "series": (zh.join, "join"),
    "quoted": (zh.quoted, "text"), "book": (zh.book, "text"), "honour": (zh.honour, "text"),
    "sentence": (zh.sentence, "text"), "clause": (zh.clause, "text"), "num": (zh.plain_number, "text"),
    "amount": (amounts.written, "text"),
}


def load_pack(override: Path | None = None, name: str = STANDARD_PACK) -> Pack:
    root = templates_root() / name
    folders = ([override] if override else []) + [root]
    env = BoundedSandbox(
        # A pack is what its folders held when it was loaded: a batch reads its templates once instead
        # of checking every template file's time on each of the eighty look-ups a report makes.
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
        loader=_SafeLoader([str(f) for f in folders], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update({key: guard_filter(key, func, builtin=False, kind=kind) for key, (func, kind) in _FILTERS.items()})
    env.filters.update({key: guard_filter(key, func, builtin=False) for key, func in wording.FILTERS.items()})
    manifest = _read_manifest(root / "manifest.yaml")
    phrases = _read_yaml(root / "phrases.yaml", "连接语文件")
    if override:
        from ..loaders.yaml_loader import overlay

        manifest = overlay(manifest, _user_file(override, "manifest.yaml", "模板清单", lambda p: _read_manifest(p, required=False)))
        phrases = overlay(phrases, _user_file(override, "phrases.yaml", "连接语文件", lambda p: _read_yaml(p, "连接语文件")))
    _check_phrases(phrases)
    return Pack(root, manifest, phrases, env, tuple(folders))


def _user_file(folder: Path, name: str, what: str, read: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """A user's pack file, only if it is a regular file inside the folder (a symlink out is refused)."""
    path = folder / name
    if not os.path.lexists(path):
        return {}
    if not _inside(path, folder):
        raise TemplateError(f"{what} {path} 不是模板文件夹中的普通文件（链接到文件夹以外或不是文件）：请放入真实文件")
    return read(path)


def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    from ..loaders.yaml_loader import load_yaml

    try:
        data, _ = load_yaml(path, what=what)
    except InputError as exc:
        raise TemplateError(f"{what}有误：" + "；".join(str(f) for f in exc.findings)) from None
    if not isinstance(data, dict):
        raise TemplateError(f"{what} {path} 应为若干“名称: 值”")
    return data


#: Manifest keys and the shape each must have: "str", "int", "list" (of str), "map" (str → str or
#: list of str), "map2" (str → map).
_MANIFEST_KEYS = {
    "name": "str", "list_style": "str", "layout": "str", "max_sections": "int", "order": "list",
    "theme_order": "list", "theme_templates": "map", "profiles": "map", "headings": "map",
    "headings_by_group": "map2",
}
_MANIFEST_REQUIRED = ("order", "theme_templates", "profiles", "headings")


def _read_manifest(path: Path, required: bool = True) -> dict[str, Any]:
    """The pack's manifest through the bounded YAML loader, checked for shape: a user's pack may be
    anything, and a wrong manifest must give a located message, not an internal error. A user's
    manifest is merged onto the standard one, so it need not repeat the required keys."""
    from ..loaders.yaml_loader import load_yaml

    try:
        data, source = load_yaml(path, what="模板清单")
    except InputError as exc:
        raise TemplateError("模板清单有误：" + "；".join(str(f) for f in exc.findings)) from None

    def fail(key_path: tuple, message: str) -> None:
        raise TemplateError(f"模板清单 {source.locate(key_path)} {'.'.join(map(str, key_path))}：{message}")

    def is_text_list(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    if not isinstance(data, dict):
        fail((), "应为若干“名称: 值”")
    if required:
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


#: Conditions a phrase may carry (see phrases.yaml): what must be present in the data.
CONDITIONS = ("kinds", "festivals", "fields", "min_items")


def _check_phrases(phrases: dict[str, Any]) -> None:
    """Every phrase is text, or ``{text, when}`` with a known condition; slots are ``{名称}``."""

    def fail(key: str, message: str) -> None:
        raise TemplateError(f"连接语文件 {key}：{message}")

    def check(key: str, value: Any) -> None:
        if isinstance(value, str):
            return
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    if not isinstance(item.get("text"), str):
                        fail(key, "带条件的说法应写成 {text: 说法, when: {条件}}")
                    unknown = set(item.get("when") or {}) - set(CONDITIONS)
                    if unknown:
                        fail(key, f"不认识的条件 {'、'.join(sorted(unknown))}：可用 {'、'.join(CONDITIONS)}")
                elif not isinstance(item, str):
                    fail(key, "说法应为文字")
            return
        if isinstance(value, dict):
            for sub, item in value.items():
                check(f"{key}.{sub}" if key else str(sub), item)
            return
        fail(key, "应为文字、说法列表或分组")

    check("", phrases)
