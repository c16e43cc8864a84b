"""category tree: categories.parent_id; today's `group` strings become group nodes

Revision ID: 0020
Revises: 0023
Create Date: 2026-12-02 02:30:00

Each distinct `group` string becomes a top-level node (code `grp-` + the first 8 hex digits of
the string's MD5: deterministic, ASCII, the same on every database) and the categories that
named it hang under it; the column goes, the tree is the one truth. Every existing category keeps
its id and code (tickets, rules and policies point at them). The downgrade writes the top-level
node's name back into `group` and removes the group nodes, with rules and policies on them.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0023"
branch_labels = None
depends_on = None

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("name_en", sa.String),
    sa.column("group", sa.String),
    sa.column("kind", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("parent_id", sa.Integer),
)


def group_code(name: str) -> str:
    return "grp-" + hashlib.md5(name.encode("utf-8")).hexdigest()[:8]


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_categories_parent_id_categories"), "categories", ["parent_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_categories_parent_id"), ["parent_id"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(categories.c.id, categories.c.group, categories.c.kind).where(
            categories.c.group.is_not(None), categories.c.group != ""
        )
    ).all()
    kinds: dict[str, list[str]] = {}
    for _id, group, kind in rows:
        kinds.setdefault(group.strip(), []).append(kind)
    for group in sorted(kinds):
        code = group_code(group)
        if conn.scalar(sa.select(categories.c.id).where(categories.c.code == code)) is None:
            # A group takes no tickets; its kind (required) is its members' most common one.
            kind = max(sorted(set(kinds[group])), key=kinds[group].count)
            conn.execute(
                categories.insert().values(
                    code=code, name=group[:120], kind=kind, active=True, group=None
                )
            )
        parent = conn.scalar(sa.select(categories.c.id).where(categories.c.code == code))
        conn.execute(
            categories.update()
            .where(sa.func.trim(categories.c.group) == group)
            .values(parent_id=parent)
        )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("group")


def downgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group", sa.String(length=60), nullable=True))
    conn = op.get_bind()
    parents = categories.alias("parents")
    parent_rows = conn.execute(
        sa.select(categories.c.id, categories.c.name).where(
            categories.c.id.in_(
                sa.select(parents.c.parent_id).where(parents.c.parent_id.is_not(None))
            )
        )
    ).all()
    for parent_id, name in parent_rows:
        conn.execute(
            categories.update().where(categories.c.parent_id == parent_id).values(group=name[:60])
        )
    ids = [row[0] for row in parent_rows]
    if ids:
        # The flat list had no place for a group: rules and policies set on one go with it.
        for table in ("routing_rules", "sla_policies"):
            op.execute(
                sa.text(f"DELETE FROM {table} WHERE category_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True, value=ids)
                )
            )
        op.execute(
            sa.text(
                "UPDATE knowledge_articles SET category_id = NULL WHERE category_id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True, value=ids))
        )
        conn.execute(categories.update().values(parent_id=None))
        conn.execute(categories.delete().where(categories.c.id.in_(ids)))
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_parent_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_categories_parent_id_categories"), type_="foreignkey"
        )
        batch_op.drop_column("parent_id")
