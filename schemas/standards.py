"""Standards, versions and items: what clients send and what they get back."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from marshmallow import fields, validate

from registry.decimals import to_text
from registry.enums import Kind, Rule, Status
from schemas.common import PageArgsSchema, PageSchema
from schemas.fields import (
    MAX_ID, Amount, BaseSchema, Boolean, Date, DateTime, Dict, Enum, Integer, JsonBoolean, List, Nested, String, text,
)

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._-]{1,63}$"
CODE_RULE = "大写字母、数字与 . _ -，2 到 64 位，以字母或数字开头"
ITEM_KEY_PATTERN = r"^[^\s/\x00-\x1f\x7f\x85]{1,64}$"  # \x85: Python counts it as \s, ECMA-262 does not


def standard_code(**kwargs) -> String:
    return String(
        validate=validate.Regexp(CODE_PATTERN, error=f"标准代码格式应为：{CODE_RULE}"),
        metadata={"example": "SP-ADM-MEETING"}, **kwargs,
    )


class ComponentSchema(BaseSchema):
    name = text(required=True, min_length=1, max_length=64, metadata={"example": "住宿费"})
    value = Amount(required=True, metadata={"example": "400"})


class ItemSchema(BaseSchema):
    key = String(
        required=True,
        validate=validate.Regexp(ITEM_KEY_PATTERN, error="条目键应为 1 到 64 个字符，不含空白和 /"),
        metadata={"example": "class2"},
    )
    name = text(required=True, min_length=1, max_length=200, metadata={"example": "二类会议综合定额"})
    rule = Enum(Rule, by_value=True, required=True)
    unit = text(required=True, min_length=1, max_length=32, metadata={"example": "元/人·天"})
    value = Amount(allow_none=True)
    min = Amount(allow_none=True)
    max = Amount(allow_none=True, metadata={"example": "650"})
    conditions = Dict(
        keys=text(min_length=1, max_length=32), values=text(min_length=1, max_length=64),
        load_default=dict, metadata={"example": {"会议类别": "二类"}},
    )
    components = List(Nested(ComponentSchema), load_default=list)
    note = text(max_length=2000, allow_none=True)


class BasisSchema(BaseSchema):
    issuer = text(max_length=200, allow_none=True, metadata={"example": "财政部"})
    doc_no = text(max_length=100, allow_none=True, metadata={"example": "财行〔2016〕71号"})
    url = text(max_length=500, allow_none=True)


def _items_field(*, min_items: int = 0, **kwargs) -> List:
    limits = [validate.Length(max=2000, error="一个版本最多 2000 个条目")]
    if min_items:
        limits.append(validate.Length(min=min_items, error="至少需要一个条目"))
    return List(Nested(ItemSchema), validate=limits, **kwargs)


class StandardCreateSchema(BaseSchema):
    code = standard_code(required=True)
    kind = Enum(Kind, by_value=True, required=True)
    field = text(required=True, min_length=1, max_length=128, metadata={"description": "领域代码或名称"})
    category = text(required=True, min_length=1, max_length=128, metadata={"description": "类别代码或名称"})
    title = text(required=True, min_length=1, max_length=200)
    region = text(required=True, min_length=1, max_length=64, metadata={"description": "区域代码或名称，如 qingpu / 青浦区"})
    department = text(required=True, min_length=1, max_length=64, metadata={"description": "部门代码或名称"})
    is_sample = JsonBoolean(load_default=False)
    basis = Nested(BasisSchema, load_default=dict)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True, metadata={"description": "首个不再适用的日期（不含），空为长期有效"})
    note = text(max_length=4000, allow_none=True)
    comment = text(max_length=2000, allow_none=True)
    items = _items_field(required=True, min_items=1)


class StandardPutSchema(StandardCreateSchema):
    """The integration system's full representation; the code comes from the URL."""

    class Meta:
        exclude = ("code",)

    external_id = text(required=True, min_length=1, max_length=128, metadata={"description": "一体化系统中的标识"})


