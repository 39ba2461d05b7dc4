"""Search and type-ahead."""
from __future__ import annotations

from marshmallow import fields, validate

from registry.enums import Kind, Status
from schemas.fields import BaseSchema, Date, Dict, Enum, Integer, List, Nested, String, text


class SearchArgsSchema(BaseSchema):
    q = text(max_length=200, metadata={"description": "中文关键词，如“绿化养护 一级”；为空时按筛选条件列出"})
    kind = Enum(Kind, by_value=True)
    field = text(max_length=128)
    category = text(max_length=128, metadata={"description": "含下级类别"})
    region = text(max_length=64)
    status = Enum(Status, by_value=True, metadata={"description": "不填且无 as_of：只搜今日生效的版本"})
    as_of = Date(metadata={"description": "只搜该日生效的版本"})
    page = Integer(load_default=1, validate=validate.Range(min=1, max=1000, error="页码应在 1 到 1000 之间"))
    page_size = Integer(load_default=20, validate=validate.Range(min=1, max=100, error="每页条数应在 1 到 100 之间"))


class HitSchema(BaseSchema):
    code = String(attribute="document.code")
    title = String(attribute="document.title")
    kind = String(attribute="document.kind")
    field = String(attribute="document.field")
    category = String(attribute="document.category")
    region = String(attribute="document.region")
    status = String(attribute="document.status")
    version = Integer(attribute="document.version")
    effective_from = String(attribute="document.effective_from", allow_none=True)
    effective_to = String(attribute="document.effective_to", allow_none=True)
    doc_no = String(attribute="document.doc_no", allow_none=True)
    score = fields.Float()
    highlight = Dict(keys=String(), values=String(), metadata={"description": "命中词以 <em> 标出：title、body"})


class SearchResultSchema(BaseSchema):
    total = Integer()
    engine = String(metadata={"description": "实际应答的搜索引擎"})
    hits = List(Nested(HitSchema))
    facets = Dict(keys=String(), values=Dict(keys=String(), values=Integer()),
                  metadata={"description": "kind、field、category、region、status 各取值的命中数"})


class SuggestArgsSchema(BaseSchema):
    q = text(required=True, min_length=1, max_length=50, metadata={"description": "中文前缀、全拼或拼音首字母，如 hyf"})
    limit = Integer(load_default=10, validate=validate.Range(min=1, max=20, error="应在 1 到 20 之间"))


class SuggestionSchema(BaseSchema):
    text = String()
    pinyin = String()
    initials = String()


class SuggestResultSchema(BaseSchema):
    suggestions = List(Nested(SuggestionSchema))
