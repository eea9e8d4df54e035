"""The conversion log: every conversion and rescission ever recorded, in a real database.

SQLite by default, one file beside the term sheet (`<deal id>.conversions.sqlite`), never
under `output/`; `--log` or DEALDOCS_LOG may name another file or a PostgreSQL URL, so that
a firm can share one log. One log may hold the entries of several deals. Through
SQLAlchemy; the schema is versioned by the Alembic migrations in `migrations/`, which are
applied from here whenever a log is opened. The same database holds the signature log
(generator/signing/log.py), which opens it through `open_log` too.

What it guarantees:

- Recording is one transaction that first takes the lock on what it changes: `BEGIN
  IMMEDIATE` on SQLite (the whole log), `SELECT ... FOR UPDATE` of each note's row on
  PostgreSQL. Two runs converting the same note go one after the other, and each checks the
  principal outstanding inside its own transaction, so together they never convert more.
- A run killed at any moment leaves the log as it was before or as it is after (the
  database's atomic commit); a new SQLite log is built in a temporary file and linked into
  place complete, so there is never a half-made log either.
- A file that is not a dealdocs conversion log (another program's database, a damaged log,
  any other file) is reported and never written to.

Money is stored as whole cents and prices as millionths of a dollar, in integer columns:
exact on every database.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from ..errors import LogError
from ..osuser import os_user
from .place import named

APPLICATION = "dealdocs conversion log"
APPLICATION_ID = 0x44444C47
"""SQLite's `PRAGMA application_id` of a dealdocs log ("DDLG"), set before anything else."""
VERSION_TABLE = "dealdocs_schema_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WAIT_SECONDS = 30
"""How long a run waits for another run's recording to finish before calling the log busy."""
_SQLITE_HEADER = b"SQLite format 3\x00"

CONVERSION = "conversion"
RESCISSION = "rescission"


class FixedPoint(sa.types.TypeDecorator):
    """A Decimal with `places` decimal places, stored exactly as an integer (cents: 2)."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        if value is None:
            return None
        scaled = value.scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-self.places)


class UtcDateTime(sa.types.TypeDecorator):
    """A moment in UTC; SQLite keeps no time zone, so it is stored as UTC there."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


Cents = FixedPoint(2)
Micros = FixedPoint(6)

metadata = sa.MetaData(naming_convention={
    "pk": "pk_%(table_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s", "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s"})

info_table = sa.Table(
    "dealdocs_log", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    comment="What this database is: the row application = 'dealdocs conversion log'.")

notes_table = sa.Table(
    "dealdocs_notes", metadata,
    sa.Column("deal", sa.String(64), primary_key=True),
    sa.Column("note", sa.String(140), primary_key=True),
    comment="One row per note with entries: the row a recording locks (SELECT ... FOR UPDATE).")

entries_table = sa.Table(
    "dealdocs_entries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("deal", sa.String(64), nullable=False),
    sa.Column("note", sa.String(140), nullable=False, comment="<closing id>-<lender id>"),
    sa.Column("note_number", sa.String(32), nullable=False, comment="B1-01, when recorded"),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("rescinds", sa.Integer, sa.ForeignKey("dealdocs_entries.id"), unique=True),
    sa.Column("conversion_date", sa.Date, nullable=False),
    sa.Column("principal_converted", Cents, nullable=False, comment="cents"),
    sa.Column("conversion_price", Micros, nullable=False, comment="millionths of a dollar"),
    sa.Column("shares", sa.BigInteger, nullable=False),
    sa.Column("interest_converted", Cents, comment="cents; null: interest not converted"),
    sa.Column("interest_from", sa.Date, comment="the day interest began to accrue"),
    sa.Column("principal_remaining", Cents, nullable=False, comment="cents, after this entry"),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.ForeignKeyConstraint(["deal", "note"], ["dealdocs_notes.deal", "dealdocs_notes.note"],
                            name="fk_dealdocs_entries_note"),
    sa.CheckConstraint("kind IN ('conversion', 'rescission')", name="kind"),
    sa.CheckConstraint("(kind = 'rescission') = (rescinds IS NOT NULL)", name="rescinds"),
    sa.CheckConstraint("principal_converted > 0", name="principal_converted"),
    sa.CheckConstraint("conversion_price > 0", name="conversion_price"),
    sa.CheckConstraint("shares > 0", name="shares"),
    sa.CheckConstraint("interest_converted >= 0", name="interest_converted"),
    sa.CheckConstraint("principal_remaining >= 0", name="principal_remaining"),
    sa.Index("ix_dealdocs_entries_deal_note", "deal", "note"),
    comment="Every conversion and rescission; a rescission is an entry of its own.")


