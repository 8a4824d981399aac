"""The program domain (catalog, seeded here; enrollments; completions) and the reporting domain.

The catalog is seeded by this migration, so every fresh database (a new local stack,
the tests') has it. Program ids are short stable slugs; task ids "<programId>-d<day>".

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PROGRAMS = [
    (
        "mindful-7",
        "Mindful week",
        "Seven days of short mindfulness practices, five to ten minutes each.",
        [
            "Three minutes of breathing",
            "A body scan before bed",
            "Eat one meal without a screen",
            "A mindful ten-minute walk",
            "Notice five sounds",
            "Write down three good things",
            "Ten minutes of quiet sitting",
        ],
    ),
    (
        "move-14",
        "Move every day",
        "Two weeks of gentle movement that builds a daily habit.",
        [
            "A ten-minute walk",
            "Stretch your hips and back",
            "Take the stairs all day",
            "Twenty squats, in sets",
            "A fifteen-minute walk",
            "Shoulder and neck mobility",
            "Dance to three songs",
            "A twenty-minute walk",
            "Ten push-ups, any variation",
            "Balance on one leg, one minute a side",
            "A brisk walk at lunch",
            "Full-body stretch, ten minutes",
            "Try a new route on foot",
            "Thirty minutes of anything you enjoy",
        ],
    ),
    (
        "sleep-10",
        "Better sleep in ten days",
        "Ten evening habits for calmer nights and easier mornings.",
        [
            "Pick a fixed wake-up time",
            "No caffeine after two",
            "Screens off thirty minutes before bed",
            "Cool and darken the bedroom",
            "Write tomorrow's list before bed",
            "A warm shower in the evening",
            "Five minutes of slow breathing in bed",
            "Morning daylight for ten minutes",
            "No late heavy meal",
            "Review what helped you most",
        ],
    ),
]


def upgrade() -> None:
    programs = op.create_table(
        "program_programs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("duration_days", sa.Integer, nullable=False),
    )
    tasks = op.create_table(
        "program_tasks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "program_id", sa.String(64), sa.ForeignKey("program_programs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.UniqueConstraint("program_id", "day", name="program_tasks_program_day_key"),
    )
    op.create_table(
        "program_users",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("timezone_as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "program_enrollments",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column(
            "program_id", sa.String(64), sa.ForeignKey("program_programs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "program_completions",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("task_id", sa.String(64), sa.ForeignKey("program_tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reporting_users",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("timezone", sa.String(64)),
        sa.Column("timezone_as_of", sa.DateTime(timezone=True)),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "reporting_completions",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.clock_timestamp()),
    )
    op.create_table(
        "reporting_reflections",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("reflection_id", sa.String(64), primary_key=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("mood", sa.SmallInteger, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.clock_timestamp()),
    )
    op.bulk_insert(
        programs,
        [
            {"id": pid, "title": title, "description": text, "duration_days": len(days)}
            for pid, title, text, days in PROGRAMS
        ],
    )
    op.bulk_insert(
        tasks,
        [
            {
                "id": f"{pid}-d{n}",
                "program_id": pid,
                "day": n,
                "title": day_title,
                "description": f"Day {n}: {day_title}.",
            }
            for pid, _, _, days in PROGRAMS
            for n, day_title in enumerate(days, start=1)
        ],
    )


def downgrade() -> None:
    for table in (
        "reporting_reflections",
        "reporting_completions",
        "reporting_users",
        "program_completions",
        "program_enrollments",
        "program_users",
        "program_tasks",
        "program_programs",
    ):
        op.drop_table(table)
