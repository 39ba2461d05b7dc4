"""Issuing, checking, listing and revoking API tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.actor import Actor
from registry.errors import NotFound, Unauthorized, ValidationFailed
from registry.models import Department, Token
from registry.models.base import utcnow
from registry.roles import ROLE_NAMES, Role
from registry.services import taxonomy
from registry.services.clock import today

PREFIX = "srk_"


@dataclass
class Issued:
    token: Token
    secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(session: Session, name: str, role: str, actor: Actor, *, department: str | None = None,
          expires_on: date | None = None) -> Issued:
    """A new token; a submitter must be bound to a department, other roles must not be."""
    role = Role(role)
    name = name.strip()
    if not name:
        raise ValidationFailed("令牌名称不能为空", code="invalid_token", errors={"name": ["必填"]})
    bound = None
    if role == Role.SUBMITTER:
        if not department:
            raise ValidationFailed("部门填报人（submitter）必须绑定部门 --department", code="department_required",
                                   errors={"department": ["submitter 必须指定部门"]})
        bound = taxonomy.resolve(session, Department, department, path="department")
    elif department:
        raise ValidationFailed(f"只有 submitter 绑定部门，{role.value} 不能指定部门", code="department_not_allowed",
                               errors={"department": ["仅 submitter 可指定"]})
    if expires_on is not None and expires_on <= today():
        raise ValidationFailed("过期日期应晚于今天", code="invalid_expiry", errors={"expires_on": ["应晚于今天"]})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = Token(name=name, role=role, department=bound, secret_hash=_digest(secret), prefix=secret[:10],
                  created_by=actor.name, expires_on=expires_on)
    session.add(token)
    session.flush()
    return Issued(token, secret)


def authenticate(session: Session, secret: str) -> Actor:
    """The actor behind a bearer secret, or 401 saying what is wrong with it (one query: every request pays it)."""
    token = session.execute(
        select(Token.name, Token.role, Token.revoked_at, Token.expires_on, Department.code.label("department"))
        .outerjoin(Department, Department.id == Token.department_id)
        .where(Token.secret_hash == _digest(secret))
    ).first()
    if token is None:
        raise Unauthorized("令牌无效：未找到该令牌，请检查是否复制完整", code="invalid_token")
    if token.revoked_at is not None:
        raise Unauthorized(f"令牌已于 {token.revoked_at:%Y-%m-%d} 吊销，请向管理员申请新令牌", code="token_revoked")
    if token.expires_on is not None and today() >= token.expires_on:
        raise Unauthorized(f"令牌已于 {token.expires_on.isoformat()} 过期，请向管理员申请新令牌", code="token_expired")
    return Actor(token.name, getattr(token.role, "value", token.role), token.department)


def list_tokens(session: Session) -> list[Token]:
    return list(session.scalars(select(Token).order_by(Token.id)))


def revoke(session: Session, token_id: int) -> Token:
    token = session.get(Token, token_id)
    if token is None:
        raise NotFound(f"没有编号为 {token_id} 的令牌", code="token_not_found")
    if token.revoked_at is None:  # revoking twice is harmless
        token.revoked_at = utcnow()
    return token


def describe(token: Token) -> str:
    department = f" · {token.department.name}" if token.department else ""
    return f"{token.name}（{ROLE_NAMES[token.role]}{department}）"
