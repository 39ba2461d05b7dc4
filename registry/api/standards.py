"""/api/v1/standards: list, create, read as of a date."""
import json

from flask import Response, request, url_for
from flask.views import MethodView

from registry.api.common import Blueprint, transactional
from registry.auth import current_actor
from registry.db import get_db, request_session
from registry.services import standards, upserts
from schemas.common import ErrorSchema
from schemas.standards import (
    AsOfSchema, StandardCreateSchema, StandardDetailSchema, StandardFilterSchema, StandardListSchema, StandardPutSchema,
)

blp = Blueprint("standards", __name__, url_prefix="/api/v1/standards", description="标准：按类型、领域、类别、区域查询，新建")


@blp.route("")
class Standards(MethodView):
    @blp.arguments(StandardFilterSchema, location="query")
    @blp.response(200, StandardListSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def get(self, filters):
        """List standards by kind, field, category (with its sub-categories), region, status, as_of."""
        page, page_size = filters.pop("page"), filters.pop("page_size")
        return standards.list_standards(request_session(), filters, page, page_size)

    @blp.arguments(StandardCreateSchema)
    @blp.response(201, StandardDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Create a standard; its version 1 starts as a draft."""
        view = standards.create_standard(request_session(), data, current_actor())
        return view, {"Location": url_for("standards.Standard", code=view.standard.code)}


@blp.route("/<code>")
class Standard(MethodView):
    @blp.arguments(StandardPutSchema)
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": True, "schema": {"type": "string"},
                          "description": "同一逻辑写入的重试使用同一键：返回第一次的结果且不再写入"}])
    @blp.response(200, StandardDetailSchema)
    @blp.alt_response(201, schema=StandardDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @blp.alt_response(428, schema=ErrorSchema)
    def put(self, data, code):
        """Create the standard, or make its draft say exactly this (idempotent, for the integration system)."""
        actor, key = current_actor(), request.headers.get("Idempotency-Key")
        print_ = upserts.fingerprint("PUT", request.path, data)
        with get_db().write() as session:
            stored = upserts.remembered(session, actor, key, print_)
            if stored is not None:
                return Response(stored.body, status=stored.status, mimetype="application/json")
            view, status = upserts.put_standard(session, code, data, actor)
            body = json.dumps(StandardDetailSchema().dump(view), ensure_ascii=False)
            upserts.remember(session, actor, key, print_, status, body)
        return Response(body, status=status, mimetype="application/json")

    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, StandardDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, code):
        """The standard with its version in force on `as_of` (default today)."""
        return standards.standard_as_of(request_session(), code, args.get("as_of"))
