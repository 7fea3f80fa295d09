"""Data migrations tested as they run on a deployed database: migrate back to the state
before a migration, write rows with that state's models, migrate forward and read them.

    def test_it_carries_the_flag_forward(migrator):
        old = migrator.before(("events", "0012_source_body_permission"))
        ...  # rows made with old.get_model("events", "Proposal")
        new = migrator.after(("events", "0013_…"))
        ...  # the same rows read with new.get_model(...)

The fixture needs a transactional database (migrations cannot run inside the test's
transaction) and migrates every app forward again afterwards, whatever the test did.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Migrator:
    def _migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state(targets).apps

    def before(self, *targets):
        """The apps as of ``targets`` (each ``(app, migration)``), the database migrated
        back to them; migrations after them are unapplied."""
        return self._migrate(list(targets))

    def after(self, *targets):
        """The apps as of ``targets``, the database migrated forward to them."""
        return self._migrate(list(targets))

    def latest(self):
        executor = MigrationExecutor(connection)
        return self._migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def migrator(transactional_db):
    migrator = Migrator()
    try:
        yield migrator
    finally:
        migrator.latest()
