"""The reindex reads documents ahead in a thread: same documents, same order, errors surface, early stops end it."""
from __future__ import annotations

import threading

import pytest

from registry.search_index import prefetched


def test_documents_come_through_in_order():
    documents = [{"id": f"d{n}"} for n in range(5000)]
    assert list(prefetched(iter(documents), batch=64, depth=3)) == documents


def test_an_error_while_reading_is_raised_to_the_consumer():
    def broken():
        yield {"id": "a"}
        yield {"id": "b"}
        raise RuntimeError("database went away")

    received = []
    with pytest.raises(RuntimeError, match="database went away"):
        for document in prefetched(broken()):
            received.append(document["id"])
    assert received == ["a", "b"]


def test_a_consumer_that_stops_early_stops_the_reader():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                n += 1
                yield {"id": n}
        finally:
            closed.set()  # the reader's session would end here

    stream = prefetched(endless(), batch=4, depth=2)
    assert [next(stream)["id"] for _ in range(10)] == list(range(1, 11))
    stream.close()
    assert closed.wait(5)
    assert not any(t.name == "reindex-reader" for t in threading.enumerate())