class VersionChangesSchema(BaseSchema):
    """Changes to a draft: absent keys keep their value; items are upserted by key."""

    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
    basis = Nested(BasisSchema)
    note = text(max_length=4000, allow_none=True)
    comment = text(max_length=2000, allow_none=True)
    items = _items_field(metadata={"description": "按 key 新增或整条替换"})
    remove_items = List(text(max_length=64), metadata={"description": "要删除的条目 key"})


class ComponentOutSchema(BaseSchema):
    name = String()
    value = String()


class ItemOutSchema(ItemSchema):
    components = List(Nested(ComponentOutSchema))


class VersionSummarySchema(BaseSchema):
    number = Integer()
    status = Enum(Status, by_value=True)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
    doc_no = String(allow_none=True)


class VersionSchema(BaseSchema):
    code = fields.Function(lambda v: v.standard.code)
    number = Integer()
    status = Enum(Status, by_value=True)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
    basis = fields.Function(lambda v: {"issuer": v.issuer, "doc_no": v.doc_no, "url": v.url},
                            metadata={"type": "object", "description": "issuer、doc_no、url（均可为 null）"})
    note = String(allow_none=True)
    created_at = DateTime()
    created_by = String()
    updated_at = DateTime()
    updated_by = String()
    items = List(Nested(ItemOutSchema))


class StandardSummarySchema(BaseSchema):
    """A standard's identity and placement, read from a StandardView (standard + version)."""

    code = String(attribute="standard.code")
    kind = Enum(Kind, by_value=True, attribute="standard.kind")
    title = String(attribute="standard.title")
    field = String(attribute="standard.field.code")
    field_name = String(attribute="standard.field.name")
    category = String(attribute="standard.category.code")
    category_name = String(attribute="standard.category.name")
    region = String(attribute="standard.region.code")
    region_name = String(attribute="standard.region.name")
    department = String(attribute="standard.department.code")
    department_name = String(attribute="standard.department.name")
    is_sample = Boolean(attribute="standard.is_sample")


class StandardListRowSchema(StandardSummarySchema):
    version = Nested(VersionSummarySchema)


class StandardListSchema(PageSchema):
    items = List(Nested(StandardListRowSchema), attribute="rows")


class StandardDetailSchema(StandardSummarySchema):
    external_id = String(attribute="standard.external_id", allow_none=True)
    as_of = Date(metadata={"description": "按哪一天选出的生效版本"})
    version = Nested(VersionSchema)
    versions = List(Nested(VersionSummarySchema))


class StandardFilterSchema(PageArgsSchema):
    kind = Enum(Kind, by_value=True)
    field = text(max_length=128)
    category = text(max_length=128)
    region = text(max_length=64)
    department = text(max_length=64)
    status = Enum(Status, by_value=True)
    as_of = Date(metadata={"description": "只列出该日生效的标准及其生效版本"})


class AsOfSchema(BaseSchema):
    as_of = Date(metadata={"description": "默认今天（Asia/Shanghai）"})


class DiffArgsSchema(BaseSchema):
    against = Integer(required=True, validate=validate.Range(min=1, max=MAX_ID, error=f"应为 1 到 {MAX_ID} 之间的版本号"))


def plain(value):
    """A diff value as JSON: decimals as canonical text, dates as ISO dates."""
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Rule | Status | Kind):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class DiffSchema(BaseSchema):
    code = String()
    version = Integer()
    against = Integer()
    version_changes = fields.Function(lambda d: plain(d["version_changes"]))
    added = fields.Function(lambda d: plain(d["added"]))
    removed = fields.Function(lambda d: plain(d["removed"]))
    changed = fields.Function(lambda d: plain(d["changed"]))
    unchanged = Integer()


class EventSchema(BaseSchema):
    seq = Integer()
    action = String()
    code = String()
    version = Integer(allow_none=True)
    from_status = String(allow_none=True)
    to_status = String(allow_none=True)
    effective_from = Date(allow_none=True)
    effective_to = Date(allow_none=True)
    actor = String()
    actor_role = String()
    at = DateTime()
    comment = String(allow_none=True)
    details = Dict()


class VersionListSchema(BaseSchema):
    code = String()
    versions = List(Nested(VersionSummarySchema))

