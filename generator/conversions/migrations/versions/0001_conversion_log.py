"""The conversion log: what it is, the notes it locks, and its entries.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

Money in whole cents and prices in millionths of a dollar, as integers; a rescission is an
entry of its own that names the conversion it reverses (at most one per conversion).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    info = op.create_table(
        "dealdocs_log",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_dealdocs_log"),
        comment="What this database is: the row application = 'dealdocs conversion log'.")
    op.bulk_insert(info, [{"key": "application", "value": "dealdocs conversion log"}])
    op.create_table(
        "dealdocs_notes",
        sa.Column("deal", sa.String(64), nullable=False),
        sa.Column("note", sa.String(140), nullable=False),
        sa.PrimaryKeyConstraint("deal", "note", name="pk_dealdocs_notes"),
        comment="One row per note with entries: the row a recording locks (SELECT ... FOR "
                "UPDATE).")
    op.create_table(
        "dealdocs_entries",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("deal", sa.String(64), nullable=False),
        sa.Column("note", sa.String(140), nullable=False, comment="<closing id>-<lender id>"),
        sa.Column("note_number", sa.String(32), nullable=False, comment="B1-01, when recorded"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rescinds", sa.Integer, nullable=True),
        sa.Column("conversion_date", sa.Date, nullable=False),
        sa.Column("principal_converted", sa.BigInteger, nullable=False, comment="cents"),
        sa.Column("conversion_price", sa.BigInteger, nullable=False,
                  comment="millionths of a dollar"),
        sa.Column("shares", sa.BigInteger, nullable=False),
        sa.Column("interest_converted", sa.BigInteger, nullable=True,
                  comment="cents; null: interest not converted"),
        sa.Column("interest_from", sa.Date, nullable=True,
                  comment="the day interest began to accrue"),
        sa.Column("principal_remaining", sa.BigInteger, nullable=False,
                  comment="cents, after this entry"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dealdocs_entries"),
        sa.ForeignKeyConstraint(["rescinds"], ["dealdocs_entries.id"],
                                name="fk_dealdocs_entries_rescinds"),
        sa.ForeignKeyConstraint(["deal", "note"], ["dealdocs_notes.deal", "dealdocs_notes.note"],
                                name="fk_dealdocs_entries_note"),
        sa.UniqueConstraint("rescinds", name="uq_dealdocs_entries_rescinds"),
        sa.CheckConstraint("kind IN ('conversion', 'rescission')",
                           name="ck_dealdocs_entries_kind"),
        sa.CheckConstraint("(kind = 'rescission') = (rescinds IS NOT NULL)",
                           name="ck_dealdocs_entries_rescinds"),
        sa.CheckConstraint("principal_converted > 0",
                           name="ck_dealdocs_entries_principal_converted"),
        sa.CheckConstraint("conversion_price > 0", name="ck_dealdocs_entries_conversion_price"),
        sa.CheckConstraint("shares > 0", name="ck_dealdocs_entries_shares"),
        sa.CheckConstraint("interest_converted >= 0",
                           name="ck_dealdocs_entries_interest_converted"),
        sa.CheckConstraint("principal_remaining >= 0",
                           name="ck_dealdocs_entries_principal_remaining"),
        comment="Every conversion and rescission; a rescission is an entry of its own.")
    op.create_index("ix_dealdocs_entries_deal_note", "dealdocs_entries", ["deal", "note"])


def downgrade() -> None:
    op.drop_index("ix_dealdocs_entries_deal_note", "dealdocs_entries")
    op.drop_table("dealdocs_entries")
    op.drop_table("dealdocs_notes")
    op.drop_table("dealdocs_log")
