"""Keeping the search index in step with the registry, and answering searches.

Every change to a standard records an event (`services.events.record`); the events mark
the standard dirty, and just before the unit of work commits, its documents are rebuilt
in the embedded index on the same connection — one transaction, never stale. When an
external cluster is configured, the same step writes outbox rows that a relay sends after
commit (see `registry.outbox`).
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from flask import Flask, current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, selectinload

from registry import outbox
from registry.decimals import to_text
from registry.enums import IN_FORCE_STATUSES, KIND_NAMES, STATUS_NAMES
from registry.models import Category, Field, Standard, Version
from search import embedded, suggest, text
from search.cluster import ClusterUnavailable
from search.embedded import EmbeddedEngine
from search.engine import SearchQuery, SearchResult

log = logging.getLogger(__name__)
DIRTY_KEY = "search_dirty"
CLUSTER_KEY = "registry.search_cluster"
TERM_WEIGHT = 10  # category and dictionary words: short, canonical, what people type
TITLE_WEIGHT = 5


def mark_dirty(session: Session, standard_id: int) -> None:
    session.info.setdefault(DIRTY_KEY, set()).add(standard_id)


def document_for(version: Version, categories: dict[str, str], seq: int) -> dict:
    """The search document of one version: everything a person might type to find it."""
    standard = version.standard
    path = _ancestors(standard.category.code)
    # Items first: a highlighted passage should show the figures, not the bookkeeping.
    body = []
    for item in version.items:
        numbers = " ".join(f"{n} {to_text(v)}" for n, v in (("值", item.value), ("下限", item.min), ("上限", item.max))
                           if v is not None)
        conditions = " ".join(f"{k} {v}" for k, v in item.conditions.items())
        components = " ".join(f"{c['name']} {c['value']}" for c in item.components)
        body.append(f"{item.name} {conditions} {components} {numbers} {item.unit} {item.note or ''}".strip())
    body += [
        standard.code, KIND_NAMES[standard.kind], standard.field.name,
        " ".join(categories.get(code, "") for code in path), standard.region.name, standard.department.name,
        version.issuer or "", version.doc_no or "", version.note or "",
    ]
    return {
        "id": f"{standard.code}/v{version.number}",
        "code": standard.code,
        "version": version.number,
        "title": standard.title,
        "kind": standard.kind.value,
        "field": standard.field.code,
        "category": standard.category.code,
        "category_path": path,
        "region": standard.region.code,
        "status": version.status.value,
        "status_name": STATUS_NAMES[version.status],
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "doc_no": version.doc_no,
        "seq": seq,
        "body": "\n".join(part for part in body if part),
    }


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def documents(session: Session, standard_ids: list[int]) -> Iterator[dict]:
    """Documents of every version of the given standards."""
    categories = dict(session.execute(select(Category.code, Category.name)).all())
    seqs = _latest_seqs(session, standard_ids)
    versions = session.scalars(
        select(Version).where(Version.standard_id.in_(standard_ids))
        .options(selectinload(Version.items), selectinload(Version.standard))
        .order_by(Version.standard_id, Version.number)
    )
    for version in versions:
        yield document_for(version, categories, seqs.get(version.standard_id, 0))


def _latest_seqs(session: Session, standard_ids: list[int]) -> dict[int, int]:
    from registry.models import Event

    rows = session.execute(
        select(Event.standard_id, func.max(Event.seq)).where(Event.standard_id.in_(standard_ids)).group_by(Event.standard_id)
    )
    return dict(rows.all())


def refresh(session: Session, standard_ids: set[int], *, fresh: bool = False) -> list[dict]:
    """Rebuild the embedded documents of these standards inside the session's transaction.

    `fresh`: the index holds nothing of them yet (a full rebuild), so nothing to delete first.
    """
    connection = session.connection()
    engine = EmbeddedEngine(connection)
    docs = list(documents(session, sorted(standard_ids)))
    if not fresh:
        for code in {d["code"] for d in docs}:
            engine.delete_code(code)  # a document must never outlive its row
    engine.index(docs, fresh=fresh)
    titles = session.execute(
        select(Standard.title, Category.name).join(Category, Category.id == Standard.category_id)
        .where(Standard.id.in_(standard_ids))
    ).all()
    suggest.add_terms(connection, [(t, TITLE_WEIGHT) for t, _ in titles] + [(c, TERM_WEIGHT) for _, c in titles])
    return docs


def add_vocabulary(session: Session) -> None:
    """Type-ahead terms that exist before any standard: the taxonomy and the domain dictionary."""
    names = list(session.scalars(select(Category.name))) + list(session.scalars(select(Field.name)))
    suggest.add_terms(session.connection(), [(t, TERM_WEIGHT) for t in suggest.dictionary_terms() + names])


def needs_rebuild(session: Session) -> bool:
    """Standards exist, but the embedded index is empty or was cut with another segmentation
    (a new domain dictionary: its tokens would no longer meet the queries')."""
    if session.scalar(select(Standard.id).limit(1)) is None:
        return False
    connection = session.connection()
    return (EmbeddedEngine(connection).count() == 0
            or embedded.indexed_segmentation(connection) != text.segmentation_version())


def rebuild_embedded(session: Session, batch: int = 500) -> int:
    """Rebuild the whole embedded index and the type-ahead terms; returns the documents written."""
    connection = session.connection()
    embedded.clear(connection)
    connection.exec_driver_sql("DELETE FROM search_terms")
    add_vocabulary(session)
    ids = list(session.scalars(select(Standard.id).order_by(Standard.id)))
    written = 0
    with _bulk_page_cache(connection):
        for start in range(0, len(ids), batch):
            written += len(refresh(session, set(ids[start:start + batch]), fresh=True))
    return written


@contextmanager
def _bulk_page_cache(connection) -> Iterator[None]:
    """SQLite: a 256 MB page cache for one big transaction, then the connection's own again.

    With the default 2 MB the rebuild keeps spilling and re-reading the same b-tree pages
    (about four times slower at 50,000 standards).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def init_app(app: Flask, database) -> None:
    """Index inside every write unit of work; with a cluster, also fill and relay the outbox."""
    link = None
    if app.config["SEARCH_URL"]:
        link = outbox.ClusterLink(app.config["SEARCH_URL"], app.config["SEARCH_INDEX"])
    app.extensions[CLUSTER_KEY] = link

    def before_commit(session: Session) -> None:
        dirty = session.info.pop(DIRTY_KEY, None)
        if dirty:
            session.flush()
            docs = refresh(session, dirty)
            if link is not None:
                outbox.enqueue(session, docs)

    def after_commit(session: Session) -> None:
        if session.info.pop("outbox_enqueued", False) and app.config["SEARCH_RELAY_ON_COMMIT"]:
            outbox.relay_quietly(database, link)

    event.listen(database.write_sessions, "before_commit", before_commit)
    event.listen(database.write_sessions, "after_commit", after_commit)


def cluster_link() -> outbox.ClusterLink | None:
    return current_app.extensions.get(CLUSTER_KEY)


def search(session: Session, args: dict, today: date) -> SearchResult:
    """Run a search on the configured engine; when the cluster is away, on the embedded one.

    The embedded index is kept in every transaction whatever the engine, so the fallback
    answers with current data; `engine` in the result says who answered.
    """
    query = build_query(args, today)
    link = cluster_link()
    if link is not None:
        try:
            return link.engine().search(query)
        except ClusterUnavailable as exc:
            link.failed()
            log.warning("search falls back to the embedded engine: %s", exc)
            result = EmbeddedEngine(session.connection()).search(query)
            result.engine += f" (fallback: {link.url} unavailable)"
            return result
    return EmbeddedEngine(session.connection()).search(query)


def build_query(args: dict, today: date) -> SearchQuery:
    """API arguments → engine query. No as_of and no status: what is in force today."""
    status, as_of = args.get("status"), args.get("as_of")
    statuses = (status,) if status else tuple(sorted(IN_FORCE_STATUSES))
    in_force_on = as_of or (None if status else today)
    return SearchQuery(
        text=args.get("q") or "", kind=args.get("kind"), field=args.get("field"), category=args.get("category"),
        region=args.get("region"), statuses=statuses, in_force_on=in_force_on,
        page=args.get("page", 1), page_size=args.get("page_size", 20),
    )


def stream_documents(db, batch: int = 500) -> Iterator[dict]:
    """Every document, read in batches of standards so memory stays flat at any size."""
    with db.read() as session:
        ids = list(session.scalars(select(Standard.id).order_by(Standard.id)))
    for start in range(0, len(ids), batch):
        with db.read() as session:
            yield from documents(session, ids[start:start + batch])


def stored_documents(db) -> Iterator[dict]:
    """The embedded index's copy of every document, already segmented. It changes in the same
    transaction as the rows, so it is the database's own view; `reindex` rebuilds it first."""
    with db.read() as session:
        yield from EmbeddedEngine(session.connection()).stored()


def count_documents(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Version))


