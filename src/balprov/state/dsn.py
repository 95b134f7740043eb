"""A PostgreSQL DSN as messages may show it: the password masked, wherever it is written.

A DSN comes in two forms, `postgresql://user:password@host:5432/db?sslmode=require` and
`host=db user=balprov password=secret dbname=state`, and libpq echoes a malformed one in its errors
(`missing "=" after "postgresq://u:secret@h/db" in connection info string`). So every message that
mentions the state database goes through `scrub`: the DSN itself is replaced by its masked form, and
any remaining occurrence of the password (raw or percent-decoded) by `***`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
_MIN_SCRUBBED = 3  # shorter "passwords" are left in free text: replacing every "a" would say nothing

_URI = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>.*)\Z", re.DOTALL)
_QUERY_PASSWORD = re.compile(r"(?P<key>[?&]password=)(?P<value>[^&#]*)", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'?|\S*)", re.IGNORECASE)


def _uri_userinfo(dsn: str) -> tuple[int, int] | None:
    """Start and end of the password in a URI DSN (`scheme://user:PASSWORD@host`), if it has one."""
    match = _URI.match(dsn)
    if match is None:
        return None
    start = match.start("rest")
    query = dsn.find("?", start)
    end = len(dsn) if query < 0 else query
    at = dsn.rfind("@", start, end)
    if at < 0:
        return None
    colon = dsn.find(":", start, at)
    if colon < 0:
        return None
    return colon + 1, at


def passwords(dsn: str) -> list[str]:
    """Every password the DSN holds, as written and percent-decoded."""
    found: list[str] = []
    if _URI.match(dsn):
        span = _uri_userinfo(dsn)
        if span is not None:
            found.append(dsn[span[0] : span[1]])
        found += [m.group("value") for m in _QUERY_PASSWORD.finditer(dsn)]
    else:
        for m in _KEYWORD_PASSWORD.finditer(dsn):
            value = m.group("value")
            found.append(value)
            if value.startswith("'"):
                found.append(value.strip("'").replace("\\'", "'").replace("\\\\", "\\"))
    found += [unquote(value) for value in found]
    return sorted({value for value in found if value}, key=len, reverse=True)


def mask_dsn(dsn: str) -> str:
    """The DSN with its password replaced by `***`, in the form the user wrote it."""
    if not _URI.match(dsn):
        return _KEYWORD_PASSWORD.sub(lambda m: m.group("key") + MASK, dsn)
    masked = dsn
    span = _uri_userinfo(masked)
    if span is not None and span[1] > span[0]:
        masked = masked[: span[0]] + MASK + masked[span[1] :]
    return _QUERY_PASSWORD.sub(lambda m: m.group("key") + MASK, masked)


def scrub(text: str, dsn: str) -> str:
    """`text` (an error message) with the DSN masked and no trace of its password left."""
    if dsn:
        text = text.replace(dsn, mask_dsn(dsn))
    for secret in passwords(dsn):
        if len(secret) >= _MIN_SCRUBBED:
            text = text.replace(secret, MASK)
    return text
