"""The database's constraints are the models': no change to a model is missing a migration.

The constraints' conditions are enforced by the database as the migrations created them; a
model whose conditions differ from its migrations would validate one rule in forms and enforce
another in the database.
"""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_and_their_migrations_agree(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exit_:
        pytest.fail(f"A model change has no migration:\n{capsys.readouterr().out}\n({exit_})")
    assert "No changes detected" in capsys.readouterr().out
