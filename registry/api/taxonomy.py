"""GET /api/v1/taxonomy, and admin additions to it."""
from flask.views import MethodView

from registry.api.common import Blueprint, transactional
from registry.db import request_session
from registry.services import taxonomy
from schemas.common import ErrorSchema
from schemas.taxonomy import TaxonomySchema
from schemas.workflow import TaxonomyEntryOutSchema, TaxonomyEntrySchema

blp = Blueprint("taxonomy", __name__, url_prefix="/api/v1/taxonomy", description="领域、类别树、区域与部门")


@blp.route("")
class Taxonomy(MethodView):
    @blp.response(200, TaxonomySchema)
    def get(self):
        """The whole taxonomy: fields with their category trees, regions, departments."""
        return taxonomy.get_taxonomy(request_session())


@blp.route("/<any(fields, categories, regions, departments):kind>")
class TaxonomyEntries(MethodView):
    @blp.arguments(TaxonomyEntrySchema)
    @blp.response(201, TaxonomyEntryOutSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, kind):
        """Add a field, a category (under a field or a parent category), a region or a department."""
        return taxonomy.add_entry(request_session(), kind, data)
