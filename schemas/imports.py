"""Bulk import: the upload form and the report that answers it."""
from __future__ import annotations

from marshmallow import fields

from schemas.common import ErrorSchema
from schemas.fields import BaseSchema, Boolean, Integer, List, Nested, String


class UploadField(fields.Raw):
    """A file part of a multipart form (documented as a binary string)."""

    default_error_messages = {"invalid": "应为上传的文件（multipart/form-data 中的文件部分）", "required": "必填：请上传文件",
                              "null": "必填：请上传文件"}

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "format": "binary"} | kwargs.pop("metadata", {}), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not (hasattr(value, "read") and hasattr(value, "filename")):
            raise self.make_error("invalid")
        return value


class ImportUploadSchema(BaseSchema):
    file = UploadField(required=True, metadata={"description": "按模板填写的 .xlsx，或同样表头的 .csv（UTF-8 或 GBK），≤ 10 MB、≤ 50000 行"})
    submit = Boolean(load_default=False, metadata={"description": "true：导入后立即提交审核"})


class RowErrorSchema(BaseSchema):
    row = Integer(metadata={"description": "Excel 行号：表头为第 1 行，数据从第 2 行开始"})
    column = String(metadata={"description": "文件中的列名；整行或整个文件的问题为空"})
    message = String()


class CreatedSchema(BaseSchema):
    code = String()
    version = Integer()
    status = String(metadata={"description": "draft，或提交审核后为 submitted"})
    items = Integer(metadata={"description": "条目数"})


class ImportWarningSchema(BaseSchema):
    kind = String(metadata={"description": "new_version：标准已存在，已新建草稿版本；overlap：与已生效标准重叠；unit：条目单位无法识别"})
    code = String()
    version = Integer()
    message = String()
    other_code = String(metadata={"description": "与之重叠的已生效标准"})
    other_version = Integer()


class ImportReportSchema(BaseSchema):
    rows = Integer(metadata={"description": "数据行数"})
    standards = Integer(metadata={"description": "标准个数（不同的标准代码）"})
    created = List(Nested(CreatedSchema))
    errors = List(Nested(RowErrorSchema), metadata={"description": "成功时为空"})
    warnings = List(Nested(ImportWarningSchema))


class ImportErrorSchema(ErrorSchema):
    """The common error shape plus every problem by row and column; nothing was written."""

    rows = Integer()
    standards = Integer()
    row_errors = List(Nested(RowErrorSchema))
