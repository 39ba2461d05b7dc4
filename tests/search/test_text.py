"""Segmentation shared by every engine."""
from __future__ import annotations

from search import text


def _whole(value: str) -> list[str]:
    """What index_tokens returned before it cut line by line: the text in one piece."""
    return [t.lower() for t in text._jieba().cut_for_search(value) if text._is_word(t)]


def test_index_tokens_line_by_line_equal_the_whole_text():
    body = ("会议费 二类会议 住宿 400 伙食 150\n绿化养护 一级 元/平方米·年\n\n"
            "财政支出标准\n一般行政\n青浦区财政局\n青财〔2022〕17号\nSP-ADM-000123 Office 电脑")
    assert text.index_tokens(body) == _whole(body)
    assert text.index_tokens(body) == text.index_tokens(body)  # a cached line comes back the same
    assert {"绿化", "养护", "绿化养护", "会议费"} <= set(text.index_tokens(body))
    assert text.index_tokens("") == [] and text.index_tokens(None) == []


def test_tokens_are_lower_case_on_both_sides():
    """The clusters' mapping (search/cluster.py) has no lowercase filter: documents and queries arrive lower-cased."""
    assert text.index_tokens("OA系统 Office\nIT运维") == ["oa", "系统", "office", "it", "运维"]
    groups = text.query_groups("OFFICE OA系统 IT运维")
    assert groups and all(token == token.lower() for group in groups for token in group)


def test_a_stopword_is_no_alternative_inside_a_group():
    """服务标准's sub-word 标准 would make the group match nearly every standard."""
    assert text.query_groups("公共服务标准") == [["公共"], ["服务标准", "服务"]]
    assert text.query_groups("财政支出标准") == [["财政"], ["支出标准", "支出"]]
    assert text.query_groups("标准") == []  # a stopword alone is still no query
    assert text.query_groups("会议费") == [["会议费", "会议"]]  # other sub-words stay


def test_the_districts_place_names_are_words():
    """Each town's name is one token: not 重 + 固镇, not 华新 AND 镇 (镇 alone matched every town)."""
    assert text.query_groups("重固镇") == [["重固镇", "固镇"]]
    assert text.query_groups("华新镇 会议费")[0][0] == "华新镇" and len(text.query_groups("华新镇 会议费")) == 2
    assert text.query_groups("夏阳街道") == [["夏阳街道"]]  # 街道, a stopword, is no alternative
    assert "香花桥街道" in text.index_tokens("香花桥街道办事处")
    assert text.query_groups("镇江 住宿")[0] == ["镇江"]  # a city named with 镇 is untouched


def test_the_segmentation_version_follows_the_dictionary(monkeypatch, tmp_path):
    """What decides whether an index must be rebuilt: the dictionary's bytes, jieba's version, TOKENS_REVISION."""
    current = text.segmentation_version()
    assert current == text.segmentation_version() and len(current) == 16
    (tmp_path / "dictionary.txt").write_bytes((text.DATA / "dictionary.txt").read_bytes() + "新词 1000 n\n".encode())
    monkeypatch.setattr(text, "DATA", tmp_path)
    text.segmentation_version.cache_clear()
    try:
        changed_dictionary = text.segmentation_version()
        assert changed_dictionary != current
        monkeypatch.setattr(text, "TOKENS_REVISION", text.TOKENS_REVISION + 1)  # index_tokens changed
        text.segmentation_version.cache_clear()
        assert text.segmentation_version() not in (current, changed_dictionary)
    finally:
        text.segmentation_version.cache_clear()
