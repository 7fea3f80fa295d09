"""``manage.py create_local_admin``: a superuser for trying the admin locally (``make run``).

The password is generated once and kept in the git-ignored ``local-admin.txt`` at the project
root, so the credentials printed on every run stay valid. Refuses to run unless DEBUG is on:
production accounts are made with ``createsuperuser``.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
PASSWORD_PREFIX = "password:"


def read_password(path: Path) -> str | None:
    """The password stored in ``path``, or None when the file is missing or has none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        if line.startswith(PASSWORD_PREFIX):
            return line.removeprefix(PASSWORD_PREFIX).strip() or None
    return None


def write_password(path: Path, password: str) -> None:
    path.write_text(
        "# The local superuser made by `manage.py create_local_admin` (make run).\n"
        "# For this machine only; the file is git-ignored.\n"
        f"username: {USERNAME}\n"
        f"{PASSWORD_PREFIX} {password}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)


class Command(BaseCommand):
    help = (
        "Create (or keep) the local superuser 'admin' with a password stored in "
        "local-admin.txt, and print the credentials. Only when DEBUG is True."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=None,
            help="Where the password is kept (default: local-admin.txt at the project root).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_local_admin is for local development and refuses to run when DEBUG is "
                "False. Create production accounts with `manage.py createsuperuser`."
            )
        path = options["password_file"] or Path(settings.BASE_DIR) / "local-admin.txt"

        password = read_password(path)
        if password is None:
            password = secrets.token_urlsafe(18)
            write_password(path, password)

        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: USERNAME}).first()
        if user is None:
            User._default_manager.create_superuser(
                **{User.USERNAME_FIELD: USERNAME}, email="", password=password
            )
            action = "created"
        else:
            # Keep the printed credentials valid: the stored password wins, and the account
            # stays an active superuser.
            changed = not (user.is_active and user.is_staff and user.is_superuser)
            user.is_active = user.is_staff = user.is_superuser = True
            if not user.check_password(password):
                user.set_password(password)
                changed = True
            if changed:
                user.save()
            action = "updated" if changed else "kept"

        if options["verbosity"] > 0:
            self.stdout.write(f"Local superuser {action} (credentials in {path}).")
            self.stdout.write(f"Admin: {ADMIN_URL}  user: {USERNAME}  password: {password}")
