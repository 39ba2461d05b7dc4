"""Storage faults: which driver errors mean "the database cannot serve now", as domain errors.

A dropped PostgreSQL connection, a server shutting down or starting up, a locked, read-only or
unreadable SQLite file and a full disk are not bugs in the request: the client gets a 503 (507
for a full disk) with a code it can act on. Any other driver error stays an internal error.

Nothing of the request is committed in any of these cases, with one exception: when a network
connection drops during COMMIT itself, the server may have committed without being able to say
so. That case gets its own code, `commit_outcome_unknown`, so that a client looks before it
retries. (SQLite commits in-process: its failed COMMIT is a clean failure.)
"""
from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import DBAPIError

from registry.errors import DomainError, StorageFull, StorageReadOnly, StorageUnavailable

UNAVAILABLE = "数据库暂时无法访问（连接中断或服务器正在重启），本次请求未执行，未写入任何内容；请稍后重试"
BUSY = "数据库正忙（其他写操作长时间占用），本次请求未执行，未写入任何内容；请稍后重试"
READ_ONLY = "数据库当前为只读（文件或磁盘不可写），可以查询，暂不能修改；本次未写入任何内容，请联系管理员"
FULL = "数据库所在磁盘已满，本次未写入任何内容；请联系管理员清理空间后重试"
UNKNOWN_OUTCOME = "提交时数据库连接中断，无法确认本次修改是否已保存；请先查询确认，再决定是否重试"

# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_FULL, _SQLITE_CANTOPEN = 13, 14
# PostgreSQL SQLSTATEs: 08xxx connection exceptions, 57P01-57P03 shutdown / starting up, 53xxx
# insufficient resources (53100 disk full), 25006 a read-only transaction (e.g. a standby).
_PG_UNAVAILABLE_PREFIXES = ("08", "57P01", "57P02", "57P03", "53")


def storage_fault(error: DBAPIError, *, committing: bool = False) -> DomainError | None:
    """The domain error a driver error stands for, or None when it is not a storage fault."""
    orig = error.orig
    if isinstance(orig, sqlite3.Error):
        return _sqlite_fault(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "53100":
        return StorageFull(FULL)
    if sqlstate == "25006":
        return StorageReadOnly(READ_ONLY)
    disconnected = error.connection_invalidated or (sqlstate is None and _is_connection_error(orig))
    if disconnected or (sqlstate or "").startswith(_PG_UNAVAILABLE_PREFIXES):
        if committing and error.statement is None:  # the COMMIT itself, not a flush before it
            return StorageUnavailable(UNKNOWN_OUTCOME, code="commit_outcome_unknown")
        return StorageUnavailable(UNAVAILABLE)
    return None


def _sqlite_fault(orig: sqlite3.Error) -> DomainError | None:
    primary = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
    if primary == _SQLITE_READONLY:
        return StorageReadOnly(READ_ONLY)
    if primary == _SQLITE_FULL:
        return StorageFull(FULL)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageUnavailable(BUSY, code="database_busy")
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return StorageUnavailable(UNAVAILABLE)
    return None


def _is_connection_error(orig: BaseException) -> bool:
    """psycopg raises OperationalError without a SQLSTATE when the connection itself fails."""
    return isinstance(orig, (psycopg.OperationalError, psycopg.InterfaceError))


def describe(error: DBAPIError) -> str:
    """What to log about a driver error: its class and code, never the SQL or its parameters."""
    orig = error.orig
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None) or "-"
    return f"{type(orig).__module__}.{type(orig).__name__} ({code})"
