"""Scaffolding for newcomers: `balprov init` (a ready repository) and `balprov new` (a cabinet file)."""
