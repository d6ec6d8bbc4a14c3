"""The store: articles and everything found in them, in SQLite or PostgreSQL.

See :mod:`newsweave.store.repository` (the :class:`Store`), :mod:`newsweave.store.schema`
(all tables) and :mod:`newsweave.store.migrate` (Alembic, run on open).
"""

from newsweave.store.repository import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DB,
    AddCounts,
    BatchResult,
    Store,
    StoreError,
    resolve_url,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_DB",
    "AddCounts",
    "BatchResult",
    "Store",
    "StoreError",
    "resolve_url",
]
