"""Chinese text formatting: the only way numbers, dates and names reach the prose.

The forms follow how 工作总结 actually phrase facts (genre analysis §4.12): 近/约/超过 stand before the
number, 余/多 after it and before 万 and the measure word, 以上 after the measure word; 共/累计/达 lead.
Numbers are Arabic (GB/T 15835) except ordinals and small fixed counts, and are written as the data
gives them: never rescaled, never rounded unless computed. The rules with examples: docs/numbers.md.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

_DIGITS = "零一二三四五六七八九"


def _decimal(value: int | float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def plain_number(value: int | float | Decimal, places: int | None = None) -> str:
    """``1200`` → ``1200``, ``2.50`` → ``2.5``: no thousands separator, no trailing zeros.

    ``places`` rounds (half up) for computed figures such as rates; without it the number is written as
    the data gives it, because a figure the unit reported must not lose or gain digits on the way.
    """
    number = _decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def table_number(value: int | float | Decimal | None, approx: str = "exact") -> str:
    """A figure in the attachment table: as written, with its approximation marker (``约60``, ``2000余``),
    and ``—`` when there is none, so an approximate figure never looks exact in a column of numbers."""
    if value is None:
        return "—"
    digits = plain_number(value)
    if approx in ("近", "约", "超过"):
        return approx + digits
    return digits + approx if approx in ("余", "多", "以上") else digits


def qty(
    value: int | float | Decimal,
    unit: str,
    approx: str = "exact",
    agg: str = "none",
    label: str | None = None,
    per: str | None = None,
    others: Iterable[int | float | Decimal] = (),
    verb: str | None = None,
) -> str:
    """``qty(2000, "份", "余", "共", "宣传单")`` → ``宣传单共2000余份``; ``qty(40, "万元", "多")`` → ``40多万元``.

    With a label the label comes first (“道旗120余面”), as the genre writes counted objects. A number
    gains no decimal it did not have: 13200元 stays 13200元, a whole number of 万 is written so
    (380000元 → 38万元), and a unit given as 万元 keeps 余/多 before 万 as people write it (40多万元).
    ``per`` gives an amount per recipient (慰问金每户1000元), ``others`` a spread of amounts (每户300元、200元
    不等) and ``verb`` the action before the object (慰问困难群众11人).
    """
    number = _decimal(value)
    if unit in ("%", "％"):
        unit, digits = "%", plain_number(number, 1)
        approx = "以上" if approx in ("余", "多") else approx  # “95余%” is not Chinese
    elif unit.startswith(("万", "亿")):  # already in 万元: 40多万元, never 40万万元
        digits = plain_number(number)
    else:
        digits = _whole_wan(number)
    before = approx if approx in ("近", "约", "超过") else ""
    after = approx if approx in ("余", "多") else ""
    tail = "以上" if approx == "以上" else ""
    lead = agg if agg in ("共", "累计", "达") else ""
    each = f"每{per}" if per else ""
    # 300元、200元不等: every value keeps its measure word, as the genre writes a spread of amounts.
    spread = "".join(f"、{qty(other, unit)}" for other in others)
    return f"{verb or ''}{label or ''}{each}{lead}{before}{digits}{after}{unit}{tail}{spread}{'不等' if spread else ''}"


def _whole_wan(number: Decimal) -> str:
    """``380000`` → ``38万``, ``13200`` → ``13200``: 万/亿 only when no decimal appears."""
    for size, word in ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")):
        if number >= size and number % size == 0:
            return plain_number(number / size) + word
    return plain_number(number)


#: Markers meaning "at least": a sum over such parts is at least the sum (“27条以上”).
_LOWER_BOUND = ("余", "多", "超过", "以上")


def sum_quantities(parts: Iterable[tuple[int | float | Decimal, str]]) -> tuple[Decimal, str] | None:
    """Add (value, approx) pairs without inventing a marker: exact parts give an exact sum, any lower
    bound (超过15 + 12) gives ``以上`` (27条以上), and any 近/约 part makes the sum unstateable (None)."""
    parts = list(parts)
    if not parts or any(approx in ("近", "约") for _, approx in parts):
        return None
    total = sum((_decimal(value) for value, _ in parts), Decimal(0))
    return total, ("以上" if any(approx in _LOWER_BOUND for _, approx in parts) else "exact")


def percent(value: int | float | Decimal | None, places: int = 1) -> str:
    """``95.46`` → ``95.5%``; ``100.0`` → ``100%``."""
    if value is None:
        return ""
    return f"{plain_number(value, places)}%"


def change(current: int | float | Decimal, previous: int | float | Decimal, unit: str = "", lead: str = "同比") -> str:
    """Compare with the previous period. Percentages change by 个百分点, counts by a percentage."""
    cur, prev = _decimal(current), _decimal(previous)
    if cur == prev:
        # 比上年 → 与上年持平: the comparison is named once, never “比上年……同比持平”.
        return f"与{lead[1:]}持平" if lead[0] in "比较" and len(lead) > 1 else f"{lead}持平"
    if unit in ("%", "％"):
        diff = abs(cur - prev)
        verb = "提高" if cur > prev else "下降"
        return f"{lead}{verb}{plain_number(diff, 1)}个百分点"
    if prev == 0:
        return ""
    rate = abs(cur - prev) / prev * 100
    verb = "增长" if cur > prev else "下降"
    return f"{lead}{verb}{plain_number(rate, 1)}%"


def cn_int(n: int) -> str:
    """Chinese numeral for 0–99 (ordinals, small counts): 1 → 一, 10 → 十, 12 → 十二, 20 → 二十."""
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cn_count(n: int) -> str:
    """A small fixed count as words: 2 → 两, 3 → 三; 11 and up stay Arabic."""
    if n == 2:
        return "两"
    return cn_int(n) if 0 < n <= 10 else str(n)


def ordinal(n: int) -> str:
    """一是、二是 … as used for inline enumerations."""
    return f"{cn_int(n)}是"


def cn_date(day: dt.date | None, with_year: bool = True) -> str:
    """``2024年6月5日``; a month known without its day is ``2024年8月`` (``8月份`` without the year), a
    year alone ``2023年``. A missing date is empty, never a stand-in the data did not give."""
    if day is None:
        return ""
    kind = getattr(day, "precision", "day")  # dates.MonthDate / dates.YearDate
    if kind == "year":
        return f"{day.year}年"
    if kind == "month":
        return f"{day.year}年{day.month}月" if with_year else f"{day.month}月份"
    return f"{day.year}年{day.month}月{day.day}日" if with_year else f"{day.month}月{day.day}日"


def date_span(start: dt.date, end: dt.date | None = None, with_year: bool = False) -> str:
    """``6月5日``, ``6月5日至7日``, ``6月28日至7月2日`` (year only when asked, or when it changes);
    months and years known without a day: ``8月份``, ``8月至10月``, ``2023年``."""
    first = cn_date(start, with_year)
    if end is None or end == start and getattr(end, "precision", "day") == getattr(start, "precision", "day"):
        return first
    kinds = {getattr(start, "precision", "day"), getattr(end, "precision", "day")}
    if kinds != {"day"}:
        if kinds == {"month"} and end.year == start.year and not with_year:
            return f"{start.month}月至{end.month}月"
        return f"{cn_date(start, with_year or end.year != start.year)}至{cn_date(end, with_year or end.year != start.year)}"
    if end.year != start.year:
        return f"{cn_date(start)}至{cn_date(end)}"
    if end.month == start.month:
        return f"{first}至{end.day}日"
    return f"{first}至{end.month}月{end.day}日"


def join(items: Iterable[str], last: str = "、", etc: bool = False) -> str:
    """``A、B、C``; ``last="和"`` gives ``A、B和C``; ``etc`` appends 等."""
    parts = [p for p in items if p]
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + last + parts[-1]
    return text + ("等" if etc else "")


def quoted(text: str) -> str:
    """Wrap in Chinese double quotes unless it already is; inner quotes become single quotes."""
    text = text.strip()
    if text.startswith("“") and text.endswith("”"):
        return text
    text = text.strip('"')
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def book(title: str) -> str:
    """Document title in 《》 (nested titles were turned into 〈〉 when read)."""
    return f"《{title}》"


def honour(title: str, level: str | None = None) -> str:
    """The level sits outside the quotes: 安徽省“文明单位”. A title the user already quoted is kept."""
    if "“" in title or '"' in title:
        prefixed = not title.lstrip().startswith(("“", '"'))  # 青枫市“…”: the place is already there
        return fullwidth(title) if level is None or prefixed else f"{level}{fullwidth(title)}"
    return f"{level or ''}{quoted(title)}"


_ASCII_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_FULL_DIGITS = str.maketrans({chr(ord("０") + i): str(i) for i in range(10)})
_CJK = re.compile(r"[\u3400-\u9fff]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def fullwidth(text: str) -> str:
    """Turn ASCII punctuation typed next to Chinese into its full-width form; leave Latin-only text.

    Users paste with half-width commas and brackets; the document must be full-width throughout.
    Straight quotes alternate into “ ”. (Composing calls this for every run of text, hence the
    translate tables and the character loop only when there is a quote.)
    """
    if not _CJK.search(text):
        return text
    text = _THOUSANDS.sub("", text)  # 1,200 → 1200 before commas become 、/，
    text = text.translate(_ASCII_PUNCT)
    if '"' in text:
        out, open_quote = [], True
        for ch in text:
            if ch == '"':
                out.append("“" if open_quote else "”")
                open_quote = not open_quote
            else:
                out.append(ch)
        text = "".join(out)
    return text.translate(_FULL_DIGITS)


def sentence(text: str) -> str:
    """Make ``text`` a complete sentence: strip trailing 、，；, end with 。 unless it ends with ！？。.

    A closing quote ends the sentence only when the quotation itself ends with 。！？ (他说“好。”);
    a quoted name at the end (继续实行“门前五保”) still needs its 。.
    """
    text = text.strip().rstrip("，、；,;：:")
    if not text:
        return ""
    ended = text[-1] in "。！？" or (text[-1] == "”" and text[-2:-1] in ("。", "！", "？"))
    return text if ended else text + "。"


def clause(text: str) -> str:
    """A clause to continue a sentence: without its final stop."""
    return text.strip().rstrip("。；，、,;")
