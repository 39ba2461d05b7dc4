"""The arithmetic of one comparison: limits in the line's unit, verdict, deviation, excess.

Pure functions on plain values: no database, no HTTP. Amounts are exact decimals, rounded
half-up to cents only when reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from registry import units
from registry.decimals import to_text

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cents(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(slots=True)  # tens of thousands per large proposal
class ItemFacts:
    """What the comparison needs of a standard's item."""

    key: str
    name: str
    rule: str
    unit: str
    value: Decimal | None
    min: Decimal | None
    max: Decimal | None
    conditions: dict
    components: list[dict]


@dataclass
class DurationRule:
    """'超过30天部分按70%' / '第三天起按50%' / '半天按60%': a share of the daily limit by day."""

    from_day: Decimal  # the rate applies to days after this many
    rate: Decimal  # as a ratio (0.7)
    half_day: bool = False


@dataclass(slots=True)  # one per line
class Outcome:
    verdict: str
    limit_min: Decimal | None = None
    limit_max: Decimal | None = None
    deviation_pct: Decimal | None = None
    excess: Decimal = Decimal(0)  # in 元
    allowed: Decimal | None = None  # in 元, lines with a limit
    requested: Decimal = Decimal(0)  # in 元
    message: str = ""
    components: list[dict] = field(default_factory=list)


def duration_rules(items: list[ItemFacts]) -> list[DurationRule]:
    """The version's day-count rules, read from its rate items conditioned on 天数."""
    rules = []
    for item in items:
        label = item.conditions.get("天数")
        if item.rule != "rate" or not label or item.value is None:
            continue
        try:
            rate = units.parse(item.unit).factor * item.value
        except units.UnknownUnit:
            continue  # a rate in a unit we cannot read is no rule we can apply
        if label == "半天":
            rules.append(DurationRule(Decimal(0), rate, half_day=True))
        elif match := re.search(r"超过(\d+)天", label):
            rules.append(DurationRule(Decimal(match.group(1)), rate))
        elif match := re.search(r"第([一二两三四五六七八九十\d]+)天起", label):
            day = match.group(1)
            start = int(day) if day.isdigit() else _CN_DIGITS.get(day, 0)
            rules.append(DurationRule(Decimal(start - 1), rate))
    return rules


def duration_factor(days: Decimal, rules: list[DurationRule]) -> tuple[Decimal, str]:
    """Average share of the daily limit over `days`, and how it was worked out."""
    if days <= 0:
        return Decimal(1), ""
    if days < 1:
        half = next((r for r in rules if r.half_day), None)
        return (half.rate, f"半天按 {to_text(half.rate * HUNDRED)}%") if half else (Decimal(1), "")
    later = sorted((r for r in rules if not r.half_day), key=lambda r: r.from_day)
    if not later or days <= later[0].from_day:
        return Decimal(1), ""
    rule = later[0]
    full, reduced = rule.from_day, days - rule.from_day
    factor = (full + reduced * rule.rate) / days
    return factor, f"{to_text(days)} 天中前 {to_text(full)} 天全额、其后 {to_text(reduced)} 天按 {to_text(rule.rate * HUNDRED)}%"


def requested_amount(line: dict) -> Decimal:
    """quantity × unit_price in 元, for every line whose unit is money per something."""
    try:
        money = units.parse(line["unit"]).money_factor
    except units.UnknownUnit:
        return Decimal(0)
    return line["quantity"] * line["unit_price"] * money if money is not None else Decimal(0)


def evaluate(line: dict, item: ItemFacts, *, tolerance_pct: Decimal, durations: list[DurationRule]) -> Outcome:
    """Compare one line with one item; `line` holds exact decimals."""
    price, quantity = line["unit_price"], line["quantity"]
    try:
        line_unit = units.parse(line["unit"])
    except units.UnknownUnit as exc:
        return Outcome("unit_mismatch", message=str(exc))
    money = line_unit.money_factor
    requested = quantity * price * money if money is not None else Decimal(0)
    limits = _limits(line, item, line_unit)
    if isinstance(limits, Outcome):
        limits.requested = requested
        return limits
    low, high, note = limits
    factor, how = duration_factor(line.get("days") or Decimal(0), durations) if durations and item.rule != "rate" else (Decimal(1), "")
    low, high = (None if low is None else low * factor), (None if high is None else high * factor)
    outcome = _verdict(price, low, high, tolerance_pct, item, line["unit"])
    outcome.requested = requested
    if money is not None:
        capped = price if high is None else min(price, high)
        outcome.allowed = quantity * capped * money
        if outcome.verdict == "over":
            outcome.excess = (price - high) * quantity * money
    outcome.components = _components(line.get("components") or {}, item, line_unit)
    extras = [m for m in (note, how, _component_note(outcome.components)) if m]
    if extras:
        outcome.message += "（" + "；".join(extras) + "）"
    return outcome


