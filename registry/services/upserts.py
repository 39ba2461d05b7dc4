"""Idempotent upserts from the integration system: PUT a standard's full draft content."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.actor import Actor
from registry.enums import EDITABLE_STATUSES, STATUS_NAMES, UNFINISHED_STATUSES
from registry.errors import Conflict, PreconditionRequired, ValidationFailed
from registry.models import IdempotentRequest, Standard
from registry.services import standards, versions
from registry.services.standards import StandardView, get_standard, load_versions


def put_standard(session: Session, code: str, data: dict, actor: Actor) -> tuple[StandardView, int]:
    """Create the standard (201) or make its draft say exactly `data` (200)."""
    owner = session.scalar(select(Standard.code).where(Standard.external_id == data["external_id"]))
    if owner is not None and owner != code:
        raise Conflict(f"external_id {data['external_id']} 已属于标准 {owner}", code="external_id_taken")
    standard = session.scalars(select(Standard).where(Standard.code == code)).first()
    if standard is None:
        view = standards.create_standard(session, {k: v for k, v in data.items() if k != "external_id"} | {"code": code}, actor)
        view.standard.external_id = data["external_id"]
        return view, 201
    if standard.external_id not in (None, data["external_id"]):
        raise Conflict(f"标准 {code} 的 external_id 为 {standard.external_id}，与请求不符", code="external_id_mismatch")
    standard.external_id = data["external_id"]
    changes = _full_content(data, load_versions(session, standard))
    unfinished = [v for v in load_versions(session, standard, with_items=False) if v.status in UNFINISHED_STATUSES]
    if unfinished and unfinished[-1].status not in EDITABLE_STATUSES:
        raise Conflict(f"标准 {code} 的 v{unfinished[-1].number} 正在审核（{STATUS_NAMES[unfinished[-1].status]}），不能覆盖",
                       code="version_in_review")
    if unfinished:
        draft = unfinished[-1]
        version = versions.edit_draft(session, code, draft.number, changes, draft.etag, actor)
    else:
        version = versions.create_draft(session, code, changes, actor)
    all_versions = load_versions(session, get_standard(session, code), with_items=False)
    return StandardView(standard, version, all_versions), 200


def _full_content(data: dict, existing) -> dict:
    """PUT replaces the draft's content: items absent from the body are removed."""
    latest = existing[-1]
    keys = {item["key"] for item in data["items"]}
    return {
        "effective_from": data.get("effective_from"), "effective_to": data.get("effective_to"),
        "basis": {"issuer": None, "doc_no": None, "url": None} | (data.get("basis") or {}),
        "note": data.get("note"), "comment": data.get("comment"), "items": data["items"],
        "remove_items": [i.key for i in latest.items if i.key not in keys],
    }


def fingerprint(method: str, path: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value.isoformat()


def remembered(session: Session, actor: Actor, key: str | None, print_: str) -> IdempotentRequest | None:
    """The stored answer for a replay, None for a new key; 422 when the key came with another body."""
    if not key:
        raise PreconditionRequired("PUT 需要 Idempotency-Key 请求头（每次逻辑写入一个唯一值，重试时保持不变）",
                                   code="idempotency_key_required")
    if len(key) > 200:
        raise ValidationFailed("Idempotency-Key 最长 200 个字符", code="invalid_idempotency_key")
    stored = session.scalars(
        select(IdempotentRequest).where(IdempotentRequest.actor == actor.name, IdempotentRequest.key == key)).first()
    if stored is not None and stored.fingerprint != print_:
        raise ValidationFailed("同一 Idempotency-Key 已用于内容不同的请求；新的写入请使用新的键",
                               code="idempotency_key_reused", errors={"Idempotency-Key": ["已用于另一请求体"]})
    return stored


def remember(session: Session, actor: Actor, key: str, print_: str, status: int, body: str) -> None:
    session.add(IdempotentRequest(actor=actor.name, key=key, fingerprint=print_, status=status, body=body))
