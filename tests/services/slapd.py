"""A real OpenLDAP server for the tests: configured in a temporary folder, on a free loopback port.

`slapd` (session-scoped) starts one server with its own suffix (`dc=balprov,dc=test`), an mdb database
and the core, cosine and inetorgperson schemas from /etc/ldap/schema; tests take their own branch of
it with `Slapd.new_base()`, so they never see each other's entries. `launch()` starts a private one
(for a test that pauses the server); `launch(tls=True)` one that also speaks StartTLS and ldaps://, with
a certificate for 127.0.0.1 from a test CA made with openssl (`Slapd.ca_file`).

Where slapd cannot be started (not installed, no schemas, no back_mdb), the tests are skipped with
the reason; with CI=true they fail instead, so CI never silently skips them.
"""

from __future__ import annotations

import base64
import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from services.required import missing

SUFFIX = "dc=balprov,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "slapd-test-root-password"
SCHEMA_DIR = Path("/etc/ldap/schema")
SCHEMAS = ("core", "cosine", "inetorgperson")
MODULE_DIRS = (Path("/usr/lib/ldap"), Path("/usr/lib64/openldap"), Path("/usr/lib/openldap"))
START_TIMEOUT = 15.0

_bases = itertools.count(1)

Entries = dict[str, dict[str, list[str]]]  # dn -> attribute (as the server spells it) -> values


class SlapdUnavailable(Exception):
    """slapd cannot be started here; the message says why."""