def reindex_cluster(db, link: outbox.ClusterLink, progress=None) -> tuple[str, int]:
    """Zero-downtime rebuild: new index from the database's documents, replay, swap the alias, drop the old."""
    engine = link.engine()
    with db.read() as session:
        mark = outbox.high_water(session)
    documents = prefetched(stored_documents(db))
    if progress is not None:
        documents = progress(documents)
    count = 0

    def counted():
        nonlocal count
        for document in documents:
            count += 1
            yield document

    index = engine.rebuild(counted(), replay=lambda target: outbox.replay_since(db, engine, mark, target))
    outbox.replay_since(db, engine, mark, engine.alias)  # what arrived between the replay and the swap
    outbox.relay(db, link)
    return index, count


def prefetched(documents: Iterable[dict], batch: int = 500, depth: int = 4) -> Iterator[dict]:
    """`documents`, read ahead in a thread of their own while the caller sends what it has.

    A reindex otherwise waits for the cluster and then for the database in turn; both
    waits release the GIL, so they overlap. Batches, not single documents, change hands,
    so the two threads rarely wake each other. Order is kept (nothing depends on it:
    external versions make any order safe). An error while reading is raised here; a
    consumer that stops early stops the reader.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    done, stop = object(), threading.Event()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        source, chunk = iter(documents), []
        try:
            for document in source:
                chunk.append(document)
                if len(chunk) == batch:
                    if not offer(chunk):
                        return
                    chunk = []
            if not chunk or offer(chunk):
                offer(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            if not chunk or offer(chunk):  # what was read before the error still goes first
                offer(exc)
        finally:
            getattr(source, "close", lambda: None)()  # ends the reader's database session here

    reader = threading.Thread(target=read, name="reindex-reader", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        reader.join()
