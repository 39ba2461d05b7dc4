"""Shapes every endpoint shares: errors and pagination."""
from __future__ import annotations

from marshmallow import validate

from schemas.fields import BaseSchema, Dict, Integer, List, String

MAX_PAGE = 100_000  # far past any real listing, and (page - 1) × page_size stays a small integer


class ErrorSchema(BaseSchema):
    code = String(metadata={"description": "机器可读的错误代码，如 validation_failed"})
    status = Integer(metadata={"description": "HTTP 状态码"})
    message = String(metadata={"description": "中文说明：出了什么问题、如何改正"})
    errors = Dict(
        keys=String(), values=List(String()),
        metadata={"description": "按字段路径列出的问题，如 {\"items.0.max\": [\"…\"]}"},
    )
    request_id = String()
    retry_after = Integer(metadata={"description": "429 时：多少秒后可重试（同 Retry-After 头）"})


class PageArgsSchema(BaseSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE, error=f"页码应在 1 到 {MAX_PAGE} 之间"))
    page_size = Integer(load_default=50, validate=validate.Range(min=1, max=500, error="每页条数应在 1 到 500 之间"))


class PageSchema(BaseSchema):
    total = Integer()
    page = Integer()
    page_size = Integer()