@dataclass
class Slapd:
    """A running slapd, with the ldap-utils commands bound to its URL and root credentials."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    suffix: str = SUFFIX
    root_dn: str = ROOT_DN
    root_password: str = ROOT_PASSWORD
    ldaps_port: int | None = None
    ca_file: Path | None = None  # the CA of the server's certificate (tls=True)
    _paused: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        assert self.ldaps_port is not None, "started without tls=True"
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def password_file(self) -> Path:
        return self.folder / "rootpw"

    # -- ldap-utils ----------------------------------------------------------------------------------

    def tool(self, name: str, *args: str, stdin: str | None = None, check: bool = True) -> str:
        """Run `ldapsearch`/`ldapmodify`/… against this server as its root DN; return stdout."""
        command = [name, "-x", "-H", self.url, "-D", self.root_dn, "-y", str(self.password_file), *args]
        result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=30, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"{name} {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def search(self, base: str, filter_: str = "(objectClass=*)", *attributes: str, scope: str = "sub") -> Entries:
        """`ldapsearch` parsed: {dn: {attribute: [values]}}; an absent base is an empty result."""
        command = ["-LLL", "-o", "ldif-wrap=no", "-b", base, "-s", scope, filter_, *attributes]
        result = subprocess.run(
            ["ldapsearch", "-x", "-H", self.url, "-D", self.root_dn, "-y", str(self.password_file), *command],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode == 32:  # noSuchObject
            return {}
        if result.returncode != 0:
            raise AssertionError(f"ldapsearch -b {base} failed ({result.returncode}): {result.stderr.strip()}")
        return parse_ldif(result.stdout)

    def modify(self, ldif: str) -> None:
        self.tool("ldapmodify", stdin=ldif)

    def add(self, ldif: str) -> None:
        self.tool("ldapadd", stdin=ldif)

    def new_base(self, name: str = "t") -> str:
        """A fresh organizational unit under the suffix for one test: `ou=<name>-<n>,dc=balprov,dc=test`."""
        value = f"{name}-{next(_bases)}"
        dn = f"ou={value},{self.suffix}"
        self.add(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {value}\n")
        return dn

    # -- process -------------------------------------------------------------------------------------

    def pause(self) -> None:
        """SIGSTOP: the server keeps its socket open but answers nothing (a hung directory)."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self._paused = True

    def resume(self) -> None:
        if self._paused:
            os.kill(self.process.pid, signal.SIGCONT)
            self._paused = False

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class Writes:
    """The write operations the ldap3 client sends (add, modify, delete, modify_dn), in order, with an
    optional hook called just before each is sent (to pause the server at a chosen moment)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import ldap3

        self.sent: list[tuple[str, str]] = []
        self.before: Callable[[str, str], None] | None = None
        for name in ("add", "modify", "delete", "modify_dn"):
            monkeypatch.setattr(ldap3.Connection, name, self._counting(name, getattr(ldap3.Connection, name)))

    def _counting(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(connection: Any, dn: str, *args: Any, **kwargs: Any) -> Any:
            self.sent.append((name, dn))
            if self.before is not None:
                self.before(name, dn)
            return original(connection, dn, *args, **kwargs)

        return wrapper

    def take(self) -> list[tuple[str, str]]:
        """What was sent since the last call."""
        sent, self.sent = self.sent, []
        return sent


def parse_ldif(text: str) -> Entries:
    """ldapsearch -LLL -o ldif-wrap=no output (one line per value, `::` for base64) to a dict."""
    entries: Entries = {}
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        if not line.strip():
            current = None
            continue
        if line.startswith("#"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode("utf-8")
        else:
            value = value[1:] if value.startswith(" ") else value
        if name == "dn":
            current = entries.setdefault(value, {})
        elif current is not None:
            current.setdefault(name, []).append(value)
    return entries


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _certificates(folder: Path) -> list[str]:
    """A test CA and a certificate for 127.0.0.1 signed by it (openssl), as slapd.conf lines."""
    if shutil.which("openssl") is None:
        raise SlapdUnavailable("openssl is needed to make the TLS test certificates")
    ca_key, ca, key, request, certificate = (
        folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem")
    )
    extensions = folder / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        encoding="utf-8",
    )
    new_key = ["-newkey", "rsa:2048", "-nodes", "-keyout"]
    steps: list[list[object]] = [
        ["req", "-x509", *new_key, ca_key, "-out", ca, "-days", "2", "-subj", "/CN=balprov test CA"],
        ["req", *new_key, key, "-out", request, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", certificate],
    ]
    steps[-1] += ["-days", "2", "-extfile", extensions]
    for step in steps:
        result = subprocess.run(["openssl", *map(str, step)], capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise SlapdUnavailable(f"openssl {step[0]} failed: {result.stderr.strip()[-500:]}")
    return [f"TLSCACertificateFile {ca}", f"TLSCertificateFile {certificate}", f"TLSCertificateKeyFile {key}"]


def _configuration(folder: Path, tls: bool = False) -> str:
    missing = [name for name in SCHEMAS if not (SCHEMA_DIR / f"{name}.schema").is_file()]
    if missing:
        raise SlapdUnavailable(f"the OpenLDAP schemas {', '.join(missing)} are not in {SCHEMA_DIR}")
    lines = [f"include {SCHEMA_DIR / name}.schema" for name in SCHEMAS]
    module_dir = next((path for path in MODULE_DIRS if (path / "back_mdb.la").exists()), None)
    if module_dir is not None:  # Debian builds back_mdb as a module; others link it in
        lines += [f"modulepath {module_dir}", "moduleload back_mdb"]
    (folder / "db").mkdir()
    if tls:
        lines += _certificates(folder)
    lines += [
        f"pidfile {folder / 'slapd.pid'}",
        "database mdb",
        "maxsize 67108864",
        f'suffix "{SUFFIX}"',
        f'rootdn "{ROOT_DN}"',
        f"rootpw {ROOT_PASSWORD}",
        f"directory {folder / 'db'}",
        "index objectClass eq",
        "index description eq",
    ]
    return "\n".join(lines) + "\n"


def launch(folder: Path, *, tls: bool = False) -> Slapd:
    """Configure and start a slapd in `folder`; raise SlapdUnavailable (with the reason) if it cannot run."""
    binary = shutil.which("slapd") or next(
        (str(p) for p in (Path("/usr/sbin/slapd"), Path("/usr/local/libexec/slapd")) if p.is_file()), None
    )
    if binary is None:
        raise SlapdUnavailable("slapd is not installed (Debian: apt-get install slapd ldap-utils)")
    if shutil.which("ldapsearch") is None:
        raise SlapdUnavailable("ldapsearch is not installed (Debian: apt-get install ldap-utils)")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "slapd.conf"
    config.write_text(_configuration(folder, tls), encoding="utf-8")
    (folder / "rootpw").write_text(ROOT_PASSWORD, encoding="utf-8")  # -y reads it whole: no newline
    (folder / "rootpw").chmod(0o600)
    last_error = ""
    for _attempt in range(3):  # the port may be taken between free_port() and slapd's bind
        port, ldaps_port = free_port(), (free_port() if tls else None)
        urls = f"ldap://127.0.0.1:{port}/" + (f" ldaps://127.0.0.1:{ldaps_port}/" if tls else "")
        log = (folder / "slapd.log").open("wb")
        process = subprocess.Popen(
            [binary, "-f", str(config), "-h", urls, "-d", "0"], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        server = Slapd(folder, port, process, ldaps_port=ldaps_port, ca_file=folder / "ca.pem" if tls else None)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(server):
                server.add(f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: balprov\no: balprov\n")
                return server
            time.sleep(0.05)
        server.stop()
        last_error = (folder / "slapd.log").read_text(encoding="utf-8", errors="replace").strip()[-2000:]
    raise SlapdUnavailable(f"slapd did not start: {last_error or f'no answer within {START_TIMEOUT:.0f}s'}")


def _answers(server: Slapd) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
            pass
    except OSError:
        return False
    result = subprocess.run(
        ["ldapsearch", "-x", "-H", server.url, "-b", "", "-s", "base", "-LLL", "namingContexts"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return result.returncode == 0


def unavailable(reason: str) -> None:
    """Skip with the reason on a developer's machine; fail in CI (CI=true), where slapd is installed."""
    missing(f"a real slapd is needed: {reason}", "never skipped; see scripts/install-system-deps.sh")


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    """One slapd for the session; stopped at the end."""
    try:
        server = launch(tmp_path_factory.mktemp("slapd"))
    except (SlapdUnavailable, OSError, subprocess.SubprocessError) as error:
        unavailable(str(error))
        raise  # unreachable: skip/fail raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Writes:
    return Writes(monkeypatch)
