"""analyses and statement vectors: the one analysis pass per article, stored

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('analyses',
    sa.Column('article_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=80), nullable=False),
    sa.Column('entities', sa.JSON(), nullable=False),
    sa.Column('analysed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_analyses_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_analyses'))
    )
    op.create_table('statement_vectors',
    sa.Column('article_id', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=50), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('spans', sa.JSON(), nullable=False),
    sa.Column('vectors', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_statement_vectors_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'model', name=op.f('pk_statement_vectors'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('statement_vectors')
    op.drop_table('analyses')
