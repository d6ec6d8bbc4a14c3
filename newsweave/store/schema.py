"""Tables of the store: one SQLAlchemy metadata for SQLite and PostgreSQL alike.

Spans are stored as integer pairs into ``articles.text``; anything a stage
wants to cache that has no query use of its own goes into ``annotations`` as
JSON keyed by (article, kind), so a new stage needs no new table.
Alembic migrations in ``store/migrations`` must match this file (a test
compares them).
"""

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

def ARTICLE_FK() -> ForeignKey:  # a new ForeignKey per column (one cannot have two parents)
    return ForeignKey("articles.id", ondelete="CASCADE")

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    # ingest order: the order a stream delivered articles in (stories cluster in it)
    Column("seq", Integer, nullable=False, unique=True),
    Column("source", String(300), nullable=False, index=True),
    Column("origin", Text, nullable=False),
    Column("input_format", String(20), nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("byline", Text),
    Column("published", DateTime(timezone=True), index=True),
    Column("language", String(16)),
    Column("external_id", String(300), index=True),
    Column("extractor", String(50)),
    Column("status", String(20), nullable=False, index=True),
    Column("warnings", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("extracted_text", Text, nullable=False),
    Column("paragraphs", JSON, nullable=False),  # [[start, end], …] into text
    Column("meta", JSON, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

raw_inputs = Table(
    "raw_inputs",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("raw", LargeBinary, nullable=False),
)

removed_lines = Table(
    "removed_lines",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("rule", String(50), nullable=False),
    Column("start", Integer, nullable=False),  # into articles.extracted_text
    Column("end", Integer, nullable=False),
)

annotations = Table(
    "annotations",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("kind", String(50), primary_key=True),  # "entities", "sentences", "people", …
    Column("version", String(50), nullable=False),  # producer version: recompute when it changes
    Column("data", JSON, nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("fragments", JSON, nullable=False),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("speaker", Text, index=True),
    Column("speaker_description", Text),
    Column("confidence", Float, nullable=False),
    Column("reason", Text, nullable=False),
    # speech / writing / thought / nominal / other; person / organisation / document / group / unresolved
    Column("act", String(10), nullable=False, server_default="speech"),
    Column("speaker_type", String(12), nullable=False, server_default="unresolved"),
)

signatures = Table(
    "signatures",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("num_perm", Integer, nullable=False),
    Column("shingle", Integer, nullable=False),
    Column("minhash", LargeBinary, nullable=False),
)

reprints = Table(
    "reprints",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("group_id", String(32), nullable=False, index=True),  # id of the group's earliest article
    Column("matched_article", String(32)),  # the member it was matched to
    Column("containment", Float),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("headline", Text),
    Column("first_published", DateTime(timezone=True)),
    Column("last_published", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("meta", JSON, nullable=False),  # {"manual": true when a correction placed an article here}
    # what a story list shows and filters on, kept by every write of the story (store.stories._write)
    Column("articles", Integer, nullable=False, server_default="0"),
    Column("independent_sources", Integer, nullable=False, server_default="0"),  # reprint groups
    Column("outlets", JSON, nullable=False, server_default="{}"),  # outlet -> articles, most first
)
Index("ix_stories_articles", stories.c.articles)  # the web list: sort and filter by size
Index("ix_stories_independent_sources", stories.c.independent_sources)

story_assignments = Table(
    "story_assignments",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("story_id", String(32), ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("reason", JSON, nullable=False),  # top shared terms / entities, method
    Column("method", String(20), nullable=False),  # "auto" | "manual"
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # "split" | "merge" | "move" | "flag" | "speaker"
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("who", String(100)),  # who recorded it (CLI: the OS user; web: the name the user gave)
    Column("undone_at", DateTime(timezone=True)),  # set by an undo: the correction no longer applies
    Column("undone_by", String(100)),
)

outlet_groups = Table(
    "outlet_groups",
    metadata,
    Column("outlet", String(300), primary_key=True),  # articles.source
    Column("label", String(100), nullable=False),  # any label the user chose (newsweave ships none)
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

compare_cache = Table(
    "compare_cache",
    metadata,
    Column("story_id", String(32), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # workflow.comparison_fingerprint: stale when it changes
    Column("flags", Integer, nullable=False),
    Column("data", JSON, nullable=False),  # the compare JSON contract without article texts
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# Made by hand in migration 0004, outside this metadata (autogenerate cannot express them):
# full-text search (an FTS5 table on SQLite, a GIN expression index on PostgreSQL; see
# newsweave.store.search).
FTS_NAMES = ("articles_fts", "ix_articles_fts")

# the web list: newest first; with first_published in the index a date range is checked without reading rows
Index("ix_stories_last_published", stories.c.last_published, stories.c.first_published)
Index("ix_articles_language", articles.c.language)  # the web list's language filter and its choices

# One analysis pass per article (``newsweave.enrich.analyse``): what stories and compare
# read back instead of parsing again. ``version`` names the analyser that wrote the row.
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("version", String(80), nullable=False),
    Column("entities", JSON, nullable=False),  # [[spaCy label, start, end], …] into articles.text
    Column("analysed_at", DateTime(timezone=True), nullable=False),
)

# Statement vectors, computed once the article is in a story compare aligns, and kept:
# ``spans`` are [[start, end], …] into articles.text, ``vectors`` float32 rows of ``dim`` values
# (no spans: looked at, nothing to embed).
statement_vectors = Table(
    "statement_vectors",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("model", String(50), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("spans", JSON, nullable=False),
    Column("vectors", LargeBinary, nullable=False),
)

Index("ix_articles_source_published", articles.c.source, articles.c.published)

# Every version of an article whose text changed after it was first stored (the same URL or
# external id read again with different text). ``articles`` holds the latest version; the
# rows here keep each version's text and raw bytes, when it was fetched and how it differs
# from the version before (a sentence diff: newsweave.compare.revisions).
article_versions = Table(
    "article_versions",
    metadata,
    Column("article_id", String(32), ARTICLE_FK(), primary_key=True),
    Column("version", Integer, primary_key=True),  # 1 = first stored
    Column("content_id", String(32), nullable=False, unique=True),  # the reader's id of this version's bytes
    Column("fetched_at", DateTime(timezone=True)),  # when this version was read (crawl or ingest time)
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("diff", JSON),  # from the previous version; null for version 1
)

# One row: a number every write transaction (``Store.transaction``) adds one to, in the same
# transaction, so a reader in any process learns with one cheap query whether anything changed
# since it last looked (the web app keys its page cache on it).
store_changes = Table(
    "store_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("counter", Integer, nullable=False),
)
