"""Run the store's Alembic migrations programmatically (no alembic.ini needed).

``Store.open`` calls :func:`upgrade` on every open; it is a cheap no-op when
the database is already at head. For developers, after changing
``store/schema.py``::

    python -m newsweave.store.migrate revision -m "add a column"   # autogenerate
    python -m newsweave.store.migrate check                        # schema.py == migrations?
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a migration has to run: opening an up-to-date
# database reads alembic_version with plain SQL (the CLI starts faster).

__all__ = ["alembic_config", "head_revision", "current_revision", "upgrade", "schema_diff"]

SCRIPT_LOCATION = "newsweave.store:migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped in this package."""
    from alembic.config import Config

    config = Config(output_buffer=io.StringIO(), stdout=io.StringIO())
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The head revision id, read from the revision files without importing Alembic."""
    heads = _scan_heads()
    if len(heads) != 1:  # a developer error: two revisions claim the same parent
        raise RuntimeError(f"store migrations have {len(heads)} heads {sorted(heads)}; merge them")
    return heads.pop()


_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?=\s*(.+)$", re.M)


def _scan_heads() -> set[str]:
    versions = _versions_dir()
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        if path.name.startswith("__"):
            continue
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down is not None:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def _versions_dir() -> Path:
    return Path(__file__).with_name("migrations") / "versions"


def current_revision(connection: Connection) -> str | None:
    """The revision the database is stamped with (None for a fresh database)."""
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade(connection: Connection) -> bool:
    """Bring the database on ``connection`` to head inside the caller's transaction.

    Returns True when a migration ran. The caller holds the transaction (and, on
    PostgreSQL, a lock), so concurrent opens of a fresh database do not race.
    """
    if current_revision(connection) == head_revision():
        return False
    from alembic import command

    command.upgrade(alembic_config(connection=connection), "head")
    return True


def schema_diff(connection: Connection) -> list:
    """Differences between the migrated database and ``schema.metadata`` (empty when equal)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from newsweave.store.schema import metadata

    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    with warnings.catch_warnings():  # the hand-made expression indexes (FTS_NAMES) cannot be reflected
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        return compare_metadata(context, metadata)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Autogenerate filter: full-text search objects are made by hand in a migration, not by schema.py."""
    from newsweave.store.schema import FTS_NAMES

    return not (name and any(name.startswith(prefix) for prefix in FTS_NAMES))


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsweave.store.migrate")
    sub = parser.add_subparsers(dest="cmd", required=True)
    rev = sub.add_parser("revision", help="autogenerate a revision from schema.py")
    rev.add_argument("-m", "--message", required=True)
    sub.add_parser("check", help="exit 1 when schema.py and the migrations differ")
    args = parser.parse_args(argv)
    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                command.upgrade(alembic_config(connection=conn), "head")
                diff = schema_diff(conn)
            for item in diff:
                print(item)
            if args.cmd == "check":
                return 1 if diff else 0
            if not diff:
                print("schema.py and the migrations agree: nothing to generate")
                return 0
            with engine.begin() as conn:
                config = alembic_config(connection=conn)
                config.stdout = sys.stdout
                number = len([p for p in _versions_dir().glob("*.py") if not p.name.startswith("__")]) + 1
                script = command.revision(config, message=args.message, autogenerate=True, rev_id=f"{number:04d}")
            # one revision (a list comes only with several heads, which this project never has)
            print(f"wrote {script.path}" if script is not None and not isinstance(script, list) else "nothing generated")
            return 0
        finally:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(_main())
