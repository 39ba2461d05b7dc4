"""GET /health: is the database reachable, and at which schema revision."""
import logging

from flask import jsonify
from flask.views import MethodView
from sqlalchemy.exc import SQLAlchemyError

from registry.api.common import Blueprint
from registry import outbox, search_index
from registry.db import get_db, schema_revision
from search.cluster import ClusterUnavailable
from search.embedded import EmbeddedEngine

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, url_prefix="/health", description="服务健康状况")


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[], responses={status: {"description": description, "content": {"application/json": {
        "schema": {"type": "object", "description": "status、database、schema_revision、search"}}}}
        for status, description in ((200, "数据库可达，结构已建"), (503, "数据库不可达或尚未初始化"))})
    def get(self):
        """Database reachability and schema revision; 503 when the database is down."""
        try:
            revision = schema_revision(get_db())
        except SQLAlchemyError as exc:
            log.warning("health: database unreachable: %s", exc.__class__.__name__)
            return jsonify({"status": "unavailable", "database": "unreachable"}), 503
        status = "ok" if revision else "uninitialised"
        body = {"status": status, "database": get_db().engine.dialect.name, "schema_revision": revision}
        if revision:
            body["search"] = _search_health()
        return jsonify(body), 200 if revision else 503


def _search_health() -> dict:
    """The engine answering searches, its state, and how far the outbox lags behind."""
    with get_db().read() as session:
        embedded = EmbeddedEngine(session.connection()).health()
        link = search_index.cluster_link()
        if link is None:
            return embedded
        lag = outbox.lag(session)
    try:
        cluster = link.engine().health()
    except ClusterUnavailable as exc:
        cluster = {"engine": "cluster", "state": "unavailable", "error": str(exc)}
    fallback = cluster["state"] == "unavailable"
    return cluster | {"outbox": lag, "fallback": embedded["engine"] if fallback else None}
