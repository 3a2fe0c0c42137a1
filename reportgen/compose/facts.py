"""What templates see: the report as plain, read-only data whose values remember where they came from.

Two jobs, one idea:

* **Safety.** Templates never receive a pydantic model (whose methods reach the file system and
  pickle). They get :class:`Record` views, tuples and value objects — nothing with a method beyond
  what ``str``, ``int``, ``Decimal`` and ``date`` already have.
* **Provenance.** Every value is a *fact*: a ``str``/``int``/``Decimal``/``date`` subclass carrying
  the id of its entry in a per-compose :class:`Ledger` (its data path and source line). When a fact
  reaches the output — printed, concatenated or passed through a filter — it is wrapped in
  private-use marks (``\\ue000 id \\ue001 text \\ue002``). The markup parser strips the marks and
  records, per sentence, which entries it contains. Arithmetic on a fact gives a plain number, so a
  figure a template computes itself has no source and the linter refuses it: derived figures are
  computed once in Python (``figures.py``) and registered here with the fields they come from.

Framing phrases from the pack's phrase file are marked the same way with their own kind, and so are
neutral words (我社区, 居民) that are neither fact nor claim.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Iterator, NamedTuple

from pydantic import BaseModel

from .. import zh
from ..dates import MonthDate, YearDate
from ..document import UNSTATED, Source
from ..errors import SourceMap, format_path

FACT, PHRASE, WORD = "\ue000", "\ue003", "\ue004"
MID, CLOSE = "\ue001", "\ue002"
_DIGIT0 = 0xE100  # id digits: U+E100… (base 256)
#: Every mark character: stripped from all text that reaches a writer.
MARKS = re.compile("[\ue000-\ue004\ue100-\ue1ff]")
_OPENERS = {FACT: "fact", PHRASE: "phrase", WORD: "word"}


def _encode(number: int) -> str:
    if number < 256:  # most ids of a compose: one digit
        return chr(_DIGIT0 + number)
    digits = []
    while True:
        number, rest = divmod(number, 256)
        digits.append(chr(_DIGIT0 + rest))
        if not number:
            return "".join(reversed(digits))


def _decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * 256 + ord(char) - _DIGIT0
    return number


class Entry(NamedTuple):
    """One marked thing: a fact (with its sources), a phrase (with the evidence its condition cites) or a word.

    A named tuple: a compose makes one for each of some five hundred facts, and a tuple is the cheapest
    record Python builds."""

    kind: str
    sources: tuple[Source, ...] = ()
    phrase: str = ""
    #: A fact's data paths, looked up in the source map only when a sentence cites it (``Ledger.sources``).
    paths: tuple[tuple, ...] = ()


#: ``activities[3].date`` for a path: the same few hundred paths come back in every report of a batch.
_path_text = functools.lru_cache(maxsize=8192)(format_path)


@dataclass
class Ledger:
    """The entries of one compose; marks in the text refer to them by position."""

    source: SourceMap | None = None
    entries: list[Entry] = field(default_factory=list)

    def add(self, entry: Entry) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def given(self, path: tuple) -> bool:
        """Whether the input file states this field (without a source map, everything counts as given).

        A default the file does not state (campaign 全国文明城市, approx exact) is the program's
        assumption, documented in the schema, not a fact the unit reported: it is not cited.
        """
        return self.source is None or self.source.states(path)

    def source_of(self, path: tuple) -> Source:
        if self.source is None:
            return Source(_path_text(tuple(path)))
        return Source(_path_text(tuple(path)), str(self.source.locate(path)) if self.given(path) else UNSTATED)

    def fact(self, value: Any, *paths: tuple) -> Any:
        """``value`` as a fact citing ``paths`` (several for a figure derived from several fields)."""
        return as_fact(value, self.add(Entry("fact", paths=paths)))

    def sources(self, ref: int) -> tuple[Source, ...]:
        """What entry ``ref`` cites: a phrase's evidence, or a fact's paths looked up in the source map."""
        entry = self.entries[ref]
        return tuple(map(self.source_of, entry.paths)) if entry.paths else entry.sources

    def phrase(self, text: str, key: str, evidence: Iterable[Source] = ()) -> str:
        return f"{PHRASE}{_encode(self.add(Entry('phrase', tuple(evidence), key)))}{MID}{text}{CLOSE}"

    def word(self, text: str) -> str:
        return f"{WORD}{_encode(0)}{MID}{text}{CLOSE}" if text else ""


# ---------------------------------------------------------------- fact values


class FactStr(str):
    _ref: int


class FactInt(int):
    _ref: int


class FactDecimal(Decimal):
    _ref: int


class FactDate(dt.date):
    _ref: int


class FactMonth(MonthDate):
    _ref: int


class FactYear(YearDate):
    _ref: int


#: Checked in order: a month or year before a plain date, so a fact keeps what it does not know (the day).
_FACT_TYPES = (
    (str, FactStr), (bool, None), (int, FactInt), (Decimal, FactDecimal),
    (MonthDate, FactMonth), (YearDate, FactYear), (dt.date, FactDate),
)


@functools.cache
def _fact_class(cls: type) -> type | None:
    """The fact subclass for values of type ``cls`` (None: kept as it is). A per-type decision, made
    once per type instead of by a chain of isinstance checks for every value of every compose."""
    if issubclass(cls, dt.datetime):
        return None
    return next((kind for base, kind in _FACT_TYPES if issubclass(cls, base)), None)


def as_fact(value: Any, ref: int) -> Any:
    """``value`` as its fact subclass remembering ``ref``; booleans and None stay as they are."""
    kind = _fact_class(type(value))
    if kind is None:
        return value
    fact = kind(value) if not issubclass(kind, dt.date) else kind(value.year, value.month, value.day)
    fact._ref = ref
    return fact


_FACT_CLASSES = (FactStr, FactInt, FactDecimal, FactDate, FactMonth, FactYear)


#: The fact classes, for a look-up by exact type (nothing subclasses them).
_FACT_SET = frozenset(_FACT_CLASSES)


def ref_of(value: Any) -> int | None:
    # the type, not getattr: Jinja's StrictUndefined raises on any attribute lookup.
    return value._ref if type(value) in _FACT_SET else None


def plain(value: Any) -> Any:
    """A fact as its ordinary value; marked text without its marks; containers item by item."""
    kind = type(value)
    if kind is str:  # most arguments: text without marks, or with a phrase's or a word's
        return MARKS.sub("", value) if _HAS_MARK(value) else value
    if kind in _PLAIN_LEAVES:
        return value
    if isinstance(value, FactStr):
        return str.__str__(value)
    if isinstance(value, FactInt):
        return int(value)
    if isinstance(value, FactDecimal):
        return Decimal(value)
    if isinstance(value, (FactMonth, FactYear)):
        return type(value).__mro__[1](value.year, value.month, value.day)
    if isinstance(value, FactDate):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        return MARKS.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value) if isinstance(value, list) else tuple(plain(v) for v in value)
    return value


#: Exact types ``plain`` returns as they are (a subclass, such as a fact, takes the long way).
_PLAIN_LEAVES = frozenset([int, bool, type(None), Decimal, dt.date, MonthDate, YearDate])
_HAS_MARK = MARKS.search


def _display(value: Any) -> str:
    if isinstance(value, dt.date):
        return zh.cn_date(value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return zh.plain_number(value)
    return str.__str__(value) if isinstance(value, str) else str(value)


def marked(value: Any) -> Any:
    """A fact as marked text (what printing or concatenating it yields); anything else unchanged."""
    ref = ref_of(value)
    if ref is None:
        return value
    return f"{FACT}{_encode(ref)}{MID}{_display(value)}{CLOSE}"


def refs_in(value: Any) -> list[int]:
    """Ids of the facts in ``value``: a fact, marked text, or a list/tuple of either."""
    kind = type(value)
    if kind in _FACT_SET:
        return [value._ref]
    if kind is str or isinstance(value, str):
        return [_decode(m.group(1)) for m in _FACT_ID.finditer(value)] if FACT in value else []
    if kind is tuple or isinstance(value, (list, tuple)):
        return [r for item in value for r in refs_in(item)]
    return []


_FACT_ID = re.compile(f"{FACT}([\ue100-\ue1ff]+){MID}")


def wrap(text: str, refs: list[int]) -> str:
    """Mark a filter's result with every fact that went into it (one span citing them all)."""
    if not refs:
        return text
    if len(refs) == 1:
        return f"{FACT}{_encode(refs[0])}{MID}{text}{CLOSE}"
    unique = dict.fromkeys(refs)
    return "".join(f"{FACT}{_encode(r)}{MID}" for r in unique) + text + CLOSE * len(unique)


