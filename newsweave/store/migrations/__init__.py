"""Alembic migrations for the newsweave store, run programmatically by ``Store.open``.

To add a revision after changing ``store/schema.py``::

    python -m newsweave.store.migrate revision -m "what changed"

(autogenerates against a scratch SQLite database migrated to head; review the file).
"""