def _limits(line: dict, item: ItemFacts, line_unit: units.Unit):
    """(min, max, note) in the line's unit, or an Outcome when no limit can apply."""
    if item.rule == "rate":
        base = line.get("base_amount")
        if base is None:
            return Outcome("no_standard", message=f"“{item.name}”按基数的 {to_text(item.value)}{item.unit} 计算，请提供 base_amount（计费基数）")
        if line_unit.money_factor is None:
            return Outcome("unit_mismatch", message=f"费率条目需以金额单位申报，当前单位为 {line['unit']}")
        try:
            ratio = units.parse(item.unit).factor * item.value
        except units.UnknownUnit as exc:
            return Outcome("unit_mismatch", message=f"费率条目“{item.name}”的单位无法识别：{exc}")
        return None, base * ratio, f"基数 {to_text(base)} × {to_text(item.value)}{item.unit}"
    try:
        item_unit = units.parse(item.unit)
    except units.UnknownUnit as exc:
        return Outcome("unit_mismatch", message=str(exc))
    if not item_unit.compatible(line_unit):
        return Outcome("unit_mismatch", message=f"单位不兼容：申报为 {line['unit']}，标准“{item.name}”为 {item.unit}")
    rule = item.rule
    if rule == "ceiling":
        low, high = None, item.max
    elif rule == "floor":
        low, high = item.min, None
    elif rule == "range":
        low, high = item.min, item.max
    elif rule == "fixed":
        low, high = item.value, item.value
    elif rule == "target":
        low, high = item.value, None
    else:
        raise KeyError(rule)
    note = "" if item.unit == line["unit"] else f"标准单位 {item.unit} 已换算为 {line['unit']}"
    return (None if low is None else item_unit.to(line_unit, low)), (None if high is None else item_unit.to(line_unit, high)), note


def _verdict(price: Decimal, low, high, tolerance_pct: Decimal, item: ItemFacts, unit: str) -> Outcome:
    name = item.name
    if high is not None and price > high:
        deviation = (price - high) / high * HUNDRED if high else None
        if deviation is not None and tolerance_pct > 0 and deviation <= tolerance_pct:
            return Outcome("within", low, high, None,
                           message=f"超出{name} {cents(high)} {unit} {cents(deviation)}%，在容差 {to_text(tolerance_pct)}% 以内")
        return Outcome("over", low, high, deviation, message=f"超出{name} {cents(high)} {unit} {cents(deviation or 0)}%")
    if low is not None and price < low:
        deviation = (price - low) / low * HUNDRED if low else None
        return Outcome("under", low, high, deviation, message=f"低于{name}下限 {cents(low)} {unit} {cents(abs(deviation or 0))}%")
    bound = f"上限 {cents(high)}" if high is not None else f"下限 {cents(low)}"
    return Outcome("within", low, high, None, message=f"符合{name}（{bound} {unit}）")


def _components(given: dict, item: ItemFacts, line_unit: units.Unit) -> list[dict]:
    """Each itemised part the line states, against the standard's part (report only)."""
    if not given:
        return []
    limits = {c["name"]: Decimal(c["value"]) for c in item.components}
    try:
        factor = units.parse(item.unit).factor / line_unit.factor
    except units.UnknownUnit:
        factor = Decimal(1)
    report = []
    for name, value in given.items():
        if name not in limits:
            report.append({"name": name, "value": cents(value), "limit": None, "verdict": "no_standard"})
            continue
        limit = limits[name] * factor
        report.append({"name": name, "value": cents(value), "limit": cents(limit),
                       "verdict": "over" if value > limit else "within"})
    return report


def _component_note(components: list[dict]) -> str:
    over = [c["name"] for c in components if c["verdict"] == "over"]
    return f"分项超标：{'、'.join(over)}（综合定额内可调剂，仅提示）" if over else ""
