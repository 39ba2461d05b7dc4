"""Fixtures of the fault tests: a PostgreSQL server of their own, and apps on fresh databases."""
from __future__ import annotations

import pytest

from tests.conftest import require_service
from tests.faults import pg_server as pg


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL server: these tests stop and crash it, so never the shared one."""
    bin_dir = pg.binaries()
    if bin_dir is None:
        require_service("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (scripts/postgres.sh installs them)")
    server = pg.PgServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.destroy()