# ---------------------------------------------------------------- spans → sentences


@dataclass(slots=True)
class Span:
    kind: str
    ref: int
    start: int
    end: int = -1


#: One mark: an opener with its id up to the next MID, a close, or a stray mark character (dropped).
#: An opener with no MID after it is stray too (the second alternative does not match, the last does).
_TOKEN = re.compile(f"([{FACT}{PHRASE}{WORD}])([^{MID}]*){MID}|({CLOSE})|[\ue000-\ue004\ue100-\ue1ff]")


def strip(text: str) -> tuple[str, list[Span]]:
    """Marked text → plain text and the spans (with positions in the plain text) of its marks.

    One regex split at the marks: the text between them comes back in slices, and each mark as its
    three groups (opener, id, close), so Python looks only at the few dozen marks of a paragraph,
    never at its thousands of characters.
    """
    parts = _TOKEN.split(text)  # text, opener, id, close, text, opener, …
    spans: list[Span] = []
    stack: list[Span] = []
    length = 0
    for k in range(1, len(parts), 4):
        length += len(parts[k - 1])
        opener = parts[k]
        if opener:
            span = Span(_OPENERS[opener], _decode(parts[k + 1]), length)
            stack.append(span)
            spans.append(span)
        elif parts[k + 2] and stack:
            stack.pop().end = length
    length += len(parts[-1])
    for span in stack:
        span.end = length
    return "".join(parts[::4]), spans


# ---------------------------------------------------------------- read-only records


