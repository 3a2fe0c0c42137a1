"""The Word style profile: fonts, sizes, spacing and page geometry, with GB/T 9704 as the default.

A unit changes its house style by writing a small YAML file with only the items it wants different;
it is merged over reportgen/styles/gbt9704.yaml and validated here, so a typo or a bad value is
reported in Chinese with the file and line, before any Word file is written. The writer reads only
the derived values (twips, half-points) so the arithmetic of the 22 × 28 grid lives in one place.
"""

from __future__ import annotations

import functools
import math
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..xmlchars import INVISIBLE

#: Word's 字号 → points (the mapping every Chinese Word/WPS install uses).
SIZES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16, "小三": 15,
    "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5, "小六": 6.5,
}

TWIPS_PER_MM = 1440 / 25.4


def _size(value: Any) -> Any:
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        if value.strip() not in SIZES:
            raise ValueError(f"字号应为磅值（如 16）或中文字号（{'、'.join(SIZES)}）")
        return SIZES[value.strip()]
    return value


Size = Annotated[float, BeforeValidator(_size), Field(gt=4, le=72)]


def _font_name(value: str) -> str:
    # Names go into the .docx XML, which cannot hold control characters or U+FFFE/U+FFFF; the same
    # characters the data files refuse.
    if INVISIBLE.search(value):
        raise ValueError("字体名中含有不可见的控制字符或方向标记：请删除后重新输入")
    return value


FontName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_font_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Font(_Strict):
    """One text role. ``latin`` falls back to the profile's latin_font; ``line`` (pt) only for tables."""

    font: FontName
    size: Size
    bold: bool = False
    latin: FontName | None = None
    line: float | None = Field(None, gt=4, le=100)


#: Millimetres of type area that must remain inside the margins, across and down.
MIN_TYPE_AREA = 40


class Page(_Strict):
    width: float = Field(gt=50, le=600)
    height: float = Field(gt=50, le=600)
    top: float = Field(ge=0, le=100)
    bottom: float = Field(ge=0, le=100)
    left: float = Field(ge=0, le=100)
    right: float = Field(ge=0, le=100)
    footer: float = Field(ge=0, le=100)
    lines: int = Field(ge=5, le=60)
    chars: int = Field(ge=5, le=60)
    line_pitch: float | None = Field(None, gt=4, le=100)
    char_spacing: float | None = Field(None, ge=-5, le=5)

    @model_validator(mode="after")
    def _room_for_text(self) -> "Page":
        # Margins that leave no type area make LibreOffice and Word lay out one character per page.
        if self.width - self.left - self.right < MIN_TYPE_AREA or self.height - self.top - self.bottom < MIN_TYPE_AREA:
            raise ValueError(f"页边距过大：左右、上下页边距之外至少要留 {MIN_TYPE_AREA} 毫米排版文字")
        return self


class Fonts(_Strict):
    title: Font
    body: Font
    heading1: Font
    heading2: Font
    heading3: Font
    attachment_label: Font
    table: Font
    table_header: Font
    page_number: Font


class StyleProfile(_Strict):
    name: str
    page: Page
    latin_font: FontName
    indent_chars: float = Field(ge=0, le=10)
    widow_control: bool
    fonts: Fonts

    def twips(self, mm: float) -> int:
        return round(mm * TWIPS_PER_MM)

    @property
    def text_width(self) -> int:
        """版心 width in twips (156 mm → 8844)."""
        return self.twips(self.page.width - self.page.left - self.page.right)

    @property
    def line_pitch(self) -> int:
        """Body line pitch in twips: the type-area height shared by ``lines`` lines, rounded down.

        Rounding down matters: 225 mm / 22 = 579.8 tw; 580 tw (固定值 29 磅) fits only 21 lines.
        """
        if self.page.line_pitch:
            return round(self.page.line_pitch * 20)
        height = (self.page.height - self.page.top - self.page.bottom) * TWIPS_PER_MM
        return math.floor(height / self.page.lines)

    @property
    def char_spacing(self) -> int:
        """Run character spacing (twips, ≤ 0) that lets ``chars`` body characters fill one line.

        A 16 pt 汉字 is wider than 156 mm / 28, so only 27 fit at natural width; −0.25 pt (−5 tw)
        gives 28. This works the same in Word and LibreOffice, unlike a linesAndChars grid.
        """
        if self.page.char_spacing is not None:
            return round(self.page.char_spacing * 20)
        per_char = (self.page.width - self.page.left - self.page.right) * TWIPS_PER_MM / self.page.chars
        return min(0, math.floor(per_char - self.fonts.body.size * 20))

    @property
    def char_width(self) -> int:
        """Width of one body 汉字 including the spacing (twips): the unit of 空N字 distances."""
        return round(self.fonts.body.size * 20) + self.char_spacing

    def latin(self, font: Font) -> str:
        return font.latin or self.latin_font


DEFAULT = "gbt9704.yaml"


@functools.cache
def default_data() -> dict:
    """The bundled GB/T 9704 profile as plain data (package data, trusted: no located messages needed)."""
    return yaml.safe_load(resources.files("reportgen.styles").joinpath(DEFAULT).read_text(encoding="utf-8"))


@functools.cache
def default() -> StyleProfile:
    """The GB/T 9704 profile, what the writer uses when it is given none."""
    return StyleProfile.model_validate(default_data())
