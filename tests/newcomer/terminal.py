"""A command on a pseudo-terminal, driven like a user at the keyboard (a tiny `expect`, stdlib only).

The child's stdin, stdout and stderr are the terminal, so it sees `isatty()` true everywhere; what it
prints (and the echo of what is typed) is collected in `output`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping
from pathlib import Path


class TerminalTimeout(AssertionError):
    pass


class Terminal:
    def __init__(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float = 60.0, columns: int = 120
    ) -> None:
        self.timeout = timeout
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        self._master = master
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=dict(env), start_new_session=True
        )
        os.close(slave)
        self.output = ""
        self._seen = 0  # where the next expect starts looking
        self._closed = False

    def _read(self, deadline: float) -> bool:
        """Read what is there (waiting until `deadline`); False at the end of the output."""
        if self._closed:
            return False
        ready, _, _ = select.select([self._master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return True
        try:
            chunk = os.read(self._master, 65536)
        except OSError as error:  # Linux: EIO once the child has closed the terminal
            if error.errno != errno.EIO:
                raise
            chunk = b""
        if not chunk:
            self._closed = True
            return False
        self.output += chunk.decode("utf-8", errors="replace")
        return True

    def expect(self, pattern: str) -> re.Match[str]:
        """Wait for `pattern` (a regular expression) after the previous match."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + self.timeout
        while True:
            found = compiled.search(self.output, self._seen)
            if found:
                self._seen = found.end()
                return found
            if time.monotonic() > deadline or not self._read(deadline):
                raise TerminalTimeout(f"never saw {pattern!r}; the terminal showed:\n{self.output[-3000:]}")

    def send_line(self, text: str = "") -> None:
        os.write(self._master, text.encode("utf-8") + b"\r")  # Enter, as a keyboard sends it

    def wait(self) -> int:
        """Read everything until the command ends; its exit status."""
        deadline = time.monotonic() + self.timeout
        while self._read(deadline):
            if time.monotonic() > deadline:
                self.process.kill()
                raise TerminalTimeout(f"the command did not end; the terminal showed:\n{self.output[-3000:]}")
        code = self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self._master)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self._closed:
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._closed = True
