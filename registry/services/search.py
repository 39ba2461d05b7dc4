"""Searching standards: argument resolution and the engine that answers."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry import search_index
from registry.errors import ValidationFailed
from registry.models import Category, Field, Region
from registry.services import taxonomy
from registry.services.clock import today
from search import suggest as suggestions
from search.engine import SearchResult


def search(session: Session, args: dict) -> SearchResult:
    """Run a search; taxonomy filters may be codes or Chinese names."""
    args = dict(args)
    if args.get("field"):
        args["field"] = taxonomy.resolve(session, Field, args["field"], path="field").code
    if args.get("region"):
        args["region"] = taxonomy.resolve(session, Region, args["region"], path="region").code
    if args.get("category"):
        args["category"] = _category_code(session, args["category"])
    return search_index.search(session, args, today())


def suggest(session: Session, prefix: str, limit: int) -> list[dict]:
    return suggestions.suggest(session.connection(), prefix, limit)


def _category_code(session: Session, value: str) -> str:
    code = session.scalars(
        select(Category.code).where(or_(Category.code == value, Category.name == value)).order_by(Category.code)
    ).first()
    if code is None:
        raise ValidationFailed(f"未知类别：{value}", code="unknown_category", errors={"category": [f"未知类别：{value}"]})
    return code
