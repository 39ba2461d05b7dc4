"""Bulk submission from Excel/CSV: the template, and the all-or-nothing import."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import send_file
from flask.views import MethodView
from werkzeug.datastructures import CombinedMultiDict

from registry.api.common import Blueprint, Parser, transactional
from registry.api.uploads import limit_upload
from registry.auth import current_actor
from registry.db import request_session
from registry.services import imports
from registry.spreadsheet import MAX_BYTES, XLSX_MIMETYPE, read_table
from registry.spreadsheet_template import build_template
from schemas.common import ErrorSchema
from schemas.imports import ImportErrorSchema, ImportReportSchema, ImportUploadSchema

TEMPLATE_NAME = "标准批量导入模板.xlsx"


class _UploadParser(Parser):
    """Reads a multipart form's fields and files as one set of arguments (file + submit)."""

    def load_form(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class _UploadBlueprint(Blueprint):
    ARGUMENTS_PARSER = _UploadParser()


blp = _UploadBlueprint("imports", __name__, url_prefix="/api/v1", description="Excel/CSV 批量填报：模板下载与整批导入")


@blp.route("/templates/standards.xlsx")
class StandardsTemplate(MethodView):
    @blp.doc(responses={200: {
        "description": "导入模板：“标准条目”（表头与一行示例）、“填写说明”，以及下拉列表",
        "content": {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}},
    }})
    def get(self):
        """The Excel template, with drop-down lists built from the current taxonomy."""
        response = send_file(io.BytesIO(build_template(request_session())), mimetype=XLSX_MIMETYPE, max_age=0)
        # An ASCII name for old clients, the Chinese one (RFC 6266 filename*) for everyone else.
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"standards-template.xlsx\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}"
        )
        return response


@blp.route("/imports/standards")
class StandardsImport(MethodView):
    @limit_upload
    @blp.arguments(ImportUploadSchema, location="form", content_type="multipart/form-data")
    @blp.response(201, ImportReportSchema)
    @blp.alt_response(411, schema=ErrorSchema, description="上传文件未提供 Content-Length（分块传输）")
    @blp.alt_response(413, schema=ErrorSchema, description="文件超过 10 MB 或 50000 行")
    @blp.alt_response(415, schema=ErrorSchema, description="不是 .xlsx 或 .csv")
    @blp.alt_response(422, schema=ImportErrorSchema, description="有错误行：row_errors 逐行列出，未写入任何内容")
    @transactional
    def post(self, form):
        """Import an .xlsx or .csv: every row becomes a draft (submitted if `submit`), or none does."""
        upload = form["file"]
        table = read_table(upload.read(MAX_BYTES + 1), upload.filename or "")
        return imports.import_standards(request_session(), table, current_actor(), submit=form["submit"])
