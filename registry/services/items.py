"""Building a version's items from plain data, with the domain checks a schema cannot make."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from registry.decimals import to_text
from registry.enums import RULE_REQUIRES, Rule
from registry.errors import ValidationFailed
from registry.models import Item

ITEM_FIELDS = ("name", "rule", "unit", "value", "min", "max", "conditions", "components", "note")
_NUMBER_NAMES = {"value": "value（数值）", "min": "min（下限）", "max": "max（上限）"}


def build_items(raw_items: Iterable[dict], *, path: str = "items") -> list[Item]:
    """Items in the given order; every problem is reported at once, by field path."""
    errors: dict[str, list[str]] = {}
    items: list[Item] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        where = f"{path}.{index}"
        for problem_path, message in _problems(raw, where):
            errors.setdefault(problem_path, []).append(message)
        if raw["key"] in seen:
            errors.setdefault(f"{where}.key", []).append(f"条目键 {raw['key']} 重复")
        seen.add(raw["key"])
        items.append(make_item(raw, position=index))
    if errors:
        raise ValidationFailed("条目有误，请按 errors 中的字段路径修改", code="invalid_items", errors=errors)
    return items


def make_item(raw: dict, *, position: int) -> Item:
    return Item(
        position=position,
        key=raw["key"],
        name=raw["name"],
        rule=Rule(raw["rule"]),
        unit=raw["unit"],
        value=raw.get("value"),
        min=raw.get("min"),
        max=raw.get("max"),
        conditions=dict(raw.get("conditions") or {}),
        components=[
            {"name": c["name"], "value": to_text(Decimal(str(c["value"])))} for c in raw.get("components") or []
        ],
        note=raw.get("note"),
    )


def item_as_dict(item: Item) -> dict:
    """The comparable content of an item (what a diff looks at)."""
    return {name: getattr(item, name) for name in ITEM_FIELDS} | {"key": item.key}


def _problems(raw: dict, where: str) -> Iterable[tuple[str, str]]:
    rule = Rule(raw["rule"])
    for name in RULE_REQUIRES[rule]:
        if raw.get(name) is None:
            yield f"{where}.{name}", f"规则 {rule.value} 需要填写 {_NUMBER_NAMES[name]}"
    low, high = raw.get("min"), raw.get("max")
    if low is not None and high is not None and low > high:
        yield f"{where}.min", f"下限 {to_text(low)} 大于上限 {to_text(high)}"
    names = [c["name"] for c in raw.get("components") or []]
    if len(names) != len(set(names)):
        yield f"{where}.components", "分项名称重复"
