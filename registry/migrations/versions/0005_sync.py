"""Sync: external ids on standards, remembered idempotent requests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from registry.models.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column and a unique index: both native on SQLite, no table copy needed
    # (a batch copy of `standards` would trip the foreign keys that point at it).
    op.add_column("standards", sa.Column("external_id", sa.String(128)))
    op.create_index("uq_standards_external_id", "standards", ["external_id"], unique=True)
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("actor", "key", name="uq_idempotent_requests_actor_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotent_requests")
    op.drop_index("uq_standards_external_id", table_name="standards")
    with op.batch_alter_table("standards") as batch:
        batch.drop_column("external_id")
