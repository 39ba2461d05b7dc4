"""/api/v1/changes and /api/v1/baselines: what the integration system follows and snapshots."""
from __future__ import annotations

from flask import Response, request, stream_with_context
from flask.views import MethodView

from registry import sync_formats
from registry.api.common import Blueprint
from registry.db import get_db
from registry.services import sync
from registry.services.clock import today
from schemas.sync import BaselineRowSchema, BaselinesArgsSchema, ChangesArgsSchema, ChangesSchema

SEQ_HEADER = "X-Registry-Seq"
blp = Blueprint("sync", __name__, url_prefix="/api/v1", description="一体化系统同步：变更流与按日快照")


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangesArgsSchema, location="query")
    @blp.response(200, ChangesSchema)
    @blp.alt_response(304, description="自 since 以来没有新事件（If-None-Match 与 ETag 相同）")
    def get(self, args):
        """Events with seq > since, oldest first; `next` is the cursor to pass back as `since`."""
        with get_db().read() as session:
            events, cursor = sync.changes(session, args["since"], args["limit"])
            body = {"events": events, "next": cursor, "has_more": len(events) == args["limit"]}
        etag = f"seq-{cursor}"
        if not events and request.if_none_match.contains(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        return body, {"ETag": f'"{etag}"', SEQ_HEADER: str(cursor)}


@blp.route("/baselines")
class Baselines(MethodView):
    @blp.arguments(BaselinesArgsSchema, location="query")
    @blp.response(200, description="每个生效版本的每个条目一行；X-Registry-Seq 为该快照对应的事件序号")
    @blp.doc(responses={200: {"content": {
        sync_formats.MIMETYPES["json"]: {"schema": BaselineRowSchema(many=True)},
        sync_formats.MIMETYPES["ndjson"]: {"schema": {"type": "string", "description": "每行一个 BaselineRow JSON 对象"}},
        sync_formats.MIMETYPES["csv"].split(";")[0]: {"schema": {"type": "string", "description": "UTF-8（带 BOM），首行为列名"}},
        sync_formats.MIMETYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    }}})
    def get(self, args):
        """Every item of every version in force on `as_of`, streamed; continue with /changes?since=<X-Registry-Seq>."""
        day, fmt = args.get("as_of") or today(), args["format"]
        session = get_db().snapshot()
        seq = sync.high_water(session)
        rows = sync.baseline_rows(session, day, args.get("code"))

        def body():
            try:
                yield from sync_formats.WRITERS[fmt](rows)
            finally:
                session.close()

        headers = {SEQ_HEADER: str(seq), "Content-Disposition": f'attachment; filename="baselines-{day.isoformat()}.{fmt}"'}
        return Response(stream_with_context(body()), mimetype=sync_formats.MIMETYPES[fmt], headers=headers)
