"""Core of each command: a typed options value in, an exit code out. No click here."""
