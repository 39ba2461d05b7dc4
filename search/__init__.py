"""Full-text search over standards, behind one engine interface.

This package depends on nothing of the registry's: it takes plain documents and queries.
Engines: the embedded one inside the registry's own database (SQLite FTS5 or PostgreSQL
full-text) and Elasticsearch/OpenSearch. Chinese is segmented here, the same for all.
"""
