"""/api/v1/tokens: issue, list and revoke API tokens (admin only)."""
from flask.views import MethodView

from registry.api.common import Blueprint, transactional
from registry.auth import current_actor
from registry.db import request_session
from registry.services import tokens
from schemas.common import ErrorSchema
from schemas.workflow import IssuedTokenSchema, TokenCreateSchema, TokenSchema

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="令牌管理（仅管理员）")


@blp.route("")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """Every token (never its secret)."""
        return tokens.list_tokens(request_session())

    @blp.arguments(TokenCreateSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Issue a token; its secret is in the answer once and never again."""
        issued = tokens.issue(request_session(), data["name"], data["role"], current_actor(),
                              department=data.get("department"), expires_on=data.get("expires_on"))
        issued.token.token = issued.secret
        return issued.token


@blp.route("/<int:token_id>")
class Token(MethodView):
    @blp.response(200, TokenSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @transactional
    def delete(self, token_id):
        """Revoke a token: it stops working at once."""
        return tokens.revoke(request_session(), token_id)
