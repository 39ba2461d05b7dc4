"""Elasticsearch / OpenSearch: one query DSL, an alias in front of the live index.

`make_client` asks the cluster what it is and picks `opensearch-py` for OpenSearch or the
`elasticsearch` client (8.x, which also talks to Elasticsearch 9) for Elasticsearch.
Documents carry the registry's event sequence as their external version, so a retried or
out-of-order write can never replace a newer document.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search.engine import FACETS, Hit, SearchQuery, SearchResult, highlights, segmentation_health, tokens_of
from search.text import segmentation_version

log = logging.getLogger(__name__)

KEYWORDS = ("id", "code", "kind", "field", "category", "category_path", "region", "status")
SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0}
# The project segments the text and lower-cases every token (search/text.py), for the documents and the
# queries alike: the cluster only splits on the spaces it put there. The built-in `whitespace` analyzer does
# exactly that on every Elasticsearch and OpenSearch, with or without the analysis-common module (which holds
# the whitespace *tokenizer* that a custom analyzer would need).
TOKENS = {"type": "text", "analyzer": "whitespace"}
MAPPINGS = {
    "dynamic": False,
    "properties": {
        **{name: {"type": "keyword"} for name in KEYWORDS},
        "version": {"type": "integer"},
        "seq": {"type": "long"},
        "effective_from": {"type": "date", "format": "strict_date"},
        "effective_to": {"type": "date", "format": "strict_date"},
        "title_tokens": TOKENS,
        "body_tokens": TOKENS,
        "document": {"type": "object", "enabled": False},
    },
}


class ClusterUnavailable(Exception):
    """The cluster did not answer; callers fall back or report it."""


@dataclass
class Cluster:
    """A connected client and what it talks to."""

    client: object
    flavor: str  # "opensearch" | "elasticsearch"
    version: str

    def bulk(self, actions: Iterable[dict], **kwargs):
        if self.flavor == "opensearch":
            from opensearchpy import helpers
        else:
            from elasticsearch import helpers
        return helpers.bulk(self.client, actions, raise_on_error=False, **kwargs)

    def call(self, api: str, **kwargs):
        """One DSL for both clients: the 8.x Elasticsearch client takes body keys as arguments."""
        target = self.client
        for part in api.split("."):
            target = getattr(target, part)
        body = kwargs.pop("body", None)
        if body is not None:
            if self.flavor == "opensearch":
                kwargs["body"] = body
            else:
                kwargs.update({("from_" if k == "from" else k): v for k, v in body.items()})
        return target(**kwargs)


def make_client(url: str, *, timeout: float = 10.0) -> Cluster:
    """Connect to `url` and detect OpenSearch or Elasticsearch from its banner."""
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import ConnectionError as OSConnectionError

    probe = OpenSearch(url, timeout=timeout, max_retries=0)
    try:
        info = probe.info()
    except OSConnectionError as exc:
        raise ClusterUnavailable(f"search cluster at {url} does not answer: {exc.__class__.__name__}") from exc
    finally:
        probe.close()
    version = info["version"]["number"]
    if info["version"].get("distribution") == "opensearch":
        return Cluster(OpenSearch(url, timeout=timeout, max_retries=1, retry_on_timeout=True), "opensearch", version)
    from elasticsearch import Elasticsearch

    return Cluster(Elasticsearch(url, request_timeout=timeout, max_retries=1), "elasticsearch", version)


class ClusterEngine:
    """Index and search through `alias`; rebuilds go to a fresh index swapped in at the end."""

    def __init__(self, cluster: Cluster, alias: str = "standards"):
        self.cluster = cluster
        self.alias = alias
        self.name = cluster.flavor

    def ensure_index(self) -> None:
        """Create a first index behind the alias when there is none."""
        if not self.cluster.call("indices.exists_alias", name=self.alias):
            index = self._new_index()
            self.cluster.call("indices.put_alias", index=index, name=self.alias)

    def index(self, documents: Iterable[dict], *, target: str | None = None, refresh: bool = False) -> int:
        actions = (self._action(doc, target or self.alias) for doc in documents)
        return self._send(actions, refresh=refresh)

    def delete(self, ids: Iterable[str], *, seq: int = 0, refresh: bool = False) -> int:
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": i, "version": seq, "version_type": "external"}
                   for i in ids)
        return self._send(actions, refresh=refresh)

    def search(self, query: SearchQuery) -> SearchResult:
        body = self._query_body(query)
        try:
            answer = self.cluster.call("search", index=self.alias, body=body)
        except Exception as exc:  # noqa: BLE001 - both clients' connection errors
            raise _unavailable(exc) from exc
        hits = [
            Hit(h["_id"], round(float(h["_score"] or 0.0), 6), h["_source"]["document"],
                highlights(h["_source"]["document"], query.groups))
            for h in answer["hits"]["hits"]
        ]
        facets = {name: {b["key"]: b["doc_count"] for b in answer["aggregations"][name]["buckets"]} for name in FACETS}
        return SearchResult(answer["hits"]["total"]["value"], hits, facets, self.name)

    def versions(self) -> dict[str, int]:
        """id → seq of every document behind the alias (to compare with the database)."""
        found, after = {}, None
        while True:
            body = {"size": 1000, "_source": ["seq"], "sort": [{"id": "asc"}], "query": {"match_all": {}}}
            if after:
                body["search_after"] = after
            page = self.cluster.call("search", index=self.alias, body=body)["hits"]["hits"]
            if not page:
                return found
            found.update({h["_id"]: h["_source"]["seq"] for h in page})
            after = page[-1]["sort"]

    def health(self) -> dict:
        try:
            health = self.cluster.call("cluster.health")
            exists = self.cluster.call("indices.exists_alias", name=self.alias)
            count = self.cluster.call("count", index=self.alias)["count"] if exists else 0
            cut_with = [m.get("mappings", {}).get("_meta", {}).get("segmentation")
                        for m in self.cluster.call("indices.get_mapping", index=self.alias).values()] if exists else []
        except Exception as exc:  # noqa: BLE001
            return {"engine": self.name, "state": "unavailable", "error": exc.__class__.__name__}
        return {"engine": self.name, "version": self.cluster.version, "state": health["status"],
                "alias": self.alias, "documents": count,
                **segmentation_health(all(v == segmentation_version() for v in cut_with), "flask --app wsgi registry reindex")}

    def rebuild(self, documents: Iterable[dict], replay: Callable[[str], None] | None = None) -> str:
        """Build a new index from `documents`, replay what changed meanwhile, swap the alias.

        The live index is untouched until the swap; a failure deletes the new index.
        """
        index = self._new_index()
        try:
            self.index(documents, target=index)
            if replay:
                replay(index)
            self.cluster.call("indices.refresh", index=index)
            old = list(self.cluster.call("indices.get_alias", name=self.alias)) \
                if self.cluster.call("indices.exists_alias", name=self.alias) else []
            actions = [{"remove": {"index": o, "alias": self.alias}} for o in old] + \
                      [{"add": {"index": index, "alias": self.alias}}]
            self.cluster.call("indices.update_aliases", body={"actions": actions})
        except BaseException:
            self.cluster.call("indices.delete", index=index, ignore_unavailable=True)
            raise
        for stale in old:
            self.cluster.call("indices.delete", index=stale, ignore_unavailable=True)
        return index

    def drop(self) -> None:
        """Remove the alias and its indices (tests)."""
        if self.cluster.call("indices.exists_alias", name=self.alias):
            for index in list(self.cluster.call("indices.get_alias", name=self.alias)):
                self.cluster.call("indices.delete", index=index, ignore_unavailable=True)

    def _new_index(self) -> str:
        index = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"
        mappings = MAPPINGS | {"_meta": {"segmentation": segmentation_version()}}  # which tokens it holds: see health
        self.cluster.call("indices.create", index=index, body={"settings": SETTINGS, "mappings": mappings})
        return index

    def _action(self, document: dict, index: str) -> dict:
        title, body = tokens_of(document)
        source = {name: document.get(name) for name in KEYWORDS}
        source |= {"version": document["version"], "seq": document["seq"], "effective_from": document["effective_from"],
                   "effective_to": document["effective_to"], "title_tokens": title, "body_tokens": body,
                   "document": {k: v for k, v in document.items() if k != "tokens"}}
        return {"_op_type": "index", "_index": index, "_id": document["id"], "version": document["seq"],
                "version_type": "external", "_source": source}

    def _send(self, actions: Iterable[dict], *, refresh: bool) -> int:
        try:
            sent, errors = self.cluster.bulk(actions, refresh=refresh, chunk_size=500)
        except Exception as exc:  # noqa: BLE001
            raise _unavailable(exc) from exc
        real = [e for e in errors if not _harmless(e)]
        if real:
            raise RuntimeError(f"search cluster refused {len(real)} documents, first: {real[0]}")
        return sent

    def _query_body(self, query: SearchQuery) -> dict:
        groups = [g for g in query.groups if g]
        must = [{"bool": {"should": [{"multi_match": {"query": t, "fields": ["title_tokens^3", "body_tokens"]}}
                                     for t in group], "minimum_should_match": 1}} for group in groups]
        body = {
            "query": {"bool": {"must": must or [{"match_all": {}}], "filter": _filters(query)}},
            "from": query.offset,
            "size": query.page_size,
            "track_total_hits": True,
            "sort": (["_score"] if groups else []) + [{"code": "asc"}, {"version": "asc"}],
            "aggs": {name: {"terms": {"field": name, "size": 200}} for name in FACETS},
        }
        return body


def _filters(query: SearchQuery) -> list[dict]:
    filters = [{"term": {name: getattr(query, name)}} for name in ("kind", "field", "region") if getattr(query, name)]
    if query.category:
        filters.append({"term": {"category_path": query.category}})
    if query.regions is not None:
        filters.append({"terms": {"region": list(query.regions)}})
    if query.statuses:
        filters.append({"terms": {"status": list(query.statuses)}})
    if query.in_force_on:
        day = query.in_force_on.isoformat()
        filters.append({"range": {"effective_from": {"lte": day}}})
        filters.append({"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "effective_to"}}}},
                                            {"range": {"effective_to": {"gt": day}}}], "minimum_should_match": 1}})
    return filters


def _harmless(error: dict) -> bool:
    """A bulk item that failed as retries and out-of-order sends are meant to fail.

    409: the cluster already holds this or a newer version (what external versions are for);
    404 on a delete: the document is already gone (a repeated delete, or one that was never indexed).
    """
    ((operation, item),) = error.items()
    return item.get("status") == 409 or (operation == "delete" and item.get("status") == 404)


def _unavailable(exc: Exception) -> Exception:
    names = {"ConnectionError", "ConnectionTimeout", "TransportError", "ConnectionRefusedError"}
    if exc.__class__.__name__ in names or "Connection" in exc.__class__.__name__:
        return ClusterUnavailable(f"search cluster unavailable: {exc.__class__.__name__}")
    return exc
