"""A throwaway PostgreSQL server for the conversion-log tests: initdb and pg_ctl in a temporary
folder, on a free port of 127.0.0.1, started once per test session and removed after.

PostgreSQL refuses to run as root, and CI runs as root: the server then runs as the
`postgres` system user (which Debian's `postgresql` package creates), through runuser.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on the PATH, or where Debian installs them."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def unavailable() -> str | None:
    """Why no server can be started here, or None if one can."""
    if binaries() is None:
        return ("PostgreSQL is not installed (Debian package postgresql; `make test` "
                "installs it)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root, and there is no runuser to run the server as postgres"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server() -> Iterator[str]:
    """Start a server; yield the URL of its `postgres` database (user `dealdocs`, trust
    authentication on 127.0.0.1 only); stop and delete it afterwards."""
    folder_bin = binaries()
    assert folder_bin is not None
    base = Path(tempfile.mkdtemp(prefix="dealdocs-postgres-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(base, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(folder_bin / "initdb"), "-D", str(data), "-U", "dealdocs", "--auth=trust",
            "-E", "UTF8", "--no-sync")
        run(str(folder_bin / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
            "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=50", "start")
        yield f"postgresql://dealdocs@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(folder_bin / "pg_ctl"), "-D", str(data), "-m",
                        "immediate", "stop"], capture_output=True, timeout=120, check=False)
        shutil.rmtree(base, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A new, empty database on the server: its URL."""
    name = f"log_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server_url.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
