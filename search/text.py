"""Chinese text analysis shared by every engine: segmentation, synonyms, pinyin.

The project segments text itself (jieba with a domain dictionary) and expands queries with
its own synonym list, so SQLite FTS5, PostgreSQL full-text and OpenSearch all see the same
tokens and agree on what matches.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

DATA = Path(__file__).parent / "data"
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

jieba.setLogLevel(logging.WARNING)


def _jieba() -> jieba.Tokenizer:
    """One tokenizer with the domain dictionary, built on first use (about a second)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tokenizer = jieba.Tokenizer()
            with open(DATA / "dictionary.txt", "rb") as dictionary:
                tokenizer.load_userdict(dictionary)
            _tokenizer = tokenizer
    return _tokenizer


def index_tokens(text: str) -> list[str]:
    """Tokens to index: whole words and their dictionary sub-words (绿化养护 → 绿化, 养护, 绿化养护)."""
    # Line by line: jieba never joins words across a line break, and documents repeat most of
    # their lines (kind, field, category, region and department names), so each is cut once.
    return [token for line in (text or "").split("\n") for token in _line_tokens(line)]


@lru_cache(maxsize=65536)
def _line_tokens(line: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in _jieba().cut_for_search(line) if _is_word(t))


def query_groups(query: str) -> list[list[str]]:
    """One group per query word; a document must match some token of every group.

    A group holds the word, its synonyms and the dictionary sub-words of each, so that
    "住宿" finds 住宿费 and "电脑" finds 计算机. A sub-word that is a stopword is left out
    (服务标准 → 服务标准, 服务; not 标准): as an alternative it would match almost every document.
    """
    groups: list[list[str]] = []
    words = [w for w in _jieba().cut(query or "") if _is_word(w)]
    ignored = stopwords()
    for word in (w for w in words if w.lower() not in ignored):  # a query of stopwords only lists by filters
        variants = [word.lower(), *synonyms().get(word.lower(), ())]
        group: list[str] = []
        for variant in variants:
            for token in [variant, *(t for t in index_tokens(variant) if t not in ignored)]:
                if token not in group:
                    group.append(token)
        if group not in groups:
            groups.append(group)
    return groups


def highlight_terms(groups: list[list[str]]) -> list[str]:
    """The strings to mark in a hit, longest first so 会议费 wins over 会议."""
    return sorted({t for group in groups for t in group}, key=len, reverse=True)


def highlight(text: str, terms: list[str], *, pre: str = "<em>", post: str = "</em>") -> str | None:
    """`text` with every term marked, or None when nothing matched."""
    if not text or not terms:
        return None
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    marked, count = pattern.subn(lambda m: f"{pre}{m.group(0)}{post}", text)
    return marked if count else None


# Raise when index_tokens itself changes what it yields (the dictionary and jieba are hashed).
TOKENS_REVISION = 1


@lru_cache(maxsize=1)
def segmentation_version() -> str:
    """Changes whenever the tokens a text is indexed under may change: the domain dictionary,
    jieba's version or TOKENS_REVISION. An index cut another way must be rebuilt
    (registry.search_index.needs_rebuild). Stopwords and synonyms apply to queries only:
    changing them needs no rebuild."""
    dictionary = (DATA / "dictionary.txt").read_bytes()
    parts = f"\0jieba {jieba.__version__}\0tokens {TOKENS_REVISION}".encode()
    return hashlib.sha256(dictionary + parts).hexdigest()[:16]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = [w.strip().lower() for w in line.split(",") if w.strip()]
        for word in words:
            table[word] = tuple(dict.fromkeys(table.get(word, ()) + tuple(w for w in words if w != word)))
    return table


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin and initials of the Chinese in `text`: 会议费 → ("huiyifei", "hyf")."""
    chars = [c for c in text if _WORD.match(c)]
    full = "".join(lazy_pinyin(chars)).lower()
    initials = "".join(lazy_pinyin(chars, style=Style.FIRST_LETTER)).lower()
    return full, initials


def _is_word(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD.search(token))
