"""/api/v1/standards: list, create, read as of a date."""
from flask import url_for
from flask.views import MethodView

from registry.api.common import Blueprint, transactional
from registry.auth import current_actor
from registry.db import request_session
from registry.services import standards
from schemas.common import ErrorSchema
from schemas.standards import (
    AsOfSchema, StandardCreateSchema, StandardDetailSchema, StandardFilterSchema, StandardListSchema,
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
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, StandardDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, code):
        """The standard with its version in force on `as_of` (default today)."""
        return standards.standard_as_of(request_session(), code, args.get("as_of"))
