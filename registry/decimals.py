"""Exact decimals in and out: never a float on the way."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation


def to_text(value: Decimal | None) -> str | None:
    """Canonical plain text: 650.000 → "650", 0.70 → "0.7", never exponent notation."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def parse(value: object) -> Decimal | None:
    """A Decimal from text or int, or None when it is not a finite number."""
    if value is None or isinstance(value, (bool, float)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
