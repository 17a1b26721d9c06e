"""office logins kept server-side, so that logging out revokes the cookie

Revision ID: 0103
Revises: 0102
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0103"
down_revision = "0102"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["office_user.id"],
            name=op.f("fk_office_session_user_id_office_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_office_session_token_hash")),
    )
    op.create_index("ix_office_session_user", "office_session", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_office_session_user", table_name="office_session")
    op.drop_table("office_session")
