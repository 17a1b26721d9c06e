"""drafts remember where they were sent and the PDF their preview rendered

Revision ID: 0102
Revises: 0101
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0102"
down_revision = "0101"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("edit_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("rendered_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("rendered_on")
        batch.drop_column("pdf")
        batch.drop_column("sent_at")
        batch.drop_column("edit_token")
