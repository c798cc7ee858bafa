"""The first schema: groups, learners (pseudonymous ids only), answers, completions, assessments.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_group",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("label", sa.String(80), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "course_learner",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("course_group.id", ondelete="CASCADE"), nullable=True, index=True),
        sa.Column("code_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "course_answer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("course_learner.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("page", sa.String(80), nullable=False),
        sa.Column("element", sa.String(120), nullable=False),
        sa.Column("question", sa.String(120), nullable=False),
        sa.Column("chosen", sa.JSON, nullable=True),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("first_try", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.UniqueConstraint("learner_id", "element", "question", "attempt", name="uq_answer_attempt"),
    )
    op.create_table(
        "course_completion",
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("course_learner.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("page", sa.String(80), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "course_assessment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("course_learner.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("right", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("percent", sa.Integer, nullable=False),
        sa.Column("pass_mark", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("topics", sa.JSON, nullable=True),
        sa.Column("course_version", sa.String(40), nullable=False),
        sa.Column("verify_code", sa.String(16), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("course_assessment", "course_completion", "course_answer", "course_learner", "course_group"):
        op.drop_table(table)
