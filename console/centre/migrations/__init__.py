"""Alembic migrations of the centre's schema (console/centre/schema.py runs them)."""
