"""The migrations build exactly the schema the models describe (like `flask db check`)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from hotline.core.extensions import db


def test_upgraded_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
    assert diffs == []


def test_database_is_at_every_migration_head(app):
    migrate: Migrate = app.extensions["migrate"].migrate
    with app.app_context(), db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        script = ScriptDirectory.from_config(migrate.get_config())
        assert current == set(script.get_heads())
