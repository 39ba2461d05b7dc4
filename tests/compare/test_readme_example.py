"""The README's reviewer example (docs/examples/proposal.json) gives the figures the README shows."""
from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "proposal.json"


def test_readme_proposal(seeded, client):
    answer = client.post("/api/v1/compare", data=EXAMPLE.read_bytes(), content_type="application/json").json
    assert answer["summary"] == {
        "lines": 10, "requested_amount": "2049700.00", "allowed_amount": "1848400.00", "excess_amount": "156600.00",
        "by_verdict": {"ambiguous": 1, "no_standard": 1, "over": 4, "under": 1, "unit_mismatch": 1, "within": 1},
        "errors": 1,
    }
    verdicts = {line["line_id"]: line.get("verdict", "error") for line in answer["lines"]}
    assert verdicts == {"会议": "over", "培训": "over", "差旅": "over", "电脑": "within", "软件开发": "over",
                        "专家": "under", "会务": "ambiguous", "租车": "unit_mismatch", "航拍": "no_standard",
                        "印刷": "error"}
    assert json.loads(EXAMPLE.read_text(encoding="utf-8"))["as_of"] == answer["as_of"]
