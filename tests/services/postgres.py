"""A real PostgreSQL server for the tests: initdb into a temporary folder, a free loopback port, stopped at the end.

`postgres_server` (session-scoped; import it into the conftests that need it) starts one server for the
whole run, shared by every conftest that imports it (a module-level singleton, stopped at exit);
`postgres_dsn` gives each test a database of its own, owned by the role `balprov` that logs in with the
recognisable fake password `PASSWORD` over TCP (scram-sha-256), so the tests also check that the password
never shows. The superuser `postgres` is reached on the Unix socket of the folder (trust), for the tests
that play the database administrator (`admin()`).

initdb and postgres refuse to run as root: as root, the server runs as the `postgres` system user (or
`nobody`), and the temporary folder is given to it. Where no server can be started (PostgreSQL not
installed, no unprivileged user), the tests are skipped with the reason and how to enable them; with
CI=true they fail instead, so CI never silently skips them.

The binaries are looked up in $BALPROV_TEST_PG_BIN, /usr/lib/postgresql/<newest>/bin, `pg_config --bindir`,
then the PATH.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from services.required import missing

ROLE = "balprov"
PASSWORD = "Fake-Pw-7c1e9b2d"  # recognisable: tests assert it never appears in any output
START_TIMEOUT = 30.0
ENABLE = (
    "install PostgreSQL (Debian: apt-get install postgresql, or run scripts/install-system-deps.sh as root) "
    "or point BALPROV_TEST_PG_BIN at the folder holding initdb and postgres"
)
SETTINGS = {  # a throwaway server: speed over durability
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


@dataclass
class PostgresServer:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    bin_dir: Path

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def dsn(self, database: str, password: str = PASSWORD) -> str:
        """The DSN balprov uses: the role `balprov`, its password, TCP on loopback."""
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{database}"

    def admin_dsn(self, database: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A superuser connection (autocommit) on the Unix socket."""
        return psycopg.connect(self.admin_dsn(database), autocommit=True)

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin() as db:
            db.execute(f"CREATE DATABASE {name} OWNER {ROLE} STRATEGY FILE_COPY")
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: ends the sessions, no wait for clients
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------
# Starting one


def find_bin_dir() -> Path:
    candidates: list[Path] = []
    if os.environ.get("BALPROV_TEST_PG_BIN"):
        candidates.append(Path(os.environ["BALPROV_TEST_PG_BIN"]))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version_key(p.parent.name))
    candidates += reversed(versions)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=True)
        candidates.append(Path(bindir.stdout.strip()))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    raise PostgresUnavailable("initdb and postgres were not found")


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) of the unprivileged user to run the server as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise PostgresUnavailable("running as root, and neither the `postgres` nor the `nobody` user exists")


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to stop the server (SIGQUIT) if the test process dies without stopping it."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def arm() -> None:
        libc.prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG

    return arm


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start() -> PostgresServer:
    bin_dir = find_bin_dir()
    owner = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="balprov-pg-"))
    try:
        return _start(bin_dir, owner, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _start(bin_dir: Path, owner: tuple[int, int] | None, folder: Path) -> PostgresServer:
    (folder / "socket").mkdir()
    if owner is not None:
        for path in (folder, folder / "socket"):
            os.chown(path, *owner)
    as_owner: dict[str, object] = {"user": owner[0], "group": owner[1], "extra_groups": []} if owner else {}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
    initdb = subprocess.run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **as_owner,  # type: ignore[call-overload]
    )
    if initdb.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {(initdb.stderr or initdb.stdout).strip()[-2000:]}")
    last_error = ""
    for _attempt in range(3):  # the port may be taken between free_port() and the server's bind
        port = free_port()
        options = [f"-c{key}={value}" for key, value in SETTINGS.items()]
        with (folder / "postgres.log").open("ab") as log:
            process = subprocess.Popen(
                [
                    str(bin_dir / "postgres"),
                    "-D",
                    str(folder / "data"),
                    "-k",
                    str(folder / "socket"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    *options,
                ],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C in pytest reaches the tests, not the server
                preexec_fn=_die_with_parent(),  # single-threaded at this point
                **as_owner,  # type: ignore[call-overload]
            )
        server = PostgresServer(folder, port, process, bin_dir)
        if _wait_ready(server):
            _provision(server)
            return server
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        last_error = (folder / "postgres.log").read_text(encoding="utf-8", errors="replace").strip()[-2000:]
    raise PostgresUnavailable(f"postgres did not start: {last_error or f'no answer within {START_TIMEOUT:.0f}s'}")


def _wait_ready(server: PostgresServer) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with server.admin():
                return True
        except psycopg.OperationalError:
            time.sleep(0.05)
    return False


def _provision(server: PostgresServer) -> None:
    with server.admin() as db:
        db.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")


# ---------------------------------------------------------------------------------------------------
# For the conftests

_shared: PostgresServer | None = None
_failure: str | None = None


def shared_server() -> PostgresServer:
    """The session's server, started on first use and stopped when the test process exits."""
    global _shared, _failure
    if _shared is None and _failure is None:
        try:
            _shared = start()
        except (PostgresUnavailable, OSError, subprocess.SubprocessError, psycopg.Error) as error:
            _failure = str(error)
        else:
            atexit.register(_shared.stop)
    if _shared is None:
        unavailable(_failure or "unknown")
    assert _shared is not None
    return _shared


def unavailable(reason: str) -> None:
    """Skip with the reason on a developer's machine; fail in CI (CI=true), where PostgreSQL is installed."""
    missing(f"a real PostgreSQL server is needed: {reason}. To run these tests, {ENABLE}")


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """One PostgreSQL server for the whole run (skipped, or failed in CI, where none can start)."""
    return shared_server()


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of its own for one test, owned by the role `balprov`; dropped afterwards."""
    name = postgres_server.create_database()
    yield name
    postgres_server.drop_database(name)


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer, postgres_database: str) -> str:
    """The DSN of this test's database, as balprov uses it (with the fake password)."""
    return postgres_server.dsn(postgres_database)
