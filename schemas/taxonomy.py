"""The taxonomy tree."""
from __future__ import annotations

from schemas.fields import BaseSchema, List, Nested, String


class CategorySchema(BaseSchema):
    code = String()
    name = String()
    children = List(Nested(lambda: CategorySchema()))


class FieldSchema(BaseSchema):
    code = String()
    name = String()
    categories = List(Nested(CategorySchema))


class RegionSchema(BaseSchema):
    code = String()
    name = String()
    level = String(metadata={"description": "district 全区 / street 街道 / town 镇"})


class DepartmentSchema(BaseSchema):
    code = String()
    name = String()


class TaxonomySchema(BaseSchema):
    fields = List(Nested(FieldSchema))
    regions = List(Nested(RegionSchema))
    departments = List(Nested(DepartmentSchema))
