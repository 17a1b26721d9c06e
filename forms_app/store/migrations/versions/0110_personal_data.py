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
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["office_user.id"],
            name=op.f("fk_access_log_user_id_office_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    with op.batch_alter_table("office_user") as batch:
        batch.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("office_user") as batch:
        batch.drop_column("is_admin")
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_privacy_request_open", table_name="privacy_request")
    op.drop_table("privacy_request")
