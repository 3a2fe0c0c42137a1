"""Figures as clerks type them into a cell: 40多万元, 近60万元, 100多人, 近百名, 约3000份, 1,200, 500人以上.

A ledger cell holds what the clerk would write in the report, not a bare number. Reading only
digits made clerks drop the 多/余/近 (and the fact with it), so every numeric cell goes through
``parse``: the number (scaled by 万/亿), the approximation word the model knows (``model.Approx``),
the 共/累计/达 lead and the measure word. Two figures in one cell ("300元、200元") are refused with a
message that says how to write them, because picking one would lose the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..lazy_pattern import LazyPattern

#: Words clerks use for an approximation, mapped to the model's vocabulary (``model.Approx``).
_BEFORE = {"近": "近", "将近": "近", "接近": "近", "约": "约", "大约": "约", "大概": "约",
           "超过": "超过", "逾": "超过", "超": "超过", "高达": "超过"}
_AFTER = {"余": "余", "多": "多", "来": "约"}
_TAIL = {"以上": "以上", "多": "多", "余": "余", "左右": "约", "上下": "约"}
_LEAD = ("累计", "共计", "共", "达到", "达", "合计", "总计")
_LEAD_MAP = {"共计": "共", "合计": "共", "总计": "共", "达到": "达"}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SCALES = {"千": Decimal(1000), "万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_NUMBER = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+"
_PATTERN = LazyPattern(
    rf"^(?P<lead>{'|'.join(_LEAD)})?"
    rf"(?P<before>{'|'.join(sorted(_BEFORE, key=len, reverse=True))})?"
    rf"(?P<number>{_NUMBER})"
    rf"(?P<after1>[余多来])?"
    r"(?P<scale>[千万亿])?"
    r"(?P<after2>[余多])?"
    r"(?P<unit>[^\d\s余多以左上]{0,4}?)"
    r"(?P<tail>以上|左右|上下|多|余)?$"
)
#: Two figures in one cell: a separator with a digit on each side.
_TWO = LazyPattern(r"\d[^\d、，,；;／/和及与]*[、，,；;／/和及与]\s*[近约超逾]?\s*\d")
_RANGE = LazyPattern(r"\d\s*[-－—~～至到]\s*\d")


@dataclass(frozen=True)
class Amount:
    """One typed figure: ``value`` in the cell's own unit, ``approx`` as in ``model.Approx``."""

    value: Decimal
    approx: str = "exact"
    agg: str | None = None
    unit: str | None = None

    @property
    def is_exact(self) -> bool:
        return self.approx == "exact"


class AmountError(ValueError):
    """A cell that is not one figure; the message (Chinese) says what to type instead."""


def _chinese_number(text: str) -> Decimal | None:
    """一百二十 → 120, 百 → 100, 两千 → 2000 (the small numerals clerks write in 近百名)."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return Decimal(total)


def normalize(text: str) -> str:
    """Full-width digits to ASCII, thousands separators and inner spaces removed."""
    text = text.translate(_FULL_WIDTH).strip()
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return re.sub(r"\s+", "", text)


def parse(raw: object) -> Amount:
    """One cell → Amount; raises AmountError with a message a clerk can act on."""
    if isinstance(raw, bool):
        raise AmountError("应填写数字")
    if isinstance(raw, int):
        return Amount(Decimal(raw))
    if isinstance(raw, float):
        return Amount(Decimal(repr(raw)))
    text = normalize(str(raw))
    if _TWO.search(text):
        raise AmountError("一格只能填一个数：请把两个数分成两行填写，或者只填它们的合计（如“共500元”“500余元”）")
    if _RANGE.search(text):
        raise AmountError("一格只能填一个数，不能写范围：请填下限并加“以上”或“余”（如“200余人”），或填约数（如“约250人”）")
    match = _PATTERN.fullmatch(text)
    if not match:
        raise AmountError("应填写一个数，可带约数说法，如 1200、1,200、100多人、近百名、约3000份、40多万元、500人以上")
    number = match["number"]
    try:
        value = Decimal(number) if number[0].isdigit() else _chinese_number(number)
    except InvalidOperation:
        value = None
    if value is None:
        raise AmountError("应填写一个数，如 1200 或 100多人")
    if match["scale"]:
        value *= _SCALES[match["scale"]]
    words = [_BEFORE[match["before"]]] if match["before"] else []
    words += [_AFTER[w] for w in (match["after1"], match["after2"]) if w]
    if match["tail"]:
        words.append(_TAIL[match["tail"]])
    if len(words) > 1:
        raise AmountError("只能用一个约数说法（近、约、余、多、以上选其一），如“近百名”或“100多人”")
    lead = match["lead"]
    try:
        value = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    except InvalidOperation:  # more digits than any figure has (a hostile or mistyped cell)
        raise AmountError("数字太大：请检查是否多打了数字") from None
    return Amount(
        value,
        words[0] if words else "exact",
        _LEAD_MAP.get(lead, lead) if lead else None,
        match["unit"] or None,
    )


def typed(raw: object) -> str:
    """The cell's value as the clerk sees it, for quoting in a message."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def written(value: Decimal | int, unit: str, approx: str = "exact") -> str:
    """The figure as a report writes it, keeping 多/余 before 万 for a whole number of 万 (40多万元).

    ``zh.qty`` writes 4万余元 (a little over 4万); "40多万元" (somewhere between 40万 and 50万) is a
    different fact, and it is the one clerks type for spending, so it is written back the same way.
    """
    from .. import zh

    value = Decimal(value)
    ten_thousand = Decimal(10) ** 4
    if approx in ("余", "多") and value >= 10 * ten_thousand and value % (10 * ten_thousand) == 0:
        return f"{zh.plain_number(value / ten_thousand)}{approx}万{unit}"
    return zh.qty(value, unit, approx)
