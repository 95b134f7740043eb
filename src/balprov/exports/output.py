"""Writing a command's output to `-o FILE`: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from balprov.errors import BalprovError
from balprov.i18n import _


def write_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to a temporary file beside `path`, then rename it over `path`: a reader never
    sees half a file, and a failure leaves any previous file as it was. The file is created 0600 (it
    names people); an existing file's mode is kept."""
    folder = path.resolve().parent
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise BalprovError(
            _("{path}: cannot write: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise BalprovError(
            _("{path}: cannot write: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
