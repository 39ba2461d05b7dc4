"""Search tests run on every engine: embedded SQLite, embedded PostgreSQL, and a real OpenSearch node."""
import pytest


@pytest.fixture(params=["sqlite", "postgresql", "opensearch"])
def backend(request) -> str:
    return request.param
