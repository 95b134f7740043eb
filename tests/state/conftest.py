"""The state tests run against every backend: the PostgreSQL ones on a real server (tests/services/postgres.py)."""

from services.postgres import postgres_database, postgres_dsn, postgres_server

__all__ = ["postgres_database", "postgres_dsn", "postgres_server"]
