"""Units of measure for comparing a proposal line with a standard (元/万元, 月/年, 平方米/亩 …).

A unit such as 元/人·天 is parsed into base dimensions with integer powers and an exact
decimal factor to its base units: 万元/台 = 10000 × money¹·台⁻¹. Two units are compatible
when their dimensions agree; a value then converts by the ratio of their factors. Days do
not convert to months or years (calendar and working days differ); months convert to years.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# token → (dimension, factor to the dimension's base unit)
ATOMS: dict[str, tuple[str, Decimal]] = {
    "元": ("money", Decimal(1)), "千元": ("money", Decimal(1000)), "万元": ("money", Decimal(10000)),
    "亿元": ("money", Decimal(100000000)),
    "平方米": ("area", Decimal(1)), "㎡": ("area", Decimal(1)), "m2": ("area", Decimal(1)),
    "亩": ("area", Decimal(10000) / Decimal(15)), "公顷": ("area", Decimal(10000)),
    "平方公里": ("area", Decimal(1000000)),
    "米": ("length", Decimal(1)), "公里": ("length", Decimal(1000)), "千米": ("length", Decimal(1000)),
    "月": ("month", Decimal(1)), "年": ("month", Decimal(12)), "季度": ("month", Decimal(3)),
    "天": ("day", Decimal(1)), "日": ("day", Decimal(1)), "周": ("day", Decimal(7)),  # a week is always 7 days
    "小时": ("hour", Decimal(1)), "时": ("hour", Decimal(1)), "学时": ("class_hour", Decimal(1)),
    "人": ("person", Decimal(1)), "人次": ("person_time", Decimal(1)),
    "千字": ("kchar", Decimal(1)), "字": ("kchar", Decimal("0.001")),
    "%": ("ratio", Decimal("0.01")), "‰": ("ratio", Decimal("0.001")), "系数": ("ratio", Decimal(1)),
    "倍": ("ratio", Decimal(1)),
}
# Counted things: each its own dimension (a 台 is not a 辆).
COUNTS = ("台", "辆", "座", "套", "件", "个", "次", "张", "份", "项", "间", "处", "户", "授权", "功能点", "遍", "场",
          "期", "班", "批", "块", "株", "棵", "升", "吨", "本", "册", "页", "条", "站", "点")
# Compound tokens written without a separator.
COMPOUNDS = {"人月": ("人", "月"), "人天": ("人", "天"), "人日": ("人", "天"), "人年": ("人", "年"),
             "人时": ("人", "小时"), "人工日": ("人", "天")}
_QUALIFIER = re.compile(r"[（(][^）)]*[）)]")
_SEPARATORS = re.compile(r"[·•∙.*×]")


class UnknownUnit(ValueError):
    """A unit text the registry cannot read."""


@dataclass(frozen=True)
class Unit:
    text: str
    dims: tuple[tuple[str, int], ...]  # sorted (dimension, power)
    factor: Decimal
    money_factor: Decimal | None = None  # 元 per unit of the numerator's money, when money per something

    def compatible(self, other: Unit) -> bool:
        return self.dims == other.dims

    def to(self, other: Unit, value: Decimal) -> Decimal:
        """`value` in this unit expressed in `other` (compatible) unit."""
        return value * self.factor / other.factor


@lru_cache(maxsize=4096)
def parse(text: str) -> Unit:
    """Read a unit text; raises UnknownUnit naming the part it could not read."""
    clean = _QUALIFIER.sub("", text or "").replace(" ", "").strip()
    if not clean:
        raise UnknownUnit("单位为空")
    numerator, _, denominator = clean.partition("/")
    powers: dict[str, int] = {}
    factor = Decimal(1)
    for part, sign in ((numerator, 1), (denominator, -1)):
        for token in _tokens(part):
            dim, f = _atom(token, text)
            powers[dim] = powers.get(dim, 0) + sign
            factor = factor * f if sign > 0 else factor / f
    dims = tuple(sorted((d, p) for d, p in powers.items() if p))
    return Unit(text, dims, factor, _money_part(text) if powers.get("money") == 1 else None)


def _tokens(part: str) -> list[str]:
    tokens = []
    for piece in filter(None, _SEPARATORS.split(part)):
        tokens.extend(COMPOUNDS.get(piece, (piece,)))
    return tokens


def _atom(token: str, text: str) -> tuple[str, Decimal]:
    if token in ATOMS:
        return ATOMS[token]
    if token in COUNTS:
        return (f"count:{token}", Decimal(1))
    raise UnknownUnit(f"无法识别单位“{text}”中的“{token}”")


def _money_part(text: str) -> Decimal:
    numerator = _QUALIFIER.sub("", text).partition("/")[0]
    for token in _tokens(numerator):
        if token in ATOMS and ATOMS[token][0] == "money":
            return ATOMS[token][1]
    return Decimal(1)


def convert(value: Decimal, source: str, target: str) -> Decimal:
    """Convert `value` from unit text `source` to `target`; UnknownUnit or ValueError when impossible."""
    a, b = parse(source), parse(target)
    if not a.compatible(b):
        raise ValueError(f"单位不兼容：{source} 与 {target}")
    return a.to(b, value)
