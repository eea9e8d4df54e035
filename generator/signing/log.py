"""The signature log: each signature page received back signed, in the conversion log's
database (generator/conversions/log.py: opened, checked and migrated there; its table is
made by migration 0002), so that one log file holds a deal's conversions and its pages.

A page (deal, document, signer, page, version) is received once: a unique constraint, and
an insert that does nothing on a conflict. Recording is one transaction that takes the
write lock first (SQLite's BEGIN IMMEDIATE; on PostgreSQL the second of two inserts of the
same page waits for the first to commit), so two runs receiving the same page record it
once, and the other reports it as already received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..conversions.log import ConversionLog, UtcDateTime, metadata
from ..osuser import os_user
from ..pageid import PageId

signed_pages_table = sa.Table(
    "dealdocs_signed_pages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("deal", sa.String(200), nullable=False),
    sa.Column("document", sa.String(200), nullable=False),
    sa.Column("signer", sa.String(200), nullable=False, comment="company or a lender's id"),
    sa.Column("page", sa.Integer, nullable=False,
              comment="the page's place among the document's signature pages, from 1"),
    sa.Column("version", sa.String(16), nullable=False,
              comment="the digest of the document's version the page was signed on"),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("source_file", sa.String(255), nullable=False, comment="the returned file's name"),
    sa.Column("source_page", sa.Integer, nullable=False,
              comment="the page's number in that file, from 1"),
    sa.Column("sha256", sa.String(64), nullable=False, comment="of the kept copy"),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.UniqueConstraint("deal", "document", "signer", "page", "version",
                        name="uq_dealdocs_signed_pages_deal"),
    sa.CheckConstraint("page > 0", name="page"),
    sa.CheckConstraint("source_page > 0", name="source_page"),
    comment="Each signature page received back signed, once.")


@dataclass(frozen=True)
class Receipt:
    """A signed page as it came back."""

    page_id: PageId
    source_file: str
    """The returned file's name (not its folder: the log may be shared)."""
    source_page: int
    """The page's number in that file, from 1."""
    sha256: str
    """Of the one-page PDF kept in OUT/<deal id>/signed/."""


@dataclass(frozen=True)
class Received(Receipt):
    received_at: dt.datetime
    recorded_by: str


class SignatureLog:
    """The signature pages of an open log: read, or recorded in one transaction."""

    def __init__(self, log: ConversionLog):
        self._log = log

    def received(self, deal: str) -> list[Received]:
        """The pages of `deal` received, in the order they were recorded."""
        with self._log.connection(read_only=True) as connection, connection.begin():
            rows = connection.execute(
                sa.select(signed_pages_table).where(signed_pages_table.c.deal == deal)
                .order_by(signed_pages_table.c.id)).mappings().all()
        return [Received(PageId(row["deal"], row["document"], row["signer"], row["page"],
                                row["version"]), row["source_file"], row["source_page"],
                         row["sha256"], row["received_at"], row["recorded_by"])
                for row in rows]

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._log.connection(read_only=False) as connection, connection.begin():
            yield Recording(connection)


class Recording:
    """The inside of a recording transaction (see SignatureLog.recording)."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def add(self, receipt: Receipt) -> Received | None:
        """The page recorded; None if it was received before (by this run or another)."""
        received_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        page_id = receipt.page_id
        values = {"deal": page_id.deal, "document": page_id.document, "signer": page_id.signer,
                  "page": page_id.page, "version": page_id.version,
                  "source_file": receipt.source_file, "source_page": receipt.source_page,
                  "sha256": receipt.sha256, "received_at": received_at,
                  "recorded_by": os_user()}
        insert = (postgresql.insert if self._connection.dialect.name == "postgresql"
                  else sqlite.insert)
        added = self._connection.execute(
            insert(signed_pages_table).values(values).on_conflict_do_nothing()
            .returning(signed_pages_table.c.id)).scalar()
        if added is None:
            return None
        return Received(page_id, receipt.source_file, receipt.source_page, receipt.sha256,
                        received_at, values["recorded_by"])
