"""personal data: the person's requests, office administrators, the access log

Revision ID: 0110
Revises: 0103
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0103"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=False),
        sa.Column("call_key", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "access",
                "rectify",
                "withdraw",
                "erase",
                "other",
                name="requestkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "done", name="requeststate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
            name=op.f("fk_privacy_request_nomination_id_nomination"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request")),
    )
    op.create_index("ix_privacy_request_open", "privacy_request", ["state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_privacy_request_open", table_name="privacy_request")
    op.drop_table("privacy_request")
