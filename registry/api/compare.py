"""POST /api/v1/compare and GET /api/v1/reviews/{id}: budget review against the baselines."""
from flask import Response
from flask.views import MethodView

from registry.api.common import Blueprint
from registry.auth import current_actor
from registry.compare import reviews
from registry.compare.service import compare
from registry.db import get_db
from registry.errors import PayloadTooLarge
from schemas.common import ErrorSchema
from schemas.compare import CompareLineSchema, CompareRequestSchema, CompareResultSchema

MAX_LINES = 50_000
blp = Blueprint("compare", __name__, url_prefix="/api/v1", description="预算审核：按生效基线逐行比对")


@blp.route("/compare")
class Compare(MethodView):
    @blp.arguments(CompareRequestSchema)
    @blp.response(200, CompareResultSchema)
    @blp.alt_response(413, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @blp.doc(description="每行的字段见 CompareLine；数字可为 JSON 数字或字符串。行有误时该行返回 error，其余照常比对。")
    def post(self, request):
        """Compare a proposal's lines with the baselines in force on `as_of`."""
        if len(request["lines"]) > MAX_LINES:
            raise PayloadTooLarge(f"一次最多比对 {MAX_LINES:,} 行，本次 {len(request['lines']):,} 行；请分批提交",
                                  code="too_many_lines")
        with get_db().read() as session:
            answer = compare(session, request)
        if not request["save"]:
            return Response(reviews.serialise(answer), mimetype="application/json")
        with get_db().write() as session:
            body = reviews.save(session, request, answer, current_actor())
        return Response(body, status=200, mimetype="application/json")


@blp.route("/reviews/<review_id>")
class SavedReview(MethodView):
    @blp.response(200, CompareResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, review_id):
        """A saved comparison, byte for byte as it was answered."""
        with get_db().read() as session:
            return Response(reviews.load(session, review_id), mimetype="application/json")


def register_docs(api) -> None:
    api.spec.components.schema("CompareLine", schema=CompareLineSchema)
