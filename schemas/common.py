"""Shapes every endpoint shares: errors and pagination."""
from __future__ import annotations

from marshmallow import validate

from schemas.fields import BaseSchema, Dict, Integer, List, String


class ErrorSchema(BaseSchema):
    code = String(metadata={"description": "机器可读的错误代码，如 validation_failed"})
    status = Integer(metadata={"description": "HTTP 状态码"})
    message = String(metadata={"description": "中文说明：出了什么问题、如何改正"})
    errors = Dict(
        keys=String(), values=List(String()),
        metadata={"description": "按字段路径列出的问题，如 {\"items.0.max\": [\"…\"]}"},
    )
    request_id = String()


class PageArgsSchema(BaseSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, error="页码应为 ≥ 1 的整数"))
    page_size = Integer(load_default=50, validate=validate.Range(min=1, max=500, error="每页条数应在 1 到 500 之间"))


class PageSchema(BaseSchema):
    total = Integer()
    page = Integer()
    page_size = Integer()
