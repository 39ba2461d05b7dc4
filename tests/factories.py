"""Valid request bodies, overridable per test."""
from __future__ import annotations

import copy

MEETING = {
    "code": "SP-TEST-MEETING",
    "kind": "spending",
    "field": "admin",
    "category": "admin.meeting",
    "title": "测试会议费综合定额",
    "region": "qingpu",
    "department": "finance",
    "basis": {"issuer": "青浦区财政局", "doc_no": "青财测〔2026〕1号", "url": "https://example.invalid/meeting"},
    "effective_from": "2025-01-01",
    "note": "测试用",
    "items": [
        {
            "key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "650",
            "conditions": {"会议类别": "二类"},
            "components": [{"name": "住宿费", "value": "400"}, {"name": "伙食费", "value": 150}, {"name": "其他费用", "value": "100"}],
        },
        {
            "key": "class3", "name": "三、四类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": 550,
            "conditions": {"会议类别": "三类"},
        },
    ],
}


def standard_payload(**overrides) -> dict:
    body = copy.deepcopy(MEETING)
    body.update(overrides)
    return body
