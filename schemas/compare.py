"""The compare contract (a stable interface: review tools are built against it)."""
from __future__ import annotations

from marshmallow import ValidationError, fields

from schemas.fields import Amount, BaseSchema, Boolean, Date, Dict, Integer, JsonBoolean, List, Nested, String, text
from schemas.imports import UploadField


def _within_percent(value) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError("应在 0 到 100 之间")


def _tolerance(*, nullable: bool = True) -> Amount:
    # A validator function, not validate.Range: apispec would render Decimal bounds as strings.
    percent = {"anyOf": [
        {"type": "string", "pattern": r"^\+?(100(\.0{1,6})?|\d{1,2}(\.\d{1,6})?)$"},
        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.000001},
    ]}
    return Amount(load_default=None, allow_none=nullable, validate=_within_percent,
                  metadata=percent | {"description": "容差百分比：超出不多于此比例仍判为 within"})


class CompareLineSchema(BaseSchema):
    """One proposal line. Documented here; validated line by line by `registry.compare.lines`
    so that a bad line gets its own error while the others are compared."""

    line_id = String(required=True, metadata={"example": "L1"})
    standard_code = String(metadata={"example": "SP-ADM-MEETING"})
    item_key = String()
    conditions = Dict(keys=String(), values=String(), metadata={"example": {"会议类别": "二类"}})
    description = String(metadata={"description": "无代码时用于检索标准", "example": "二类会议 会议费"})
    field = String()
    category = String()
    unit = String(required=True, metadata={"example": "元/人·天"})
    quantity = Amount(required=True, metadata={"example": "120"})
    unit_price = Amount(required=True, metadata={"example": "700"})
    base_amount = Amount(metadata={"description": "费率条目的计费基数"})
    days = Amount(metadata={"description": "活动天数（培训超过 30 天部分等折算规则）"})
    components = Dict(keys=String(), values=Amount(), metadata={"example": {"住宿费": "450"}})


class CompareRequestSchema(BaseSchema):
    as_of = Date(required=True, metadata={"example": "2025-03-01"})
    region = text(max_length=64, allow_none=True, metadata={"example": "青浦区"})
    department = text(max_length=64, allow_none=True)
    tolerance_pct = _tolerance()
    save = JsonBoolean(load_default=False, metadata={"description": "保存本次比对，返回 review_id"})
    # Any JSON value per line, null included: a line that is not a CompareLine gets its own error.
    lines = List(fields.Raw(allow_none=True), required=True, metadata={"description": "CompareLine 数组（最多 50,000 行）"})


class CompareUploadSchema(BaseSchema):
    """The multipart form: the workbook in `file`, the rest as form fields."""

    file = UploadField(required=True, metadata={"description": ".xlsx（申报明细）或 .csv"})
    as_of = Date(required=True)
    region = text(max_length=64, allow_none=True)
    department = text(max_length=64, allow_none=True)
    tolerance_pct = _tolerance(nullable=False)  # a form field has no null: leave it out instead
    save = Boolean(load_default=False)


class CandidateSchema(BaseSchema):
    code = String()
    title = String()
    item_key = String(allow_none=True)
    score = fields.Float(allow_none=True)


class LimitSchema(BaseSchema):
    min = String(allow_none=True)
    max = String(allow_none=True)
    unit = String()


class ComponentResultSchema(BaseSchema):
    name = String()
    value = String()
    limit = String(allow_none=True)
    verdict = String()


class LineResultSchema(BaseSchema):
    line_id = String(allow_none=True)
    verdict = String(metadata={"description": "within / over / under / no_standard / unit_mismatch / ambiguous；行有误时缺省"})
    error = String(metadata={"description": "行级错误（此时无 verdict）"})
    index = Integer()
    standard_code = String(allow_none=True)
    version = Integer(allow_none=True)
    item_key = String(allow_none=True)
    doc_no = String(allow_none=True)
    limit = Nested(LimitSchema, allow_none=True)
    quantity = String(allow_none=True)
    unit_price = String()
    deviation_pct = String(allow_none=True)
    requested_amount = String()
    excess_amount = String()
    components = List(Nested(ComponentResultSchema))
    candidates = List(Nested(CandidateSchema))
    message = String()
    score = fields.Float()


class SummarySchema(BaseSchema):
    lines = Integer()
    requested_amount = String()
    allowed_amount = String()
    excess_amount = String()
    by_verdict = Dict(keys=String(), values=Integer())
    errors = Integer()


class VersionUsedSchema(BaseSchema):
    code = String()
    version = Integer()


class CompareResultSchema(BaseSchema):
    review_id = String()
    as_of = String()
    region = String(allow_none=True)
    tolerance_pct = String()
    summary = Nested(SummarySchema)
    lines = List(Nested(LineResultSchema))
    versions_used = List(Nested(VersionUsedSchema))
