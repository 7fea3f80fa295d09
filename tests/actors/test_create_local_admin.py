"""``manage.py create_local_admin``: one local superuser whose printed password stays valid."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from actors.management.commands.create_local_admin import read_password

User = get_user_model()


@pytest.fixture
def password_file(tmp_path):
    return tmp_path / "local-admin.txt"


def run(password_file) -> str:
    out = StringIO()
    call_command("create_local_admin", password_file=password_file, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("Admin: "))
    assert line.startswith("Admin: http://127.0.0.1:8000/admin/  user: admin  password: ")
    return line.rsplit("password: ", 1)[1]


@pytest.mark.django_db
def test_it_creates_a_superuser_whose_printed_password_works(settings, password_file):
    settings.DEBUG = True
    password = printed_password(run(password_file))

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert authenticate(username="admin", password=password) == admin
    assert len(password) >= 20
    assert read_password(password_file) == password


@pytest.mark.django_db
def test_a_second_run_reuses_the_stored_password(settings, password_file):
    settings.DEBUG = True
    first = printed_password(run(password_file))
    stored = password_file.read_text()

    second = printed_password(run(password_file))

    assert second == first
    assert password_file.read_text() == stored
    assert User.objects.filter(username="admin").count() == 1
    assert authenticate(username="admin", password=first) is not None


@pytest.mark.django_db
def test_it_restores_the_stored_password_on_an_existing_admin(settings, password_file):
    settings.DEBUG = True
    User.objects.create_user(username="admin", password="something-else-entirely")
    password_file.write_text("username: admin\npassword: kept-from-last-time-123\n")

    password = printed_password(run(password_file))

    assert password == "kept-from-last-time-123"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert authenticate(username="admin", password="kept-from-last-time-123") == admin
    assert authenticate(username="admin", password="something-else-entirely") is None


@pytest.mark.django_db
def test_a_fresh_database_gets_the_password_from_the_file(settings, password_file):
    settings.DEBUG = True
    password = printed_password(run(password_file))
    User.objects.all().delete()

    assert printed_password(run(password_file)) == password
    assert authenticate(username="admin", password=password) is not None


@pytest.mark.django_db
def test_it_refuses_to_run_when_debug_is_off(settings, password_file):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is False"):
        run(password_file)

    assert not User.objects.filter(username="admin").exists()
    assert not password_file.exists()
