"""Limits that keep a hostile file from exhausting memory, time or the C parser's stack."""

MAX_FILE_BYTES = 1 << 20  # a cabinet of 20 holders and many delegates is ~10 KiB
MAX_DEPTH = 32  # a cabinet nests 5 levels deep
MAX_NODES = 20_000  # after alias expansion; stops "billion laughs" documents
# Above this bound on nesting, the file is scanned event by event before the (recursive) C composer
# sees it: libyaml's composer overflows the C stack somewhere between 10,000 and 100,000 levels.
SAFE_COMPOSE_BOUND = 5_000
