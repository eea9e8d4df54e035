"""The signature log: each signature page received back, in the same database as the
conversion log, so that one log file holds a deal's conversions and its signed pages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

A page is received once: deal, document, signer, page and version are unique together.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dealdocs_signed_pages",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("deal", sa.String(200), nullable=False),
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("signer", sa.String(200), nullable=False, comment="company or a lender's id"),
        sa.Column("page", sa.Integer, nullable=False,
                  comment="the page's place among the document's signature pages, from 1"),
        sa.Column("version", sa.String(16), nullable=False,
                  comment="the digest of the document's version the page was signed on"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=False,
                  comment="the returned file's name"),
        sa.Column("source_page", sa.Integer, nullable=False,
                  comment="the page's number in that file, from 1"),
        sa.Column("sha256", sa.String(64), nullable=False, comment="of the kept copy"),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dealdocs_signed_pages"),
        sa.UniqueConstraint("deal", "document", "signer", "page", "version",
                            name="uq_dealdocs_signed_pages_deal"),
        sa.CheckConstraint("page > 0", name="ck_dealdocs_signed_pages_page"),
        sa.CheckConstraint("source_page > 0", name="ck_dealdocs_signed_pages_source_page"),
        comment="Each signature page received back signed, once.")


def downgrade() -> None:
    op.drop_table("dealdocs_signed_pages")
