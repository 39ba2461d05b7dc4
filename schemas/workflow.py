"""Workflow transitions, the review inbox, and tokens."""
from __future__ import annotations

from marshmallow import validate

from registry.roles import Role
from schemas.common import PageSchema
from schemas.fields import BaseSchema, Date, DateTime, Enum, Integer, List, Nested, String, text
from schemas.standards import VersionSchema

ACTIONS = ("submit", "return", "confirm", "publish", "retire")


class TransitionSchema(BaseSchema):
    action = String(required=True, validate=validate.OneOf(ACTIONS, error="应为以下之一：" + "、".join(ACTIONS)))
    comment = text(max_length=2000, allow_none=True, metadata={"description": "退回时必填"})
    effective_from = Date(allow_none=True, metadata={"description": "confirm/publish 时可设定"})
    effective_to = Date(allow_none=True, metadata={"description": "retire 时必填：首个不再适用的日期"})
    doc_no = text(max_length=100, allow_none=True, metadata={"description": "publish 时可填写文号"})


class WarningItemSchema(BaseSchema):
    key = String()
    other_key = String(metadata={"description": "overlap：另一标准中与之重叠的条目"})
    unit = String(metadata={"description": "unit：无法识别的单位"})


class WarningSchema(BaseSchema):
    kind = String(metadata={"description": "overlap：与已生效标准重叠；unit：条目单位无法识别，比对时将判为单位不兼容"})
    code = String(metadata={"description": "overlap：另一标准的代码；unit：本标准的代码"})
    title = String()
    version = Integer()
    items = List(Nested(WarningItemSchema))
    message = String()


class TransitionResultSchema(BaseSchema):
    version = Nested(VersionSchema)
    warnings = List(Nested(WarningSchema))
    superseded = List(Integer(), metadata={"description": "因此被替代的版本号"})


class PendingRowSchema(BaseSchema):
    code = String(attribute="standard.code")
    title = String(attribute="standard.title")
    kind = String(attribute="standard.kind")
    department = String(attribute="standard.department.code")
    department_name = String(attribute="standard.department.name")
    version = Integer(attribute="number")
    effective_from = Date(allow_none=True)
    submitted_at = DateTime(attribute="updated_at")
    submitted_by = String(attribute="updated_by")


class PendingPageSchema(PageSchema):
    items = List(Nested(PendingRowSchema), attribute="rows")


class TokenCreateSchema(BaseSchema):
    name = text(required=True, min_length=1, max_length=128)
    role = Enum(Role, by_value=True, required=True)
    department = text(max_length=64, allow_none=True)
    expires_on = Date(allow_none=True, metadata={"description": "首个失效的日期"})


class TokenSchema(BaseSchema):
    id = Integer()
    name = String()
    role = Enum(Role, by_value=True)
    department = String(attribute="department.code", allow_none=True)
    prefix = String()
    created_at = DateTime()
    created_by = String()
    expires_on = Date(allow_none=True)
    revoked_at = DateTime(allow_none=True)


class IssuedTokenSchema(TokenSchema):
    token = String(metadata={"description": "令牌明文，仅此一次显示"})


class TaxonomyEntrySchema(BaseSchema):
    code = String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_.-]{0,127}$",
                                                          error="代码应为小写字母、数字与 _ . -"))
    name = text(required=True, min_length=1, max_length=64)
    field = text(max_length=64, metadata={"description": "categories：所属领域"})
    parent = text(max_length=128, metadata={"description": "categories：上级类别（可空）"})
    level = String(validate=validate.OneOf(("district", "street", "town"), error="应为 district、street 或 town"))




class TaxonomyEntryOutSchema(BaseSchema):
    code = String()
    name = String()