@dataclass(frozen=True)
class NewEntry:
    """An entry to record: a conversion, or the rescission of one (`rescinds` its id)."""

    deal: str
    note: str
    """The note's document name, <closing id>-<lender id>: stable when numbers change."""
    note_number: str
    kind: str
    rescinds: int | None
    date: dt.date
    """The Conversion Date (for a rescission: that of the conversion it rescinds)."""
    principal_converted: Decimal
    conversion_price: Decimal
    shares: int
    interest_converted: Decimal | None
    interest_from: dt.date | None
    principal_remaining: Decimal
    """The note's principal outstanding once this entry is recorded."""


@dataclass(frozen=True)
class Entry(NewEntry):
    """A recorded entry."""

    id: int
    recorded_at: dt.datetime
    recorded_by: str
    rescinded_by: int | None
    """The id of the rescission that reverses this conversion, if any."""

    @property
    def effective(self) -> bool:
        """A conversion that stands: not rescinded (a rescission is never effective)."""
        return self.kind == CONVERSION and self.rescinded_by is None


@dataclass(frozen=True)
class LogLocation:
    url: sa.URL
    path: Path | None
    """The SQLite file; None for a database server."""

    def __str__(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.set(drivername=self.url.get_backend_name()).render_as_string(
            hide_password=True)


def locate(term_sheet: Path, deal_id: str, given: str | None = None,
           environment: dict[str, str] | None = None) -> LogLocation:
    """The log named by `--log` (`given`), else by DEALDOCS_LOG, else beside the term sheet.

    A path is an SQLite file; a URL may be `postgresql://user@host/database` (or
    `sqlite:///path`)."""
    place = named(term_sheet, deal_id, given, environment)
    if isinstance(place, Path):
        return LogLocation(sa.URL.create("sqlite", database=str(place)), place)
    try:
        url = sa.make_url(place)
    except sa.exc.ArgumentError as exc:
        raise LogError(f"{place!r} is not a database URL ({exc})",
                       "give a file path or postgresql://user@host/database") from None
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database:
        return LogLocation(url, Path(url.database))
    if backend == "postgresql":
        return LogLocation(url.set(drivername="postgresql+psycopg"), None)
    raise LogError(f"{url.render_as_string(hide_password=True)} is not a log dealdocs can use",
                   "give a file path (SQLite) or a postgresql:// URL")


def open_log(location: LogLocation, create: bool) -> ConversionLog | None:
    """Open the log, checking that it is a dealdocs log and bringing its schema up to date.

    None when there is no log there and `create` is false. LogError when the place holds
    something else, a damaged log, or a log of a newer dealdocs: nothing is written then."""
    if location.path is not None:
        if not location.path.exists():
            if not create:
                return None
            _create_sqlite(location)
        else:
            _check_sqlite_file(location)
    log = ConversionLog(_engine(location), location)
    try:
        if not log._prepare(create):
            log.close()
            return None
    except BaseException:
        log.close()
        raise
    return log


class ConversionLog:
    """An open log. Reads run in a read transaction; `recording` is the one way to write."""

    def __init__(self, engine: Engine, location: LogLocation):
        self.engine = engine
        self.location = location

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ConversionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def entries(self, deal: str, note: str | None = None) -> list[Entry]:
        """The entries of a deal (or of one of its notes), in the order they were recorded."""
        with self.connection(read_only=True) as connection, connection.begin():
            return _entries(connection, deal, note)

    @contextmanager
    def recording(self, deal: str, notes: Iterable[str]) -> Iterator[Recording]:
        """A write transaction holding the lock on `notes` of `deal`: read their entries,
        check, add. Committed when the block ends; rolled back, with nothing recorded, if
        it raises."""
        with self.connection(read_only=False) as connection, connection.begin():
            _lock_notes(connection, deal, sorted(set(notes)))
            yield Recording(connection, deal)

    @contextmanager
    def connection(self, read_only: bool) -> Iterator[Connection]:
        """A connection to the log whose transactions are read-only or take the write lock
        first (see `_engine`); the database's errors become LogError. For the other tables
        of the same database (generator/signing/log.py)."""
        try:
            with self.engine.connect() as connection:
                yield connection.execution_options(dealdocs_read_only=read_only)
        except sa.exc.OperationalError as exc:
            raise _database_error(self.location, exc) from None
        except sa.exc.DatabaseError as exc:
            raise _database_error(self.location, exc) from None

    def _prepare(self, create: bool) -> bool:
        """Check what the database is and migrate it to the current schema; False if it
        holds no log and `create` is false."""
        with self.connection(read_only=True) as connection, connection.begin():
            state = _state(connection, self.location)
        if state == _head():
            return True
        if state is None and not create:
            return False
        with self.connection(read_only=False) as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                # Serialize two runs creating or upgrading the same log at once.
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(APPLICATION_ID)))
            if _state(connection, self.location) != _head():
                _migrate(connection)
        return True


