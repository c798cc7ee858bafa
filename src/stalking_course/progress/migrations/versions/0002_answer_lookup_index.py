"""An index for the trainer's per-question numbers and for resuming a lesson (no data changes).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_answer_element_question", "course_answer", ["element", "question"])


def downgrade() -> None:
    op.drop_index("ix_answer_element_question", table_name="course_answer")
