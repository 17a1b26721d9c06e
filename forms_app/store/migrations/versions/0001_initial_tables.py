"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("edit_token_hash", sa.String(length=64), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=False),
        sa.Column("call_key", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("category_key", sa.String(length=100), nullable=False),
        sa.Column("nominee_name", sa.String(length=300), nullable=False),
        sa.Column("union_name", sa.String(length=300), nullable=False),
        sa.Column("submitter_name", sa.String(length=200), nullable=False),
        sa.Column("submitter_email", sa.String(length=254), nullable=False),
        sa.Column("submitter_phone", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted", "withdrawn", name="nominationstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination")),
        sa.UniqueConstraint("edit_token_hash", name=op.f("uq_nomination_edit_token_hash")),
        sa.UniqueConstraint("reference", name=op.f("uq_nomination_reference")),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index("ix_nomination_plan_call", ["plan_slug", "call_key"], unique=False)

    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_event")),
    )
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.create_index("ix_rate_event_lookup", ["address", "action", "at"], unique=False)

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=False),
        sa.Column("call_key", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("fill_ratio", sa.Float(), nullable=True),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nomination.id"], name=op.f("fk_draft_nomination_id_nomination")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("token", name=op.f("uq_draft_token")),
    )
    op.create_table(
        "nomination_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fill_ratio", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
            name=op.f("fk_nomination_version_nomination_id_nomination"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination_version")),
        sa.UniqueConstraint(
            "nomination_id", "number", name=op.f("uq_nomination_version_nomination_id")
        ),
    )
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("photo", "pdf", "docx", name="filekind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["nomination_version.id"],
            name=op.f("fk_stored_file_version_id_nomination_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("version_id", "kind", name=op.f("uq_stored_file_version_id")),
    )


def downgrade() -> None:
    op.drop_table("stored_file")
    op.drop_table("nomination_version")
    op.drop_table("draft")
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_event_lookup")

    op.drop_table("rate_event")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_plan_call")

    op.drop_table("nomination")
