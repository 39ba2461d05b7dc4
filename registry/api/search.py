"""GET /api/v1/search and /api/v1/search/suggest."""
from flask.views import MethodView

from registry.api.common import Blueprint
from registry.db import request_session
from registry.services import search as search_service
from schemas.common import ErrorSchema
from schemas.search import SearchArgsSchema, SearchResultSchema, SuggestArgsSchema, SuggestResultSchema

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="全文检索与输入提示（中文分词、拼音）")


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchArgsSchema, location="query")
    @blp.response(200, SearchResultSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @blp.alt_response(503, schema=ErrorSchema)
    def get(self, args):
        """Find standards by words, with filters, facets and highlights; empty `q` lists by filters."""
        return search_service.search(request_session(), args)


@blp.route("/suggest")
class Suggest(MethodView):
    @blp.arguments(SuggestArgsSchema, location="query")
    @blp.response(200, SuggestResultSchema)
    def get(self, args):
        """Type-ahead: Chinese prefixes, full pinyin or initials (hyf → 会议费)."""
        return {"suggestions": search_service.suggest(request_session(), args["q"], args["limit"])}
