"""Report → Document: render the pack's section templates over read-only facts, then parse the markup.

Level-1 sections come from the manifest's order; a section whose template renders nothing — or only
framing — is left out and the numbering closes up. Headings are numbered here, from structure, never
in templates. Derived figures come from ``figures`` and reach templates as facts citing the fields
they are computed from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import figures, zh
from ..document import Attachment, Document, Heading, Signature
from ..errors import SourceMap
from ..model import Report
from . import facts
from .markup import Evidence, parse_markup, plain_text, to_blocks
from .pack import Pack, load_pack
from .sandbox import budget, render


def chooser(seed: str) -> Callable[..., Any]:
    """``pick(key, a, b, c)``: a stable choice from the data, so units differ but reruns do not."""

    def pick(key: str, *options: Any) -> Any:
        if not options:
            return ""
        digest = hashlib.blake2b(f"{seed}|{key}".encode(), digest_size=8).digest()
        return options[int.from_bytes(digest, "big") % len(options)]

    return pick


@dataclass
class Section:
    key: str
    heading: str
    blocks: list
    children: list["Section"] | None = None


def number_sections(sections: list[Section]) -> list:
    """Number level-1 parts 一、二、 and grouped themes （一）（二） from their order alone."""
    blocks: list = []
    for index, section in enumerate(sections, 1):
        blocks.append(Heading(1, f"{zh.cn_int(index)}、", section.heading))
        blocks.extend(section.blocks)
        for sub, child in enumerate(section.children or [], 1):
            blocks.append(Heading(2, f"（{zh.cn_int(sub)}）", child.heading))
            blocks.extend(child.blocks)
    return blocks


def has_facts(blocks: list) -> bool:
    """A section worth keeping says at least one thing the data says (framing alone is left out)."""
    return any(s.sources and not s.is_framing for b in blocks for s in getattr(b, "sentences", ()))


class Phrases:
    """``phrase(key)`` for templates: a stable, unrepeated choice among the phrase file's variants whose
    condition the data meets, marked as framing and citing what met the condition."""

    def __init__(self, pack: Pack, report: Report, ledger: facts.Ledger, seed: str, words: dict[str, str]) -> None:
        self.table = pack.phrases
        self.report = report
        self.ledger = ledger
        self.seed = seed
        self.words = words
        self.used: set[str] = set()

    def lookup(self, key: str) -> list[Any]:
        node: Any = self.table
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return []
            node = node[part]
        return node if isinstance(node, list) else [node] if isinstance(node, str) else []

    def __call__(self, key: str, scope: dict[str, Any], fallback: str = "") -> str:
        key, fallback = facts.plain(key), facts.plain(fallback)
        variants, group = self.lookup(key), key
        if not variants and fallback:
            variants, group = self.lookup(fallback), fallback  # cite the group the phrase is really in
        eligible = []
        for variant in variants:
            text, when = (variant, {}) if isinstance(variant, str) else (variant["text"], variant.get("when") or {})
            evidence = self._evidence(when, scope)
            if evidence is not None:
                eligible.append((text, evidence))
        if not eligible:
            return ""
        digest = hashlib.blake2b(f"{self.seed}|{key}".encode(), digest_size=8).digest()
        start = int.from_bytes(digest, "big") % len(eligible)
        order = eligible[start:] + eligible[:start]
        text, evidence = next(((t, e) for t, e in order if t not in self.used), order[0])
        self.used.add(text)
        filled = text
        for slot, word in self.words.items():
            filled = filled.replace(f"【{slot}】", word)
        return self.ledger.phrase(filled, group, evidence)

    def _evidence(self, when: dict[str, Any], scope: dict[str, Any]) -> tuple | None:
        """The sources that meet ``when`` (empty for an unconditional phrase), or None when unmet."""
        found: list = []
        activities = scope.get("activity_indices", range(len(self.report.activities)))
        if "kinds" in when:
            hits = [i for i in activities if self.report.activities[i].kind in when["kinds"]]
            if not hits:
                return None
            found += [self.ledger.source_of(("activities", i, "kind")) for i in hits]
        if "festivals" in when:
            wanted = when["festivals"]
            hits = [i for i in activities if self.report.activities[i].festival and (wanted == "any" or self.report.activities[i].festival in wanted)]
            if not hits:
                return None
            found += [self.ledger.source_of(("activities", i, "festival")) for i in hits]
        for path in when.get("fields", []):
            value: Any = self.report
            for part in path.split("."):
                value = getattr(value, part, None)
            if not value:
                return None
            found.append(self.ledger.source_of(tuple(path.split("."))))
        if "min_items" in when and scope.get("size", 0) < int(when["min_items"]):
            return None
        return tuple(found)


def theme_order(report: Report, pack: Pack) -> list[str]:
    """Explicit order if given, else the unit type's profile, then any other theme that has data."""
    if report.themes:
        return list(dict.fromkeys(report.themes))
    profile = pack.manifest["profiles"].get(report.unit.group, [])
    used = [a.theme for a in report.activities] + [m.theme for m in report.mechanisms] + [m.theme for m in report.metrics]
    used += [r.theme for r in report.results if r.theme]
    rest = [t for t in pack.themes() + used if t not in profile]
    return list(dict.fromkeys(list(profile) + rest))


