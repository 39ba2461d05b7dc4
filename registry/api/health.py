"""GET /health: is the database reachable, and at which schema revision."""
import logging

from flask import jsonify
from flask.views import MethodView
from sqlalchemy.exc import SQLAlchemyError

from registry.api.common import Blueprint
from registry.db import get_db, schema_revision

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, url_prefix="/health", description="服务健康状况")


@blp.route("")
class Health(MethodView):
    @blp.response(200)
    def get(self):
        """Database reachability and schema revision; 503 when the database is down."""
        try:
            revision = schema_revision(get_db())
        except SQLAlchemyError as exc:
            log.warning("health: database unreachable: %s", exc.__class__.__name__)
            return jsonify({"status": "unavailable", "database": "unreachable"}), 503
        status = "ok" if revision else "uninitialised"
        body = {"status": status, "database": get_db().engine.dialect.name, "schema_revision": revision}
        return jsonify(body), 200 if revision else 503
