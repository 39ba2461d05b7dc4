"""GET /api/v1/taxonomy."""
from flask.views import MethodView

from registry.api.common import Blueprint
from registry.db import request_session
from registry.services import taxonomy
from schemas.taxonomy import TaxonomySchema

blp = Blueprint("taxonomy", __name__, url_prefix="/api/v1/taxonomy", description="领域、类别树、区域与部门")


@blp.route("")
class Taxonomy(MethodView):
    @blp.response(200, TaxonomySchema)
    def get(self):
        """The whole taxonomy: fields with their category trees, regions, departments."""
        return taxonomy.get_taxonomy(request_session())