class Record:
    """A read-only view of one model object: ``r.name`` and ``r["name"]``, and nothing else.

    Templates reach fields through it; a private attribute (``_fields``) is refused by the sandbox,
    and there are no methods to call.
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("read-only")

    def __repr__(self) -> str:
        return f"Record({', '.join(self._fields)})"


#: The types a Record's field can hold: what ``record``, ``plain_data`` and the composer put there.
#: None of them is callable, so reading such a field needs none of the sandbox's checks for methods.
DATA_TYPES = frozenset([
    Record, tuple, str, int, bool, type(None), Decimal, dt.date, MonthDate, YearDate, *_FACT_CLASSES,
])


#: Derived properties of model classes that templates may read, with the fields each derives from.
DERIVED: dict[str, dict[str, tuple[str, ...]]] = {
    "Metric": {"completion": ("value", "target"), "met": (), "in_points": (), "change": ("value", "previous")},
    "Unit": {"group": ("type",), "display_name": ("name", "short_name")},
    "Campaign": {"full_name": ("edition", "region", "level", "kind"),
                 "phrase": ("verb", "edition", "region", "level", "kind", "also")},
    "Period": {"start_date": ("start", "since", "year", "type"), "end_date": ("end", "year", "type")},
}
#: Derived text that is a way of speaking, not a claim: 我社区, 全社区.
WORDS = {"Unit": ("self_ref", "collective")}


#: Plain values (most of what ``record`` sees), told apart by their exact type at once.
_LEAVES = frozenset([str, int, bool, type(None), Decimal, dt.date, MonthDate, YearDate])


def record(value: Any, path: tuple, ledger: Ledger) -> Any:
    """A model, list or value as template data: Records, tuples and facts citing ``path``."""
    if type(value) in _LEAVES:
        if value is None or type(value) is bool or not ledger.given(path):
            return value
        return ledger.fact(value, path)
    if isinstance(value, BaseModel):
        return _model_record(value, path, ledger)
    if isinstance(value, (list, tuple)):
        return tuple(record(item, path + (i,), ledger) for i, item in enumerate(value))
    if isinstance(value, dict):
        return Record({str(k): record(v, path + (k,), ledger) for k, v in value.items()})
    if value is None or isinstance(value, bool) or not ledger.given(path):
        return value
    return ledger.fact(value, path)


@functools.cache
def _model_plan(cls: type[BaseModel]) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """A model class's fields, derived properties and words: looked up once per class, not per object."""
    return tuple(cls.model_fields), tuple(DERIVED.get(cls.__name__, {}).items()), WORDS.get(cls.__name__, ())


def _model_record(value: BaseModel, path: tuple, ledger: Ledger) -> Record:
    names, derived, words = _model_plan(type(value))
    fields: dict[str, Any] = {}
    for name in names:
        item = getattr(value, name)
        # unset optional fields and flags (a third of all fields) are data as they are
        fields[name] = item if item is None or type(item) is bool else record(item, path + (name,), ledger)
    for name, inputs in derived:
        found = getattr(value, name)
        paths = [path + (i,) for i in inputs if getattr(value, i, None) is not None]
        given = [p for p in paths if ledger.given(p)]
        # built from defaults alone (no campaign in the file: 创建全国文明城市): cited as 默认值
        fields[name] = ledger.fact(found, *(given or paths)) if paths else found
    for name in words:
        fields[name] = ledger.word(getattr(value, name))
    return Record(fields)


def walk(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every object reachable from template data (for the test that no callable leaks)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, Record):
        for item in value._fields.values():
            yield from walk(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from walk(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from walk(item, seen)


@functools.cache
def _readable_names(cls: type) -> tuple[str, ...] | None:
    """What a template may read of an instance of ``cls``: a model's fields; a dataclass's fields and
    public properties; None for anything else. Asked once per class, not per object."""
    if issubclass(cls, BaseModel):
        return tuple(cls.model_fields)
    if dataclasses.is_dataclass(cls):
        properties = [name for name, attr in vars(cls).items() if isinstance(attr, property) and not name.startswith("_")]
        return (*(f.name for f in dataclasses.fields(cls)), *properties)
    return None


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), Decimal, dt.date})


def plain_data(value: Any, _seen: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """Any context value as template data without provenance (the roll-up's): models and dataclasses
    become Records (with their public properties evaluated), lists tuples; functions pass through.

    An object met again (the roll-up lists the same unit under 排名, 达标, 荣誉…) is converted once:
    without that a roll-up of 1,000 units converted each unit's activities and indicators a dozen
    times. The memo holds each original, so no id is reused while the conversion runs."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    seen = {} if _seen is None else _seen
    known = seen.get(id(value))
    if known is not None:
        return known[1]
    names = _readable_names(kind)
    if names is not None:
        result: Any = Record({name: plain_data(getattr(value, name), seen) for name in names})
    elif isinstance(value, (list, tuple)):
        result = tuple(plain_data(item, seen) for item in value)
    elif isinstance(value, dict):
        result = {key: plain_data(item, seen) for key, item in value.items()}
    else:
        return value
    seen[id(value)] = (value, result)
    return result
