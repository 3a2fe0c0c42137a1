"""Grammar filters for templates: ``activity``, ``partners``, ``participants``, ``recurrence``,
``mechanism`` and ``plan`` turn a record into a clause that reads as Chinese, keeping provenance.

The grammar (``reportgen.grammar``) works on plain text and says which input each piece of its
result came from; here every such piece is marked with that input's facts, and the grammar's own
verbs and endings stay unmarked connective text, so the markup parser still sees which fields each
sentence cites and how much wording the template added.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import grammar, zh
from . import facts


def _field(record: Any, origin: Any) -> Any:
    if isinstance(origin, tuple):
        return _field(record, origin[0])[origin[1]]
    if isinstance(record, str):
        return record
    return record[origin] if origin in record else None


def _marked(pieces: grammar.Pieces, record: Any, cited: dict[str, Any] | None = None) -> str:
    """The pieces joined, each data piece marked with the facts of its input (``cited`` overrides
    what an origin cites, for a piece formatted from several fields)."""
    cited = cited or {}
    out = []
    for piece, origin in pieces:
        if not origin:
            out.append(piece)
            continue
        value = cited[origin] if isinstance(origin, str) and origin in cited else _field(record, origin)
        out.append(facts.wrap(piece, facts.refs_in(value)))
    return "".join(out)


def _get(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, str):
        return default
    value = record[name] if name in record else default
    return default if value is None else value


def _text(value: Any) -> Any:
    return facts.plain(value) if value is not None else None


def _title(record: Any, name: str = "title") -> str:
    return _text(record) if isinstance(record, str) else _text(_get(record, name, ""))


def activity(a: Any) -> str:
    """“在社区广场举办…游园会”: place, verb and ending added only where the title lacks them."""
    pieces = grammar.activity_clause(_title(a), _text(_get(a, "kind", "其他")), _text(_get(a, "location")),
                                     _text(_get(a, "recurrence")))
    return _marked(pieces, a)


def recurrence(a: Any) -> str:
    """“每月两次，累计开展24次”."""
    times = _get(a, "times")
    pieces = grammar.recurrence_clause(_title(a), _text(_get(a, "kind", "其他")), _text(_get(a, "recurrence")),
                                       zh.plain_number(facts.plain(times)) if times is not None else None)
    return _marked(pieces, a)


def partners(a: Any, unit_type: Any = "社区") -> str:
    """“由…牵头，会同…”."""
    pieces = grammar.partner_clause([_text(p) for p in _get(a, "partners", ())], _text(unit_type), _text(_get(a, "organizer")))
    return _marked(pieces, a)


def participants(a: Any, unit_type: Any = "社区") -> str:
    """“邀请…参加，…等参与，共120人次”: bodies above the unit are invited, never organised."""
    attendance = _get(a, "attendance")
    approx = _get(a, "attendance_approx", "exact")  # “100多人” as the clerk typed it
    count = zh.qty(facts.plain(attendance), _text(_get(a, "attendance_unit", "人次")), _text(approx)) \
        if attendance is not None else None
    pieces = grammar.participants_clause([_text(p) for p in _get(a, "participants", ())], _text(unit_type), count)
    return _marked(pieces, a, {"attendance": [attendance, _get(a, "attendance_unit"), approx]})


def mechanism(m: Any) -> str:
    """“建立督查通报制度，每月通报一次”, “签订门前三包责任书，共216份”."""
    kind = _text(_get(m, "kind", "制度"))
    parties = _get(m, "parties")
    count = zh.qty(facts.plain(parties), "份" if kind == "责任书" else "家") if parties is not None else None
    pieces = grammar.mechanism_clause(_title(m, "name"), kind, _text(_get(m, "frequency")), _text(_get(m, "detail")), count)
    return _marked(pieces, m)


def plan(x: Any) -> str:
    """“加强老旧小区长效管理”: a plan's label with the verb its head takes."""
    return _marked(grammar.plan_clause(_title(x, "label")), x)


#: Registered in the sandbox by ``pack.load_pack``; they mark their own output (kind ``pass``).
FILTERS: dict[str, Callable[..., str]] = {
    "activity": activity, "recurrence": recurrence, "partners": partners, "participants": participants,
    "mechanism": mechanism, "plan": plan,
}
