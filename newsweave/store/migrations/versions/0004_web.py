"""web app: who/undo on corrections, outlet groups, compare cache, full-text search, newest-stories index

Revision ID: 0004
Revises: 0003

Full-text search is created here by hand (autogenerate cannot express it):
SQLite gets an FTS5 table over ``articles(title, text)`` kept in step by
triggers (external content: the text is stored once, in ``articles``);
PostgreSQL gets a GIN index on ``to_tsvector('simple', title || ' ' || text)``.
The ``simple`` configuration neither stems nor drops stop words, so search
works the same for every language a corpus mixes.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text, seq ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
# story size and independent sources, as newsweave.store.browse._meta_int writes them
_SIZE_INDEXES = {
    "sqlite": ["CREATE INDEX ix_stories_size ON stories (json_extract(meta, '$.articles'))",
               "CREATE INDEX ix_stories_independent ON stories (json_extract(meta, '$.independent_sources'))"],
    "postgresql": ["CREATE INDEX ix_stories_size ON stories (((meta ->> 'articles')::integer))",
                   "CREATE INDEX ix_stories_independent ON stories (((meta ->> 'independent_sources')::integer))"],
}
_PG_FTS = ("CREATE INDEX ix_articles_fts ON articles USING gin "
           "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text))")


def upgrade() -> None:
    op.add_column('corrections', sa.Column('who', sa.String(length=100), nullable=True))
    op.add_column('corrections', sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('corrections', sa.Column('undone_by', sa.String(length=100), nullable=True))
    op.create_table('outlet_groups',
    sa.Column('outlet', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('outlet', name=op.f('pk_outlet_groups'))
    )
    op.create_table('compare_cache',
    sa.Column('story_id', sa.String(length=32), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('story_id', name=op.f('pk_compare_cache'))
    )
    op.create_index('ix_stories_last_published', 'stories', ['last_published'], unique=False)
    op.create_index('ix_articles_language', 'articles', ['language'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _SIZE_INDEXES.get(dialect, []):
        op.execute(statement)
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_PG_FTS)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP INDEX IF EXISTS ix_stories_size")
    op.execute("DROP INDEX IF EXISTS ix_stories_independent")
    if dialect == "sqlite":
        for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
    op.drop_index('ix_stories_last_published', table_name='stories')
    op.drop_index('ix_articles_language', table_name='articles')
    op.drop_table('compare_cache')
    op.drop_table('outlet_groups')
    with op.batch_alter_table('corrections') as batch:
        batch.drop_column('undone_by')
        batch.drop_column('undone_at')
        batch.drop_column('who')
