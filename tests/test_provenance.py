"""Every sentence traceable: each one cites the fields it came from (and their source lines) or is a
phrase from the pack's phrase file; template wording that is neither is refused by the linter.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from reportgen import evidence, lint
from reportgen.compose import compose, facts, load_pack
from reportgen.compose.markup import Evidence
from reportgen.document import UNSTATED, Paragraph
from reportgen.loaders import load
from test_compose import reports

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PACK = load_pack()
#: Fields that hold a figure: the line a sentence cites for them must show that figure.
#: Examples meant to have almost no figures (a 阶段汇报 whose text must stay sound without them).
FEW_FIGURES = {"xian-2025-jieduan"}
NUMERIC = {"value", "target", "previous", "attendance", "times", "spend", "parties", "meetings", "households",
           "population", "staff", "participants"}


def _sentences(document):
    return [s for b in document.blocks if isinstance(b, Paragraph) for s in b.sentences]


def _resolve(data, path: str):
    for part in re.findall(r"[^.\[\]]+", path):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def _number_forms(value) -> set[str]:
    number = Decimal(str(value))
    plain = format(number.normalize(), "f") if number == number.to_integral() else str(value)
    return {str(value), plain, format(number, "f")}


def _variants(key: str) -> list[str]:
    node = PACK.phrases
    for part in key.split("."):
        node = node[part]
    return [v if isinstance(v, str) else v["text"] for v in node]


def _as_pattern(variant: str) -> str:
    return "".join(".+?" if part.startswith("【") else re.escape(part) for part in re.split(r"(【.+?】)", variant))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_sentence_of_every_example_is_data_or_a_phrase(path):
    loaded = load(path)
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    sentences = _sentences(document)
    assert sentences
    for sentence in sentences:
        assert sentence.is_supported, (sentence.text, sentence.unsupported, sentence.template)
        if sentence.is_framing:
            parts = [p for v in _variants(sentence.phrase) for p in re.findall(r"[^。！？]+[。！？：]?", v)]
            assert any(re.fullmatch(_as_pattern(p), sentence.text) for p in parts), sentence
        else:
            assert all(s.location for s in sentence.sources), sentence


@given(reports())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_valid_reports_have_provenance_for_every_sentence(report):
    document = compose(report, pack=PACK)
    unsupported = [(s.text, s.unsupported) for s in _sentences(document) if not s.is_supported]
    assert unsupported == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_cited_line_holds_the_cited_figure(path):
    loaded = load(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    checked = 0
    for sentence in _sentences(document):
        for source in sentence.sources:
            field = re.sub(r"\[\d+\]", "", source.path).rsplit(".", 1)[-1]
            if field not in NUMERIC or UNSTATED in source.location:
                continue
            value = _resolve(data, source.path)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue  # participants is a list of groups on an activity, a count on a meeting
            line = int(source.location.rsplit(":", 2)[-2])
            assert any(form in lines[line - 1] for form in _number_forms(value)), (source, lines[line - 1])
            checked += 1
    assert checked > 3 or path.stem in FEW_FIGURES, "the example cites figures"


def test_each_cited_cell_holds_the_cited_figure(tmp_path):
    """The same for workbook input: the cited sheet!cell holds the figure."""
    from reportgen.pipeline import Options, build

    source = ROOT / "examples" / "shequ-2024-shangbannian.yaml"
    build(source, tmp_path, Options(formats=("xlsx",)))
    workbook_path = tmp_path / "shequ-2024-shangbannian.xlsx"
    loaded = load(workbook_path)
    book = load_workbook(workbook_path, data_only=True)
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    checked = 0
    for sentence in _sentences(document):
        for cited in sentence.sources:
            field = re.sub(r"\[\d+\]", "", cited.path).rsplit(".", 1)[-1]
            if field not in NUMERIC or "!" not in cited.location:
                continue
            sheet, cell = cited.location.rsplit(" ", 1)[-1].split("!")
            held = book[sheet][cell].value
            value = _resolve(loaded.report.model_dump(mode="json"), cited.path)
            if isinstance(value, str) and not re.fullmatch(r"-?[\d.]+", value):
                assert value in str(held).split("、"), (cited, held, value)  # one group of a participants list
                continue
            assert held is not None and Decimal(str(held).replace(",", "")) == Decimal(str(value)), (cited, held, value)
            checked += 1
    assert checked > 10


def _evidence_of(marked: str) -> list:
    ledger = facts.Ledger()
    value = ledger.fact("春季环境卫生大扫除", ("activities", 0, "title"))
    text = marked.replace("{fact}", facts.marked(value))
    return list(Evidence(ledger, lambda fragment: "opening.j2 第 1 行").sentences(text))


@pytest.mark.parametrize(("marked", "supported"), [
    ("组织开展{fact}。", True),  # connective glue around a fact
    ("{fact}，坚持人防、物防、技防相结合。", False),  # a measure nobody reported
    ("开展{fact}，共清运垃圾12吨。", False),  # a number that is not a field
    ("我社区坚持集中整治和日常保洁两手抓。", False),  # neither data nor a phrase
])
def test_template_wording_is_connective_or_refused(marked, supported):
    sentence = _evidence_of(marked)[0]
    assert sentence.is_supported is supported, sentence
    if not supported:
        assert sentence.template == "opening.j2 第 1 行" and sentence.unsupported


def test_the_linter_refuses_a_sentence_without_evidence():
    document = compose(load(EXAMPLES[0]).report, pack=PACK)
    assert lint.check(document) == []
    bad = Paragraph(document.blocks[0].runs, _evidence_of("{fact}，联合执法力量开展集中整治并完善日常巡查。"))
    document.blocks.append(bad)
    findings = lint.check(document)
    assert any("opening.j2 第 1 行" in f and "phrases.yaml" in f for f in findings), findings


def test_phrase_file_names_no_figure_and_conditions_what_it_claims():
    """The phrase file is a list a reviewer can approve: no figure, and every entry is text or text
    with a known condition (checked when the pack loads)."""
    def walk(node, key=""):
        if isinstance(node, dict) and "text" in node:
            yield key, node["text"]
        elif isinstance(node, dict):
            for sub, item in node.items():
                yield from walk(item, f"{key}.{sub}" if key else sub)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)
        else:
            yield key, node

    entries = list(walk(PACK.phrases))
    assert len(entries) > 100
    for key, text in entries:
        assert not re.search(r"[0-9０-９%％]", text), (key, text)


def test_every_phrase_in_the_file_can_be_chosen():
    """A reviewer approves the phrase file line by line, so it holds nothing a template can never pick:
    each group is named by a template, or is a theme's group (主旨.<方面>[_<单位类别>]) or a closing style."""
    from reportgen.model import THEMES, UNIT_GROUP, ClosingStyle

    templates = "".join(p.read_text(encoding="utf-8") for p in PACK.root.rglob("*.j2"))
    dynamic = {"主旨": {*THEMES, "通用"} | {f"{t}_{g}" for t in THEMES for g in set(UNIT_GROUP.values())},
               "结尾": set(ClosingStyle.__args__)}
    for group, entries in PACK.phrases.items():
        for name in entries:
            chosen = f'"{group}.{name}"' in templates or (f'"{group}." ~' in templates and name in dynamic.get(group, ()))
            assert chosen, f"{group}.{name} is never chosen by a template"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_explain_lists_every_sentence_with_its_sources(path):
    loaded = load(path)
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    done = subprocess.run([sys.executable, "-c", "from reportgen.cli import main; main()", "explain", str(path), "--json"],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    listed = json.loads(done.stdout)
    assert [r["text"] for r in listed] == [s.text for s in _sentences(document)]
    for row in listed:
        assert row["kind"] in ("数据", "连接语")
        assert row["sources"] or row["phrase"]
    text = subprocess.run([sys.executable, "-c", "from reportgen.cli import main; main()", "explain", str(path)],
                          capture_output=True, text=True, encoding="utf-8", check=True).stdout
    for row in evidence.rows(document):
        assert row.sentence.text in text


def _evidence_rows(data: bytes) -> tuple[str, list[tuple]]:
    """The workbook's 文字依据 sheet: the note naming the input file, and the sentence rows."""
    import io

    from reportgen.unit_book import EVIDENCE_SHEET, FIRST_ROW

    sheet = load_workbook(io.BytesIO(data))[EVIDENCE_SHEET]
    rows = list(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    return sheet["A2"].value, rows


def _cited(row: tuple) -> tuple[list[str], list[str]]:
    fields = re.sub(r"^连接语（?|）$", "", row[2] or "")
    return [f for f in fields.split("；") if f], [p for p in (row[3] or "").split("；") if p]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_workbook_lists_every_sentence_with_lines_that_hold_its_figures(path):
    """文字依据: every sentence in order, 连接语 marked, and a cited line holds each cited figure."""
    from reportgen.pipeline import render_workbook as render

    loaded = load(path)
    document = compose(loaded.report, pack=PACK, source=loaded.source)
    note, rows = _evidence_rows(render(loaded.report, document))
    assert path.name in note
    sentences = _sentences(document)
    assert [r[1] for r in rows] == [s.text for s in sentences]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    checked = 0
    for row, sentence in zip(rows, sentences):
        assert row[2].startswith("连接语") == sentence.is_framing, row
        fields, places = _cited(row)
        assert fields or sentence.is_framing, row
        for field in fields:
            if re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1] not in NUMERIC:
                continue
            value = _resolve(data, field) if _present(data, field) else None
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            held = [lines[int(p.split(":")[0]) - 1] for p in places if p.split(":")[0].isdigit()]
            assert any(form in line for line in held for form in _number_forms(value)), (field, value, places)
            checked += 1
    assert checked > 3 or path.stem in FEW_FIGURES


def test_workbook_built_from_a_workbook_cites_cells_that_hold_its_figures(tmp_path):
    from reportgen.pipeline import Options, build

    source = ROOT / "examples" / "zhen-2024-quannian.yaml"
    build(source, tmp_path / "a", Options(formats=("xlsx",)))
    workbook = tmp_path / "a" / "zhen-2024-quannian.xlsx"
    build(workbook, tmp_path / "b", Options(formats=("xlsx",)))
    data = (tmp_path / "b" / "zhen-2024-quannian.xlsx").read_bytes()
    note, rows = _evidence_rows(data)
    assert "zhen-2024-quannian.xlsx" in note
    cells = load_workbook(workbook, data_only=True)
    report = load(workbook).report.model_dump(mode="json")
    checked = 0
    for row in rows:
        fields, places = _cited(row)
        for field in fields:
            if re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1] not in NUMERIC or not _present(report, field):
                continue
            value = _resolve(report, field)
            if isinstance(value, bool) or not _same(value, value):
                continue  # participants is a list of groups on an activity, a count on a meeting
            held = [cells[p.split("!")[0]][p.split("!")[1]].value for p in places if "!" in p]
            assert any(h is not None and str(h).replace(",", "") != "" and _same(h, value) for h in held), (field, places)
            checked += 1
    assert checked > 10


def _present(data, path: str) -> bool:
    try:
        _resolve(data, path)
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return True


def _same(held, value) -> bool:
    try:
        return Decimal(str(held).replace(",", "")) == Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return False
