"""registry.units: reading unit texts, compatibility and exact conversions."""
from __future__ import annotations

from decimal import Decimal

import pytest

from registry import units
from tests.compare.test_compare_api import _one


@pytest.mark.parametrize(("value", "source", "target", "expected"), [
    ("650", "元/人·天", "千元/人·天", "0.65"),
    ("3", "万元/台", "元/台", "30000"),
    ("12", "元/平方米·年", "元/平方米·月", "1"),
    ("1", "元/亩", "元/平方米", "0.0015"),
    ("25000", "元/人月", "元/人·年", "300000"),
    ("14", "次/周", "次/日", "2"),
    ("5", "%", "‰", "50"),
])
def test_conversions(value, source, target, expected):
    # Decimal division: exact wherever the factors are powers of ten, to 28 digits (a seventh) elsewhere.
    assert units.convert(Decimal(value), source, target).quantize(Decimal("1e-20")) == Decimal(expected)


def test_incompatible_and_unknown_units():
    with pytest.raises(ValueError, match="单位不兼容"):
        units.convert(Decimal(1), "元/天", "元/月")  # calendar and working days differ: no conversion
    with pytest.raises(ValueError, match="单位不兼容"):
        units.convert(Decimal(1), "元/台", "元/辆")
    with pytest.raises(units.UnknownUnit, match="飞船"):
        units.parse("元/飞船")


def test_money_factor_is_read_once_with_the_unit():
    assert units.parse("万元/项").money_factor == Decimal(10000)
    assert units.parse("元/人·天").money_factor == Decimal(1)
    assert units.parse("次/周").money_factor is None
    assert units.parse("元/人·天") is units.parse("元/人·天")  # parsed once, shared


def test_a_weekly_frequency_compares_with_a_daily_one(seeded, client):
    line = {"standard_code": "SV-CITY-ROAD-CLEAN", "item_key": "l1-flush", "quantity": "1"}
    weekly = _one(client, {"line_id": "W", "unit": "次/周", "unit_price": "4", **line})
    assert (weekly["verdict"], weekly["limit"]) == ("within", {"min": "3.00", "max": "5.00", "unit": "次/周"})
    daily = _one(client, {"line_id": "D", "unit": "次/日", "unit_price": "1", **line})
    assert (daily["verdict"], daily["limit"]["max"], daily["deviation_pct"]) == ("over", "0.71", "40.00")