class Recording:
    """The inside of a recording transaction (see ConversionLog.recording)."""

    def __init__(self, connection: Connection, deal: str):
        self._connection = connection
        self.deal = deal

    def entries(self, note: str | None = None) -> list[Entry]:
        return _entries(self._connection, self.deal, note)

    def add(self, entry: NewEntry) -> Entry:
        if entry.deal != self.deal:
            raise ValueError(f"an entry of {entry.deal} in a recording of {self.deal}")
        recorded_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        values = {**_columns(entry), "recorded_at": recorded_at, "recorded_by": os_user()}
        entry_id = self._connection.execute(
            entries_table.insert().values(values).returning(entries_table.c.id)).scalar_one()
        return Entry(**vars(entry), id=entry_id, recorded_at=recorded_at,
                     recorded_by=values["recorded_by"], rescinded_by=None)


# --- The database. ---


def _engine(location: LogLocation) -> Engine:
    if location.path is None:
        return sa.create_engine(location.url, poolclass=NullPool, connect_args={
            "connect_timeout": WAIT_SECONDS,
            "options": f"-c lock_timeout={WAIT_SECONDS * 1000}"})
    engine = sa.create_engine(location.url, poolclass=NullPool,
                              connect_args={"timeout": WAIT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        # The driver's own transaction handling is off: `_begin` says how each one starts.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("dealdocs_read_only", False)
        # IMMEDIATE takes the write lock first: a second writer waits here, before it reads.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _create_sqlite(location: LogLocation) -> None:
    """Build a new, empty log in a temporary file beside `path`, then link it into place:
    a log appears complete or not at all, and one made meanwhile by another run wins."""
    path = location.path
    assert path is not None
    if not path.parent.is_dir():
        raise LogError(f"cannot create the conversion log {path}: the folder "
                       f"{path.parent} does not exist", "create it, or choose another --log")
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                 suffix=".tmp")
    except OSError as exc:
        raise LogError(f"cannot create the conversion log {path}: {exc.strerror}",
                       "check that its folder is writable, or choose another --log") from None
    os.close(descriptor)
    try:
        engine = _engine(LogLocation(sa.URL.create("sqlite", database=temporary),
                                     Path(temporary)))
        try:
            with engine.connect() as connection, connection.begin():
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                _migrate(connection)
        finally:
            engine.dispose()
        # mkstemp makes the file private; a log is shared like the term sheet beside it.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another run created it first: use that one
    except sa.exc.DBAPIError as exc:
        # As for an existing log (a full disk, say): one line, and no log left behind.
        raise _database_error(location, exc) from None
    except OSError as exc:
        raise LogError(f"cannot create the conversion log {path}: {exc.strerror}",
                       "check that its folder is writable, or choose another --log") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _check_sqlite_file(location: LogLocation) -> None:
    """Refuse, before opening it as a database, a file that is not an SQLite database."""
    path = location.path
    assert path is not None
    try:
        # Without waiting: a pipe at the path must not hang the command (a link is followed:
        # the log is the user's file, wherever it is).
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise LogError(f"{path} is not a file, so not a conversion log; it was left "
                               "as it is", _FOREIGN_FIX)
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise LogError(f"cannot read the conversion log {path}: {exc.strerror}",
                       "check the path and its permissions") from None
    if header != _SQLITE_HEADER:
        raise LogError(f"{path} is not a dealdocs conversion log (it is not an SQLite "
                       "database); it was left as it is", _FOREIGN_FIX)


_FOREIGN_FIX = ("give --log the path of the deal's conversion log, or move this file away so "
                "that a new log can be made there")


def _state(connection: Connection, location: LogLocation) -> str | None:
    """The schema revision of the log; None for an empty database; LogError for a
    database that is something else, or damaged."""
    tables = set(sa.inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
        if application_id != APPLICATION_ID and (tables or application_id):
            raise LogError(f"{location} is another program's SQLite database, not a dealdocs "
                           "conversion log; it was left as it is", _FOREIGN_FIX)
        problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise LogError(f"the conversion log {location} is damaged ({'; '.join(problems[:3])}); "
                           "it was left as it is", _DAMAGED_FIX)
    if not tables & {info_table.name, VERSION_TABLE, entries_table.name}:
        return None
    application = connection.execute(
        sa.select(info_table.c.value).where(info_table.c.key == "application")
    ).scalar() if info_table.name in tables else None
    if application != APPLICATION:
        raise LogError(f"{location} holds tables named like a dealdocs conversion log's, "
                       "and is not one; it was left as it is", _FOREIGN_FIX)
    revision = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
    if revision is not None and revision not in _revisions():
        raise LogError(f"the conversion log {location} was written by a newer dealdocs "
                       f"(schema {revision}); it was left as it is",
                       "use the dealdocs that wrote it, or upgrade this one")
    return revision


_DAMAGED_FIX = ("restore it from a backup (the CSV of `dealdocs conversions --csv`, kept under "
                "version control, lists every entry)")


def _database_error(location: LogLocation, exc: sa.exc.DBAPIError) -> LogError:
    text = (str(exc.orig) if exc.orig is not None else str(exc)).strip()
    if isinstance(exc, sa.exc.IntegrityError):
        return LogError(f"the conversion log {location} refused the entry ({text}); nothing "
                        "was recorded", "list the log (`dealdocs conversions`): it may have "
                        "changed meanwhile")
    if "locked" in text or "lock timeout" in text or "could not obtain lock" in text:
        return LogError(f"the conversion log {location} is busy: another run has been "
                        f"recording for over {WAIT_SECONDS} seconds", "try again in a moment")
    if "not a database" in text or "malformed" in text:
        return LogError(f"the conversion log {location} is damaged ({text}); it was left as "
                        "it is", _DAMAGED_FIX)
    if "disk is full" in text or "disk I/O error" in text or "No space left" in text:
        return LogError(f"cannot write the conversion log {location} ({text}); nothing was "
                        "recorded", "free space on the disk that holds it (or check that "
                        "disk), then run again")
    if "readonly" in text or "read-only" in text:
        return LogError(f"the conversion log {location} cannot be written ({text})",
                        "check the file's permissions")
    return LogError(f"cannot use the conversion log {location}: {text.strip()}",
                    "check --log (or DEALDOCS_LOG) and that the database is reachable")


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = VERSION_TABLE
    return config


@cache
def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _head() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def _revisions() -> set[str]:
    return {revision.revision for revision in _script().walk_revisions()}


def _migrate(connection: Connection) -> None:
    """Bring the schema to the current revision, inside the caller's transaction."""
    command.upgrade(_alembic_config(connection), "head")


def _lock_notes(connection: Connection, deal: str, notes: list[str]) -> None:
    if not notes:
        return
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)
    connection.execute(insert(notes_table).values([{"deal": deal, "note": note}
                                                   for note in notes]).on_conflict_do_nothing())
    # On PostgreSQL each note's row stays locked until the transaction ends; SQLite's
    # BEGIN IMMEDIATE already holds the whole log (and renders no FOR UPDATE).
    connection.execute(sa.select(notes_table.c.note)
                       .where(notes_table.c.deal == deal, notes_table.c.note.in_(notes))
                       .order_by(notes_table.c.note).with_for_update()).all()


def _entries(connection: Connection, deal: str, note: str | None) -> list[Entry]:
    query = sa.select(entries_table).where(entries_table.c.deal == deal)
    if note is not None:
        query = query.where(entries_table.c.note == note)
    rows = connection.execute(query.order_by(entries_table.c.id)).mappings().all()
    rescinded_by = {row["rescinds"]: row["id"] for row in rows if row["rescinds"] is not None}
    return [Entry(deal=row["deal"], note=row["note"], note_number=row["note_number"],
                  kind=row["kind"], rescinds=row["rescinds"], date=row["conversion_date"],
                  principal_converted=row["principal_converted"],
                  conversion_price=row["conversion_price"], shares=row["shares"],
                  interest_converted=row["interest_converted"],
                  interest_from=row["interest_from"],
                  principal_remaining=row["principal_remaining"], id=row["id"],
                  recorded_at=row["recorded_at"], recorded_by=row["recorded_by"],
                  rescinded_by=rescinded_by.get(row["id"]))
            for row in rows]


def _columns(entry: NewEntry) -> dict[str, Any]:
    return {"deal": entry.deal, "note": entry.note, "note_number": entry.note_number,
            "kind": entry.kind, "rescinds": entry.rescinds, "conversion_date": entry.date,
            "principal_converted": entry.principal_converted,
            "conversion_price": entry.conversion_price, "shares": entry.shares,
            "interest_converted": entry.interest_converted,
            "interest_from": entry.interest_from,
            "principal_remaining": entry.principal_remaining}
