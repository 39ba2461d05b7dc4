"""Search tests run on every engine: embedded SQLite and PostgreSQL, a real OpenSearch and a real Elasticsearch node."""
import pytest


@pytest.fixture(params=["sqlite", "postgresql", "opensearch", "elasticsearch"])
def backend(request) -> str:
    return request.param
