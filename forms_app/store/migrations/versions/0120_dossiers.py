"""dossiers: a grassroots union's hồ sơ, its sendings and files, unit quotas

Revision ID: 0120
Revises: 0110
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0120"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=False),
        sa.Column("call_key", sa.String(length=100), nullable=False),
        sa.Column("union_name", sa.String(length=300), nullable=False),
        sa.Column("parent_union", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=100), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_since_sent", sa.Boolean(), nullable=False),
        sa.Column("scan", sa.LargeBinary(), nullable=True),
        sa.Column("scan_content_type", sa.String(length=100), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier")),
        sa.UniqueConstraint("reference", name=op.f("uq_dossier_reference")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dossier_token_hash")),
    )
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_plan_call", ["plan_slug", "call_key"], unique=False)

    op.create_table(
        "unit_quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_slug", sa.String(length=200), nullable=False),
        sa.Column("call_key", sa.String(length=100), nullable=False),
        sa.Column("union_key", sa.String(length=300), nullable=False),
        sa.Column("union_name", sa.String(length=300), nullable=False),
        sa.Column("max_nominees", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_quota")),
        sa.UniqueConstraint(
            "plan_slug", "call_key", "union_key", name=op.f("uq_unit_quota_plan_slug")
        ),
    )
    op.create_table(
        "dossier_sending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_sending_dossier_id_dossier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_sending")),
        sa.UniqueConstraint("dossier_id", "number", name=op.f("uq_dossier_sending_dossier_id")),
    )
    op.create_table(
        "dossier_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sending_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "proposal_pdf",
                "proposal_docx",
                "roster_xlsx",
                "signed_scan",
                name="dossierfilekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sending_id"],
            ["dossier_sending.id"],
            name=op.f("fk_dossier_file_sending_id_dossier_sending"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_file")),
        sa.UniqueConstraint("sending_id", "kind", name=op.f("uq_dossier_file_sending_id")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_draft_dossier_id_dossier"), "dossier", ["dossier_id"], ["id"]
        )

    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch_op.create_index("ix_nomination_dossier", ["dossier_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_nomination_dossier_id_dossier"), "dossier", ["dossier_id"], ["id"]
        )

    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_mail_dossier", ["dossier_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_mail_dossier_id_dossier"), "dossier", ["dossier_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_mail_dossier_id_dossier"), type_="foreignkey"
        )
        batch_op.drop_index("ix_outbox_mail_dossier")
        batch_op.drop_column("dossier_id")

    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_nomination_dossier_id_dossier"), type_="foreignkey")
        batch_op.drop_index("ix_nomination_dossier")
        batch_op.drop_column("position")
        batch_op.drop_column("dossier_id")

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_draft_dossier_id_dossier"), type_="foreignkey")
        batch_op.drop_column("dossier_id")

    op.drop_table("dossier_file")
    op.drop_table("dossier_sending")
    op.drop_table("unit_quota")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_plan_call")

    op.drop_table("dossier")
