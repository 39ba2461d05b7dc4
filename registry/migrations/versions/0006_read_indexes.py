"""Covering indexes for the as-of reads: versions by standard and period, standards by placement.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_versions_in_force", "versions", ["standard_id", "status", "effective_from", "effective_to"])
    op.create_index("ix_standards_placement", "standards", ["field_id", "category_id"])


def downgrade() -> None:
    op.drop_index("ix_standards_placement", table_name="standards")
    op.drop_index("ix_versions_in_force", table_name="versions")
