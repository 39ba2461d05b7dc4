"""Marshmallow fields and base schema that speak Chinese to the people who send bad input.

Marshmallow merges `default_error_messages` along the MRO, so a mixin placed first
overrides the English defaults of every field type.
"""
from __future__ import annotations

import decimal
import re

from marshmallow import RAISE, Schema, fields, validate

from registry.decimals import to_text

MAX_DIGITS = 18  # integer digits accepted for an amount: far beyond any budget
MAX_PLACES = 6
MAX_ID = 2**31 - 1  # the largest id, version number or event sequence both databases store (PostgreSQL integer)


class _Chinese:
    default_error_messages = {
        "required": "必填字段",
        "null": "不能为 null",
        "validator_failed": "取值无效",
    }


# Control characters and lone surrogates: nothing a person types, and they break spreadsheets,
# XML and database encodings downstream. Tabs and line breaks are fine.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The same rule as an OpenAPI pattern, so the published document says what input is refused
# (lone surrogates cannot travel in UTF-8 JSON, so the pattern need not name them). Only input
# fields carry it: an error message may quote the offending input, control characters and all.
PRINTABLE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class String(_Chinese, fields.String):
    default_error_messages = {
        "invalid": "应为文本", "invalid_utf8": "不是有效的 UTF-8 文本",
        "unprintable": "含有不可见的控制字符，请删除后重试",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if UNPRINTABLE.search(text):
            raise self.make_error("unprintable")
        return text


class Integer(_Chinese, fields.Integer):
    default_error_messages = {"invalid": "应为整数", "too_large": "数值过大"}


class Boolean(_Chinese, fields.Boolean):
    default_error_messages = {"invalid": "应为 true 或 false"}


class JsonBoolean(Boolean):
    """A JSON body's boolean: true or false only. 0/1 and "yes" stay for forms and query strings,
    where every value is text; in JSON they would pass the published `type: boolean` unnoticed."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Date(_Chinese, fields.Date):
    default_error_messages = {"invalid": "日期格式应为 YYYY-MM-DD，且为真实日期", "format": "无法格式化为日期"}


class DateTime(_Chinese, fields.AwareDateTime):
    default_error_messages = {"invalid": "时间格式无效"}


class Dict(_Chinese, fields.Dict):
    default_error_messages = {"invalid": "应为 JSON 对象"}


class List(_Chinese, fields.List):
    default_error_messages = {"invalid": "应为数组"}


class Nested(_Chinese, fields.Nested):
    default_error_messages = {"type": "应为 JSON 对象"}


class Enum(_Chinese, fields.Enum):
    default_error_messages = {"unknown": "应为以下之一：{choices}"}


class Amount(_Chinese, fields.Decimal):
    """An exact number: accepted as a JSON number or string, returned as a canonical string."""

    default_error_messages = {
        "invalid": "应为数字（可写作 JSON 数字或字符串，如 \"650\"、\"0.7\"）",
        "special": "不允许 NaN 或无穷大",
        "too_large": f"整数部分最多 {MAX_DIGITS} 位",
        "too_precise": f"最多 {MAX_PLACES} 位小数",
    }

    # What `_validated` accepts, as OpenAPI can say it: a decimal string, or a JSON number within
    # the same digits (multipleOf is exact in JSON Schema, so it states the places rule).
    OPENAPI = {"anyOf": [
        {"type": "string", "pattern": rf"^[+-]?\d{{1,{MAX_DIGITS}}}(\.\d{{1,{MAX_PLACES}}})?$"},
        {"type": "number", "minimum": -(10**MAX_DIGITS - 1), "maximum": 10**MAX_DIGITS - 1,
         "multipleOf": float(decimal.Decimal(1).scaleb(-MAX_PLACES))},
    ]}

    def __init__(self, **kwargs):
        metadata = self.OPENAPI | {"description": "精确小数：请求中可写作字符串或 JSON 数字，返回为字符串"} | kwargs.pop("metadata", {})
        super().__init__(allow_nan=False, metadata=metadata, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number is None:
            return None
        sign, digits, exponent = number.as_tuple()
        if len(digits) + exponent > MAX_DIGITS:
            raise self.make_error("too_large")
        if exponent < -MAX_PLACES and number != number.quantize(decimal.Decimal(1).scaleb(-MAX_PLACES)):
            raise self.make_error("too_precise")
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_text(decimal.Decimal(value))


def text(*, required: bool = False, max_length: int = 200, min_length: int = 0, **kwargs) -> String:
    """An input string: a length limit stated in Chinese, and no control characters (documented)."""
    kwargs["metadata"] = {"pattern": PRINTABLE_PATTERN} | kwargs.get("metadata", {})
    return String(
        required=required,
        validate=validate.Length(
            min=min_length, max=max_length,
            error=f"长度应在 {min_length} 到 {max_length} 个字符之间" if min_length else f"最多 {max_length} 个字符",
        ),
        **kwargs,
    )


class BaseSchema(Schema):
    """Unknown keys are refused: a typo must not silently drop a value."""

    class Meta:
        unknown = RAISE

    error_messages = {"type": "应为 JSON 对象", "unknown": "未知字段"}
