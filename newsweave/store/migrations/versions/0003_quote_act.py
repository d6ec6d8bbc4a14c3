"""quotes: act and speaker_type columns

What each stored quote reports (speech / writing / thought / nominal / other)
and who its source is (person / organisation / document / group / unresolved).
Rows written before this revision get the server defaults; the extractor's
VERSION bump ("quotes-5") recomputes their articles on the next read, so the
defaults never reach an output.

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('act', sa.String(length=10), server_default='speech', nullable=False))
        batch_op.add_column(sa.Column('speaker_type', sa.String(length=12), server_default='unresolved', nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_column('speaker_type')
        batch_op.drop_column('act')
