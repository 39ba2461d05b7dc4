"""Warn when a standard's items carry units the comparison cannot read.

A unit the registry cannot read is accepted on write: departments use unusual but legitimate
units, and refusing them would stop their work. But every proposal line compared with such an
item gets `unit_mismatch`, so the submitter and the reviewers are told at submission (and an
import reports it), naming the items and what could not be read.
"""
from __future__ import annotations

from registry import units
from registry.models import Version


def unreadable_units(version: Version) -> dict | None:
    """One warning naming every item whose unit does not parse, or None."""
    problems = []
    for item in version.items:
        try:
            units.parse(item.unit)
        except units.UnknownUnit as exc:
            problems.append((item, str(exc)))
    if not problems:
        return None
    listed = "；".join(f"{item.key}（{item.unit}：{why}）" for item, why in problems)
    return {
        "kind": "unit",
        "code": version.standard.code,
        "title": version.standard.title,
        "version": version.number,
        "items": [{"key": item.key, "unit": item.unit} for item, _ in problems],
        "message": (f"{len(problems)} 个条目的单位无法识别：{listed}。比对时这些条目一律判为“单位不兼容”"
                    f"（unit_mismatch）；请改用可识别的单位，如 元/人·天、元/平方米·年、万元/台"),
    }
