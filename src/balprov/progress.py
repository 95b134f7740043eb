"""A progress bar for long work, on a terminal only.

`progress_bar(stream, total, unit)` draws `[#####.....]  6/10 mailboxes  2.4/s  ETA 2s` on one line of
`stream` (stderr); with `scale`, an amount counted in small units (bytes) is shown in large ones:
`progress_bar(stream, size, "MB", scale=1_000_000)` draws `12.3/48.0 MB  25.1 MB/s  ETA 2s`. The line is
rewritten in place with `\\r`. It draws nothing, and writes not a byte, when the stream is not a terminal
(piped, redirected, a CI log), when `CI` is set (to anything but false/0), or when `TERM=dumb`: logs stay
clean. Lines printed meanwhile (to stdout, the same terminal) go above the bar: wrap the per-item callback
with `bar.around(callback)`, which clears the bar before it and redraws after.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TextIO

from balprov.i18n import _

_P = ParamSpec("_P")
_REDRAW_EVERY = 0.1  # seconds between redraws of a bar that moves fast
_CLEAR = "\r\x1b[K"


def progress_wanted(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    environ = dict(os.environ) if environ is None else environ
    if environ.get("CI", "").strip().lower() not in ("", "false", "0", "no"):
        return False
    if environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


class ProgressBar:
    def __init__(
        self,
        stream: TextIO | None,
        total: int,
        unit: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        scale: int = 1,
    ) -> None:
        self.stream = stream  # None: draws nothing
        self.total = total
        self.unit = unit
        self.scale = scale  # what is counted per `unit` shown: 1 for items, 1_000_000 for bytes shown as MB
        self.done = 0
        self._clock = clock
        self._start = clock()
        self._drawn_at: float | None = None
        self._visible = False

    @property
    def active(self) -> bool:
        return self.stream is not None

    def line(self, width: int) -> str:
        """The bar as text, fitted to `width` columns."""
        elapsed = max(self._clock() - self._start, 1e-9)
        rate = self.done / elapsed
        if self.scale == 1:  # whole items: "6/10 mailboxes  2.4/s"
            counts = f"{self.done}/{self.total} {self.unit}"
            speed = f"{rate:.1f}/s" if self.done else "--/s"
        else:  # an amount, in `unit`s of `scale`: "12.3/48.0 MB  25.1 MB/s" (its rate needs the unit to be read)
            counts = f"{self.done / self.scale:.1f}/{self.total / self.scale:.1f} {self.unit}"
            speed = f"{rate / self.scale:.1f} {self.unit}/s" if self.done else f"-- {self.unit}/s"
        eta = ""
        if self.done and self.done < self.total and rate > 0:
            eta = f"  {_('ETA')} {_duration((self.total - self.done) / rate)}"  # "ETA 2s", "reste 2s"
        tail = f"  {counts}  {speed}{eta}"
        cells = max(10, min(40, width - len(tail) - 3))
        filled = cells if not self.total else int(cells * min(self.done, self.total) / self.total)
        return ("[" + "#" * filled + "." * (cells - filled) + "]" + tail)[: max(width - 1, 1)]

    def draw(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = self._clock()
        if not force and self._drawn_at is not None and now - self._drawn_at < _REDRAW_EVERY:
            return
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write(_CLEAR + self.line(width))
        self.stream.flush()
        self._drawn_at = now
        self._visible = True

    def clear(self) -> None:
        if self.stream is not None and self._visible:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self._visible = False

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.draw(force=self.done >= self.total)

    def around(self, callback: Callable[_P, None]) -> Callable[_P, None]:
        """`callback` (which prints a line per item) with the bar cleared before it and advanced after."""

        def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> None:
            self.clear()
            try:
                callback(*args, **kwargs)
            finally:
                self.advance()

        return wrapped


@contextmanager
def progress_bar(stream: TextIO, total: int, unit: str, *, scale: int = 1) -> Iterator[ProgressBar]:
    """A bar on `stream` when it is wanted there (see `progress_wanted`), else one that draws nothing;
    removed from the screen at the end, whatever happens. `scale`: see `ProgressBar`."""
    bar = ProgressBar(stream if progress_wanted(stream) else None, total, unit, scale=scale)
    bar.draw(force=True)
    try:
        yield bar
    finally:
        bar.clear()


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