class Composer:
    """One compose: the ledger of facts, the template context, and the sections it renders."""

    def __init__(self, report: Report, pack: Pack, source: SourceMap | None) -> None:
        self.report = report
        self.pack = pack
        self.ledger = facts.Ledger(source)
        self.evidence = Evidence(self.ledger, pack.locate_text)
        self.seed = f"{report.unit.name}|{report.period.year}|{report.period.type}|{report.kind}"
        self.pick = chooser(self.seed)
        self.list_style = report.list_style or pack.manifest.get("list_style", "一是")
        # items inside a （一）（二） sub-part read 1. 2. (一、（一）1.); directly under 一、 a 1. would skip a level
        self.sub_list_style = report.list_style or "数字"
        self.data = self._with_shares(facts.record(report, (), self.ledger))
        words = figures.wording(report)
        self.words = {slot: self.ledger.word(word) for slot, word in words.items()}
        self.phrases = Phrases(pack, report, self.ledger, self.seed, self.words)
        self.figures = self._figures(figures.report_figures(report))
        # the same for every theme: the activities in date order, the metrics that are results
        self.dated = figures.by_date(report.activities)
        self.reported = figures.reported_metrics(report)

    def _with_shares(self, data: facts.Record) -> facts.Record:
        """Each metric with ``share`` (占比 against its ``base`` metric) and ``share_base`` (that metric's label)."""
        metrics = []
        by_key = {m.key: i for i, m in enumerate(self.report.metrics) if m.key}
        for i, (metric, record) in enumerate(zip(self.report.metrics, data.metrics)):
            share = figures.share(metric, self.report)
            base = by_key.get(metric.base or "")
            fields = dict(record._fields)
            if share is not None and base is not None:
                fields["share"] = self.ledger.fact(share, ("metrics", i, "value"), ("metrics", base, "value"))
                fields["share_base"] = data.metrics[base].label
            else:
                fields["share"] = fields["share_base"] = None
            metrics.append(facts.Record(fields))
        fields = dict(data._fields)
        fields["metrics"] = tuple(metrics)
        return facts.Record(fields)

    def _figures(self, found: dict[str, Any]) -> facts.Record:
        """Derived figures as facts citing their fields; nested lists and mappings become records."""
        def convert(value: Any) -> Any:
            if isinstance(value, figures.Figure):
                return self.ledger.fact(value.value, *value.paths) if value.paths else value.value
            if isinstance(value, dict):
                return facts.Record({k: convert(v) for k, v in value.items()})
            if isinstance(value, (list, tuple)):
                return tuple(convert(v) for v in value)
            return value
        return convert(found)

    def context(self, scope: dict[str, Any] | None = None) -> dict[str, Any]:
        scope = scope or {}
        data = self.data
        ctx: dict[str, Any] = {
            "r": data, "unit": data.unit, "period": data.period, "campaign": data.campaign,
            "basis": data.basis, "leadership": data.leadership, "figures": self.figures,
            "me": self.words["我"], "words": facts.Record(dict(self.words)), "compare": self.figures.compare,
            "list_style": self.list_style,
            "phrase": lambda key, fallback="": self.phrases(key, scope, fallback),
        }
        ctx.update({k: v for k, v in scope.items() if k != "activity_indices"})
        return ctx

    def render(self, name: str, scope: dict[str, Any] | None = None) -> str:
        return render(self.pack.env, name, self.context(scope))

    def heading(self, key: str) -> str:
        if key in self.report.headings:
            return self.report.headings[key]  # type: ignore[index]
        by_group = self.pack.manifest.get("headings_by_group", {}).get(self.report.unit.group, {})
        options = by_group.get(key) or self.pack.manifest["headings"].get(key) or [key]
        if key == "achievements" and isinstance(options, list) and self.figures.targets is None:
            # no target was set (a standard or a goal with no value yet is none): no “目标完成情况”
            options = [o for o in options if "目标" not in o] or options
        choice = self.pick(f"heading:{key}", *options) if isinstance(options, list) else options
        return plain_text(choice)

    def theme_scope(self, theme: str) -> dict[str, Any]:
        report = self.report
        indices = [i for i in self.dated if report.activities[i].theme == theme]
        mechanisms = [i for i, m in enumerate(report.mechanisms) if m.theme == theme]
        metrics = [i for i in self.reported if report.metrics[i].theme == theme]
        leadership = self.data.leadership if theme == "组织领导" else None
        results = figures.results_in(report, theme)
        return {
            "theme": theme,
            "activities": tuple(self.data.activities[i] for i in indices),
            "mechanisms": tuple(self.data.mechanisms[i] for i in mechanisms),
            "metrics": tuple(self.data.metrics[i] for i in metrics),
            "leadership": leadership,
            "results": tuple(self.data.results[i] for i in results),
            "tally": self._figures(figures.tally(report, indices)),
            "activity_indices": indices,
            "size": len(indices) + len(mechanisms) + len(metrics) + len(results) + (1 if leadership else 0),
        }

    def section(self, key: str, name: str, scope: dict[str, Any] | None = None, style: str | None = None) -> Section | None:
        body = to_blocks(self.render(name, scope), style or self.list_style, self.evidence)
        return Section(key, self.heading(key), body) if has_facts(body) else None

    def topic(self, theme: str) -> Section | None:
        """Layout 专题: one 工作方面 as （一）基本情况 （二）主要做法 （三）存在问题, each only when it has data.

        情况 is the theme's figures and results; 做法 is the theme's usual template without them (so a pack's own
        theme template still writes the practice); 问题 is the problems tagged with the theme. A part
        with one sub-part keeps no lone （一）. A theme with problems only is not a section: its problems
        stay in the general problems part (see :meth:`loose_problems`).
        """
        scope = self.theme_scope(theme)
        parts = [
            ("情况", "topic/situation.j2", scope),
            ("做法", self.pack.theme_template(theme),
             dict(scope, metrics=(), results=(), size=scope["size"] - len(scope["metrics"]) - len(scope["results"]))),
            ("问题", "topic/problems.j2", {"problems": self.theme_problems(theme)}),
        ]
        found = [(part, self.section(*part, style=self.sub_list_style)) for part in parts]
        if not (found[0][1] or found[1][1]):
            return None
        found = [(part, child) for part, child in found if child]
        if len(found) == 1:  # its items now stand directly under 一、: render them in the part's own style
            alone = self.section(*found[0][0])
            return Section(theme, self.heading(theme), alone.blocks if alone else [])
        return Section(theme, self.heading(theme), [], [child for _, child in found])

    def theme_problems(self, theme: str | None) -> tuple:
        return tuple(self.data.problems[i] for i, p in enumerate(self.report.problems) if p.theme == theme)

    def loose_problems(self, placed: set[str]) -> tuple:
        """Problems the general 存在的问题 part lists: all of them, or in the topic layout those not told
        under their own theme."""
        if self.report.layout != "专题":
            return tuple(self.data.problems)
        return tuple(self.data.problems[i] for i, p in enumerate(self.report.problems) if p.theme not in placed)

    def paragraphs(self, name: str) -> list:
        return [self.evidence.paragraph([(lead, True), (body, False)]) for _, lead, body in parse_markup(self.render(name))]

    def wants_groups(self, sections: list[Section]) -> bool:
        """Real summaries have 4–9 top-level parts; with many themes, gather them under one part."""
        if self.report.layout == "专题":  # its parts already hold （一）（二）; a third level would be needed
            return False
        layout = self.pack.manifest.get("layout", "auto")
        return layout == "grouped" or (layout == "auto" and len(sections) > self.pack.manifest.get("max_sections", 7))

    def compose(self) -> Document:
        report = self.report
        segments = tuple(s for s in (plain_text(s) for s in self.render("title.j2").strip().split("|")) if s)
        title = report.title or "".join(segments)

        blocks: list = self.paragraphs("opening.j2")
        themes: list[Section] = []
        rest: list[Section] = []
        for key in self.pack.manifest["order"]:
            if key == "themes":
                for theme in theme_order(report, self.pack):
                    if report.layout == "专题":
                        found = self.topic(theme)
                    else:
                        found = self.section(theme, self.pack.theme_template(theme), self.theme_scope(theme))
                    if found:
                        themes.append(found)
            elif key == "achievements":
                # in the topic layout each theme's 基本情况 already compares its figures with last period
                improved = () if report.layout == "专题" else self.figures.improved
                found = self.section(key, "achievements.j2", {"improved": improved})
                if found:
                    rest.append(found)
            elif key == "problems":
                found = self.section(key, "problems.j2", {"problems": self.loose_problems({s.key for s in themes})})
                if found:
                    rest.append(found)
            elif key not in ("opening", "closing"):
                found = self.section(key, f"{key}.j2")
                if found:
                    rest.append(found)
        sections = themes + rest
        if themes and self.wants_groups(sections):
            sections = [Section("work", self.heading("work"), [], themes)] + rest
        blocks.extend(number_sections(sections))
        blocks.extend(self.paragraphs("closing.j2"))

        attachments = []
        if report.attach_indicators and report.metrics:
            table = figures.indicator_table(report)
            attachments.append(Attachment(1, table.title, (table,)))
        note = tuple(f"{a.number}.{a.title}" if len(attachments) > 1 else a.title for a in attachments)
        date = report.signature_date
        return Document(
            title=title,
            title_segments=(title,) if report.title else segments,
            blocks=blocks,
            attachment_note=note,
            signature=Signature(report.signature_unit, zh.cn_date(date) if date else ""),
            attachments=attachments,
            author=report.unit.name,
            year=report.period.year,
        )


def render_templates(pack: Pack, names: tuple[str, ...], context: dict[str, Any]) -> list[str]:
    """Templates of the pack over one context of plain data (the roll-up's), within the sandbox.

    Models and dataclasses in ``context`` reach the templates only as read-only Records, converted
    once for all of them.
    """
    plain = facts.plain_data(context)
    return [render(pack.env, name, plain) for name in names]


def compose(report: Report, templates: Path | None = None, pack: Pack | None = None, source: SourceMap | None = None) -> Document:
    """Compose one report; ``source`` (from the loader) lets every sentence cite its file and line."""
    with budget(len(report.activities) + len(report.metrics) + len(report.mechanisms)):
        return Composer(report, pack or load_pack(templates), source).compose()
