"""Saving a comparison and giving it back byte for byte."""
from __future__ import annotations

import json
import uuid

from sqlalchemy.orm import Session

from registry.actor import Actor
from registry.errors import NotFound
from registry.models import Review


def serialise(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def save(session: Session, request: dict, answer: dict, actor: Actor) -> str:
    """Store request, answer and versions used; returns the answer's JSON text (with review_id)."""
    review_id = uuid.uuid4().hex
    answer = {"review_id": review_id} | answer
    body = serialise(answer)
    session.add(Review(id=review_id, created_by=actor.name, as_of=request["as_of"],
                       request=_plain_request(request), response=body, versions_used=answer["versions_used"]))
    return body


def load(session: Session, review_id: str) -> str:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"没有编号为 {review_id} 的审核记录", code="review_not_found")
    return review.response


def _plain_request(request: dict) -> dict:
    return json.loads(json.dumps(request, default=str, ensure_ascii=False))
