"""POST /api/v1/compare and GET /api/v1/reviews/{id}: budget review against the baselines."""
import json
from decimal import Decimal

from flask import Response, request
from flask.views import MethodView
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from registry import metrics, spreadsheet
from registry.api.common import Blueprint
from registry.api.errors import flatten
from registry.api.uploads import limit_upload
from registry.auth import current_actor
from registry.compare import excel, reviews
from registry.compare.service import compare
from registry.db import get_db
from registry.errors import PayloadTooLarge, ValidationFailed
from schemas.common import ErrorSchema
from schemas.compare import CompareLineSchema, CompareRequestSchema, CompareResultSchema, CompareUploadSchema

MAX_LINES = 50_000
XLSX = spreadsheet.XLSX_MIMETYPE
blp = Blueprint("compare", __name__, url_prefix="/api/v1", description="预算审核：按生效基线逐行比对")


@blp.route("/compare")
class Compare(MethodView):
    @blp.response(200, CompareResultSchema)
    @blp.alt_response(411, schema=ErrorSchema, description="上传文件未提供 Content-Length（分块传输）")
    @blp.alt_response(413, schema=ErrorSchema)
    @blp.alt_response(415, schema=ErrorSchema, description="Content-Type 不是 JSON 或 multipart，或上传的不是 .xlsx/.csv")
    @blp.alt_response(422, schema=ErrorSchema)
    @blp.doc(
        responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"},
                                            "description": "上传工作簿且 Accept 为 xlsx 时：带结论列的同一工作簿"}}}},
        description="JSON：每行字段见 CompareLine，数字可为 JSON 数字或字符串，行有误时该行返回 error、其余照常比对。"
                    "也可上传 multipart 表单（file=.xlsx/.csv，as_of，region，tolerance_pct，save）；"
                    f"Accept: {XLSX} 时返回带结论列的同一工作簿。",
        requestBody={"required": True, "content": {
            "application/json": {"schema": CompareRequestSchema},
            "multipart/form-data": {"schema": CompareUploadSchema},
        }},
    )
    @limit_upload
    def post(self):
        """Compare a proposal's lines with the baselines in force on `as_of` (JSON or an uploaded workbook)."""
        upload = None
        if request.mimetype == "multipart/form-data":  # a form without its file is a 422, not "send JSON"
            args = _load(CompareUploadSchema(), request.form.to_dict() | request.files.to_dict())
            upload = args.pop("file")
            data = upload.read(spreadsheet.MAX_BYTES + 1)
            lines, where = excel.read(data, upload.filename or "")
            args |= {"lines": lines}
        else:
            args = _load(CompareRequestSchema(), _json_body())
        answer = _compare(args)
        if upload is not None and XLSX in request.accept_mimetypes.values():
            workbook = excel.answer(data, upload.filename or "", json.loads(answer), where)
            return Response(workbook, mimetype=XLSX,
                            headers={"Content-Disposition": "attachment; filename=compare-result.xlsx"})
        return Response(answer, mimetype="application/json")


@blp.route("/reviews/<review_id>")
class SavedReview(MethodView):
    @blp.response(200, CompareResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, review_id):
        """A saved comparison, byte for byte as it was answered."""
        with get_db().read() as session:
            return Response(reviews.load(session, review_id), mimetype="application/json")


@blp.route("/templates/proposal.xlsx")
class ProposalTemplate(MethodView):
    @blp.doc(responses={200: {"description": "申报明细模板（含示例行与填写说明）",
                              "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
    def get(self):
        """The proposal workbook to fill in and upload to /api/v1/compare."""
        return Response(excel.template(), mimetype=XLSX,
                        headers={"Content-Disposition": "attachment; filename=proposal-template.xlsx"})


def _compare(args: dict) -> str:
    """The answer as JSON text; saved (with its review_id) when asked."""
    if len(args["lines"]) > MAX_LINES:
        raise PayloadTooLarge(f"一次最多比对 {MAX_LINES:,} 行，本次 {len(args['lines']):,} 行；请分批提交",
                              code="too_many_lines")
    with get_db().read() as session:
        answer = compare(session, args)
    metrics.count_compared(answer["summary"])
    if not args.get("save"):
        return reviews.serialise(answer)
    with get_db().write() as session:
        return reviews.save(session, args, answer, current_actor())


def _json_body() -> object:
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        return json.loads(request.get_data(cache=True).decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest() from exc


def _load(schema, data) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed("请求参数有误，请按 errors 中的字段路径修改", errors=flatten(exc.messages)) from exc


def register_docs(api) -> None:
    api.spec.components.schema("CompareLine", schema=CompareLineSchema)
