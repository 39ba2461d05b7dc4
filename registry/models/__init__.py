"""SQLAlchemy models: taxonomy, standards with versions and items, events."""
from registry.models.base import Base
from registry.models.event import Event
from registry.models.idempotency import IdempotentRequest
from registry.models.outbox import OutboxEntry
from registry.models.review import Review
from registry.models.standard import Item, Standard, Version
from registry.models.taxonomy import Category, Department, Field, Region
from registry.models.token import Token

__all__ = ["Base", "Category", "Department", "Event", "Field", "IdempotentRequest", "Item", "OutboxEntry", "Region", "Review", "Standard", "Token", "Version"]
