"""Search tests run on every engine: embedded SQLite and PostgreSQL, a real OpenSearch node and real
Elasticsearch 8 and 9 nodes."""
import pytest


@pytest.fixture(params=["sqlite", "postgresql", "opensearch", "elasticsearch", "elasticsearch9"])
def backend(request) -> str:
    return request.param
