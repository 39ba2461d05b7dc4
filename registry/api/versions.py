"""/api/v1/standards/{code}/versions…: drafts, edits with If-Match, diffs, history."""
from flask import request, url_for
from flask.views import MethodView

from registry.api.common import IF_MATCH, Blueprint, transactional
from registry.auth import current_actor
from registry.db import request_session
from registry.services import versions
from schemas.common import ErrorSchema
from schemas.standards import (
    DiffArgsSchema, DiffSchema, EventSchema, VersionChangesSchema, VersionListSchema, VersionSchema,
)

blp = Blueprint("versions", __name__, url_prefix="/api/v1/standards/<code>", description="版本：草稿、修改、比对与历史")


@blp.route("/versions")
class Versions(MethodView):
    @blp.response(200, VersionListSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, code):
        """Every version of the standard, oldest first."""
        standard, rows = versions.list_versions(request_session(), code)
        return {"code": standard.code, "versions": rows}

    @blp.arguments(VersionChangesSchema)
    @blp.response(201, VersionSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, changes, code):
        """Start a new draft from the latest version plus the changes in the body."""
        draft = versions.create_draft(request_session(), code, changes, current_actor())
        return draft, _version_headers(code, draft)


@blp.route("/versions/<int:number>")
class Version(MethodView):
    @blp.response(200, VersionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, code, number):
        """One version with its items; the ETag header is what a later PATCH must send."""
        version = versions.get_version(request_session(), code, number)
        return version, {"ETag": version.etag}

    @blp.arguments(VersionChangesSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, VersionSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(412, schema=ErrorSchema)
    @blp.alt_response(428, schema=ErrorSchema)
    @transactional
    def patch(self, changes, code, number):
        """Edit a draft: absent keys keep their value, items are upserted by key."""
        version = versions.edit_draft(
            request_session(), code, number, changes, request.headers.get("If-Match"), current_actor()
        )
        return version, _version_headers(code, version)


@blp.route("/versions/<int:number>/diff")
class Diff(MethodView):
    @blp.arguments(DiffArgsSchema, location="query")
    @blp.response(200, DiffSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, code, number):
        """Item by item, what version `number` changes against version `against`."""
        return versions.diff(request_session(), code, number, args["against"])


@blp.route("/history")
class History(MethodView):
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, code):
        """Every change to the standard, oldest first."""
        return versions.history(request_session(), code)


def _version_headers(code: str, version) -> dict:
    return {
        "ETag": version.etag,
        "Location": url_for("versions.Version", code=code, number=version.number),
    }
