"""A standard, its numbered versions and their items."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.enums import IN_FORCE_STATUSES, Kind, Rule, Status
from registry.models.base import Base, JSONDocument, utcnow
from registry.models.taxonomy import Category, Department, Field, Region


def _enum(enum_cls, name: str) -> Enum:
    return Enum(
        enum_cls, name=name, native_enum=False, create_constraint=True, length=16,
        values_callable=lambda members: [m.value for m in members], validate_strings=True,
    )


class Standard(Base):
    """The stable identity of a standard; what it says lives in its versions."""

    __tablename__ = "standards"
    __table_args__ = (
        Index("ix_standards_placement", "field_id", "category_id"),
        Index("uq_standards_external_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[Kind] = mapped_column(_enum(Kind, "kind"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Illustrative records that no source gave are labelled, never passed off as standards.
    is_sample: Mapped[bool] = mapped_column(default=False)
    # The integration system's own identifier, for its idempotent upserts.
    external_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))

    field: Mapped[Field] = relationship(lazy="joined", innerjoin=True)
    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    region: Mapped[Region] = relationship(lazy="joined", innerjoin=True)
    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
    versions: Mapped[list[Version]] = relationship(
        back_populates="standard", order_by="Version.number", lazy="raise"
    )


class Version(Base):
    """One numbered version; editable only as a draft, immutable from confirmation on.

    Its period is [effective_from, effective_to): effective_to is the first day it no
    longer applies, None while open-ended.
    """

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("standard_id", "number", name="uq_versions_standard_number"),
        CheckConstraint(
            "effective_to IS NULL OR effective_from IS NULL OR effective_to > effective_from",
            name="period_order",
        ),
        Index("ix_versions_in_force", "standard_id", "status", "effective_from", "effective_to"),
        CheckConstraint(
            "status NOT IN ({}) OR effective_from IS NOT NULL".format(
                ", ".join(f"'{s.value}'" for s in sorted(IN_FORCE_STATUSES))
            ),
            name="in_force_has_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    number: Mapped[int]
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), index=True)
    effective_from: Mapped[date | None]
    effective_to: Mapped[date | None]
    # The basis (依据) belongs to the version: a revision usually comes with a new 文号.
    issuer: Mapped[str | None] = mapped_column(String(200))
    doc_no: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(128))
    # Bumped by every write; the ORM checks it on UPDATE, so a stale writer fails
    # instead of overwriting (it is also the version's ETag).
    revision: Mapped[int] = mapped_column(default=1)

    standard: Mapped[Standard] = relationship(back_populates="versions")
    items: Mapped[list[Item]] = relationship(
        back_populates="version", order_by="Item.position",
        cascade="all, delete-orphan", lazy="raise",
    )

    __mapper_args__ = {"version_id_col": revision}

    @property
    def etag(self) -> str:
        return f'"{self.id}.{self.revision}"'

    def in_force_on(self, day: date) -> bool:
        return (
            self.status in IN_FORCE_STATUSES
            and self.effective_from is not None
            and self.effective_from <= day
            and (self.effective_to is None or day < self.effective_to)
        )


class Item(Base):
    """One figure of a version (条目): a limit, a level or a rate, with its tier conditions."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("version_id", "key", name="uq_items_version_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    rule: Mapped[Rule] = mapped_column(_enum(Rule, "rule"))
    unit: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal | None]
    min: Mapped[Decimal | None]
    max: Mapped[Decimal | None]
    # {"会议类别": "二类"}: the tier this item applies to.
    conditions: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # [{"name": "住宿费", "value": "400"}, …]: ordered parts under the total, values as text.
    components: Mapped[list] = mapped_column(JSONDocument, default=list)
    note: Mapped[str | None] = mapped_column(Text)

    version: Mapped[Version] = relationship(back_populates="items")
