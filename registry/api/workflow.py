"""Review workflow: transitions of a version, and the reviewer's inbox."""
from flask import request
from flask.views import MethodView

from registry.api.common import Blueprint, transactional
from registry.auth import current_actor
from registry.db import request_session
from registry.services import workflow
from schemas.common import ErrorSchema, PageArgsSchema
from schemas.workflow import PendingPageSchema, TransitionResultSchema, TransitionSchema

blp = Blueprint("workflow", __name__, url_prefix="/api/v1", description="审核流程：提交、退回、确认、印发、废止")


@blp.route("/standards/<code>/versions/<int:number>/transitions")
class Transitions(MethodView):
    @blp.arguments(TransitionSchema)
    @blp.doc(parameters=[{"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
                          "description": "可选：该版本的 ETag；已过期 → 412"}])
    @blp.response(200, TransitionResultSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(412, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, code, number):
        """Apply `action` (submit, return, confirm, publish, retire) to the version."""
        action = data.pop("action")
        result = workflow.transition(
            request_session(), code, number, action, data, current_actor(), request.headers.get("If-Match")
        )
        return result, {"ETag": result.version.etag}


@blp.route("/reviews/pending")
class PendingReviews(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PendingPageSchema)
    def get(self, args):
        """Submitted versions awaiting review, oldest first."""
        return workflow.pending_reviews(request_session(), args["page"], args["page_size"])
