"""Engines, sessions and units of work for SQLite and PostgreSQL.

SQLite serialises writers on one file lock. A transaction that reads and then writes
(`BEGIN` DEFERRED) can fail at once with "database is locked" when it tries to upgrade its
lock, so write units of work start with `BEGIN IMMEDIATE` and simply queue behind each other;
reads keep plain `BEGIN` and never block thanks to WAL.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry.db_faults import storage_fault
from registry.errors import Conflict

EXTENSION_KEY = "registry.db"


class Database:
    """One registry database: a read engine and a write engine.

    SQLite: writers BEGIN IMMEDIATE, readers plain BEGIN. PostgreSQL: writers in READ
    COMMITTED transactions, readers in autocommit (snapshots where one is needed).
    """

    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, immediate=False)
        self.write_engine = _make_engine(url, immediate=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; whatever it holds is rolled back at the end."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work: everything commits together or nothing does."""
        with self._write() as session:
            try:
                yield session
                commit(session)
            except BaseException:
                session.rollback()
                raise

    def snapshot(self) -> Session:
        """A read session whose every query sees one and the same committed state (the
        caller closes it). PostgreSQL: REPEATABLE READ; SQLite: a WAL read transaction."""
        session = self._read()
        if not self.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return session

    @property
    def write_sessions(self) -> sessionmaker:
        """The factory of every writing session (hooks for indexing attach here)."""
        return self._write

    def session_for(self, *, write: bool) -> Session:
        return self._write() if write else self._read()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


# The planner's defaults assume tables read from spinning disks, and a spare core to share a
# query with. The registry's tables live in memory (random reads cost about what sequential ones
# do: PostgreSQL's own advice for that case), and its many small concurrent requests gain nothing
# from parallel workers. Measured on search at 50,000 standards: with the defaults, a category's
# 800 documents were found by reading all 67,000 rows (36 ms; with these, 8 ms). Options given in
# the URL (`?options=-c …`) come after these, so a setting there wins.
POSTGRES_PLANNER_OPTIONS = "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"


def _make_engine(url: str, *, immediate: bool) -> Engine:
    if not url.startswith("sqlite"):
        # Reads need no transaction of their own under READ COMMITTED (each statement has its
        # snapshot), and without BEGIN … ROLLBACK psycopg keeps its prepared statements.
        isolation = "READ COMMITTED" if immediate else "AUTOCOMMIT"
        options = " ".join(filter(None, (POSTGRES_PLANNER_OPTIONS, make_url(url).query.get("options"))))
        return create_engine(url, pool_pre_ping=True, isolation_level=isolation, connect_args={"options": options})
    database = url.split("///", 1)[-1]
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def commit(session: Session) -> None:
    """Commit, turning a lost race on a constraint into a clean 409 and a storage fault into a 503/507."""
    flushed = False
    try:
        session.flush()  # holds a connection from here on: a later error is no failed connect
        flushed = True
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        # The services check uniqueness and periods first; reaching here means a
        # concurrent request won the race. Nothing of this request was written.
        raise Conflict(
            "数据已被并发请求修改（唯一性或生效期间冲突），本次未写入任何内容，请刷新后重试",
            code="concurrent_conflict",
        ) from exc
    except DBAPIError as exc:
        # Only here can a failure come from COMMIT itself (see db_faults).
        fault = storage_fault(exc, committing=flushed)
        if fault is None:
            raise
        raise fault from exc


def init_app(app: Flask) -> None:
    from registry import search_index

    database = Database(app.config["DATABASE_URL"])
    search_index.init_app(app, database)
    app.extensions[EXTENSION_KEY] = database
    app.teardown_appcontext(_close_request_session)


def get_db() -> Database:
    return current_app.extensions[EXTENSION_KEY]


def request_session() -> Session:
    """The session of the current request, opened on first use and closed at teardown.

    Requests that may write (anything but GET/HEAD/OPTIONS) get a write session, which on
    SQLite takes the write lock when its transaction begins.
    """
    if "db_session" not in g:
        g.db_session = get_db().session_for(write=request.method not in ("GET", "HEAD", "OPTIONS"))
    return g.db_session


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed


def schema_revision(db: Database) -> str | None:
    """The Alembic revision the database is at, or None before `registry init`.

    Raises the driver's error when the database cannot be reached at all.
    """
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
