"""The sync contract for the budget-management integration system."""
from __future__ import annotations

from marshmallow import validate

from schemas.fields import MAX_ID, BaseSchema, Boolean, Date, DateTime, Dict, Integer, List, Nested, String, text


class ChangesArgsSchema(BaseSchema):
    since = Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID, error=f"since 应为 0 到 {MAX_ID} 之间的序号"),
                    metadata={"description": "上次取到的 next；只返回序号更大的事件"})
    limit = Integer(load_default=1000, validate=validate.Range(min=1, max=10000, error="limit 应在 1 到 10000 之间"))


class ChangeSchema(BaseSchema):
    seq = Integer()
    event = String(attribute="action", metadata={"description": "created / edited / submitted / confirmed / published / superseded / retired …"})
    code = String()
    version = Integer(allow_none=True)
    status = String(attribute="to_status", allow_none=True)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
    at = DateTime()
    actor = String()


class ChangesSchema(BaseSchema):
    events = List(Nested(ChangeSchema))
    next = Integer(metadata={"description": "下次请求的 since"})
    has_more = Boolean(metadata={"description": "true 表示还有更多事件，立即再取"})


class BaselinesArgsSchema(BaseSchema):
    as_of = Date(metadata={"description": "默认今天"})
    format = String(load_default="json", validate=validate.OneOf(("json", "ndjson", "csv", "xlsx"),
                                                                 error="format 应为 json、ndjson、csv 或 xlsx"))
    code = List(text(min_length=1, max_length=64), metadata={"description": "只取这些标准（可重复）"})


class BaselineRowSchema(BaseSchema):
    """One row of /baselines (documentation only: rows are streamed, not dumped through it)."""

    code = String()
    version = Integer()
    kind = String()
    field = String()
    category = String()
    region = String()
    title = String()
    item_key = String()
    item_name = String()
    rule = String()
    unit = String()
    value = String(allow_none=True, metadata={"description": "精确小数（字符串）"})
    min = String(allow_none=True)
    max = String(allow_none=True)
    conditions = Dict(keys=String(), values=String())
    components = List(Dict())
    doc_no = String(allow_none=True)
    issuer = String(allow_none=True)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
