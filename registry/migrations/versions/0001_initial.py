"""Initial schema: taxonomy, standards, versions, items, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from registry.models.base import Amount, JSONDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

IN_FORCE = "'confirmed', 'published', 'retired', 'superseded'"


def _taxonomy_table(name: str, *extra: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        *extra,
        sa.Column("position", sa.Integer, nullable=False),
    )


def upgrade() -> None:
    _taxonomy_table("fields")
    _taxonomy_table("regions", sa.Column("level", sa.String(16), nullable=False))
    _taxonomy_table("departments")
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("field_id", sa.Integer, sa.ForeignKey("fields.id"), nullable=False, index=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("categories.id"), index=True),
        sa.Column("code", sa.String(128), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "standards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False, index=True),
        sa.Column("field_id", sa.Integer, sa.ForeignKey("fields.id"), nullable=False, index=True),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("categories.id"), nullable=False, index=True),
        sa.Column("region_id", sa.Integer, sa.ForeignKey("regions.id"), nullable=False, index=True),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id"), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("is_sample", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.CheckConstraint("kind IN ('service', 'cost_quota', 'spending')", name="kind"),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("standard_id", sa.Integer, sa.ForeignKey("standards.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("effective_from", sa.Date),
        sa.Column("effective_to", sa.Date),
        sa.Column("issuer", sa.String(200)),
        sa.Column("doc_no", sa.String(100)),
        sa.Column("url", sa.String(500)),
        sa.Column("note", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.UniqueConstraint("standard_id", "number", name="uq_versions_standard_number"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_from IS NULL OR effective_to > effective_from",
            name="period_order",
        ),
        sa.CheckConstraint(f"status NOT IN ({IN_FORCE}) OR effective_from IS NOT NULL", name="in_force_has_start"),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'confirmed', 'published', 'superseded', 'retired')",
            name="status",
        ),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("value", Amount),
        sa.Column("min", Amount),
        sa.Column("max", Amount),
        sa.Column("conditions", JSONDocument, nullable=False),
        sa.Column("components", JSONDocument, nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("version_id", "key", name="uq_items_version_key"),
        sa.CheckConstraint("rule IN ('ceiling', 'floor', 'range', 'fixed', 'rate', 'target')", name="rule"),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("standard_id", sa.Integer, sa.ForeignKey("standards.id"), nullable=False, index=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16)),
        sa.Column("effective_from", sa.Date),
        sa.Column("effective_to", sa.Date),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("details", JSONDocument, nullable=False),
        sqlite_autoincrement=True,
    )
    _forbid_overlapping_periods()


def _forbid_overlapping_periods() -> None:
    """The periods of a standard's confirmed versions never overlap, whoever writes."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        # Deferred: superseding closes the old period and opens the new one in one
        # transaction, checked at commit whatever order the statements ran in.
        op.execute(
            "ALTER TABLE versions ADD CONSTRAINT versions_no_overlap EXCLUDE USING gist "
            "(standard_id WITH =, daterange(effective_from, effective_to, '[)') WITH &&) "
            f"WHERE (status IN ({IN_FORCE})) DEFERRABLE INITIALLY DEFERRED"
        )
        return
    for event, self_clause in (("INSERT", ""), ("UPDATE", "AND v.id != NEW.id ")):
        op.execute(
            f"CREATE TRIGGER versions_no_overlap_{event.lower()} BEFORE {event} ON versions "
            f"WHEN NEW.status IN ({IN_FORCE}) BEGIN "
            "SELECT RAISE(ABORT, 'versions_no_overlap: periods of confirmed versions overlap') "
            "WHERE EXISTS (SELECT 1 FROM versions v WHERE v.standard_id = NEW.standard_id "
            f"{self_clause}AND v.status IN ({IN_FORCE}) "
            "AND v.effective_from < COALESCE(NEW.effective_to, '9999-12-31') "
            "AND NEW.effective_from < COALESCE(v.effective_to, '9999-12-31')); END"
        )


def downgrade() -> None:
    for table in ("events", "items", "versions", "standards", "categories", "departments", "regions", "fields"):
        op.drop_table(table)
