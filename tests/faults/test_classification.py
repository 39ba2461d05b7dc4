"""registry.db_faults on real driver errors: which are storage faults, and which stay 500s."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from registry.db_faults import describe, storage_fault
from tests.faults.processes import free_port


def raised(url: str, sql: str, **engine_options) -> DBAPIError:
    engine = create_engine(url, **engine_options)
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect() as conn:
            conn.execute(text(sql))
        return caught.value
    finally:
        engine.dispose()


def test_a_sqlite_file_locked_by_another_writer_is_busy(tmp_path: Path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        error = raised(f"sqlite:///{path}", "INSERT INTO t VALUES (1)", connect_args={"timeout": 0})
    finally:
        holder.close()
    fault = storage_fault(error)
    assert (fault.status, fault.code) == (503, "database_busy") and fault.headers == {"Retry-After": "5"}
    assert fault.message.startswith("数据库正忙") and describe(error) == "sqlite3.OperationalError (SQLITE_BUSY)"


def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path):
    error = raised(f"sqlite:///{tmp_path / 'missing-directory' / 'x.sqlite3'}", "SELECT 1")
    assert storage_fault(error).code == "database_unavailable"


def test_a_postgresql_server_that_is_not_listening_is_unavailable():
    error = raised(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none", "SELECT 1")
    fault = storage_fault(error)
    assert (fault.status, fault.code) == (503, "database_unavailable") and fault.message.startswith("数据库暂时无法访问")


def test_mistakes_in_sql_are_no_storage_fault(tmp_path: Path):
    """A missing table or bad syntax is a bug to log as a 500, not an outage to retry."""
    assert storage_fault(raised(f"sqlite:///{tmp_path / 'x.sqlite3'}", "SELECT * FROM nowhere")) is None
    assert storage_fault(raised(f"sqlite:///{tmp_path / 'x.sqlite3'}", "SELEC 1")) is None
