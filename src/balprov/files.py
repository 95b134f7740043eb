"""Files balprov writes (saved plans, `-o` outputs, report pages, the validation cache): whole or not at all.

A temporary file beside the target, renamed over it: a reader never sees half a file, and a failure leaves
any previous file as it was. Created 0600, as most of them name people.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from balprov.errors import BalprovError
from balprov.i18n import _


def write_atomically(
    path: Path, content: str | bytes | Iterable[str], *, keep_mode: bool = True, durable: bool = True
) -> None:
    """Write `content` (text as UTF-8, bytes as they are, or text in pieces) to `path`.

    `keep_mode`: an existing file keeps its mode (else the new one is 0600 whatever was there).
    `durable`: fsynced before the rename; thousands of report pages and the cache, made again in seconds,
    skip it. A file that cannot be written is a BalprovError naming it."""
    folder = path.resolve().parent
    try:
        mode = path.stat().st_mode & 0o777 if keep_mode and path.exists() else None
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)  # created 0600
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                for piece in [content] if isinstance(content, str) else content:
                    out.write(piece.encode("utf-8"))
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(path, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cannot_write(path: Path, error: OSError) -> BalprovError:
    return BalprovError(_("{path}: cannot write: {reason}").format(path=path, reason=error.strerror or error))
