"""Wait until the configured database accepts connections, or give up with a clear message.

The container's entry script runs this before ``migrate``: Compose starts ``web`` once the
``db`` healthcheck passes, but a database on another host (or a restart) gives no such
guarantee. It uses Django's own connection, so it reads ``DATABASE_URL`` exactly as the app
does. Usage: ``python docker/wait_for_db.py [timeout-seconds]`` (default ``DB_WAIT_TIMEOUT``,
else 60).
"""

import os
import sys
import time
from pathlib import Path

# Run as a script from anywhere: the project root must be importable for ``tracker.settings``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def wait_for_db(timeout: float, interval: float = 1.0) -> bool:
    """Return True once a connection succeeds, False when ``timeout`` seconds have passed."""
    import django
    from django.db import connection
    from django.db.utils import OperationalError

    django.setup()
    settings_dict = connection.settings_dict
    where = f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 'default'}"
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            connection.ensure_connection()
        except OperationalError as error:
            # psycopg's messages span several lines; the first one names the problem.
            last_error = (str(error).strip() or repr(error)).splitlines()[0]
            if time.monotonic() >= deadline:
                print(
                    f"Database {settings_dict['NAME']!r} at {where} is still unreachable after "
                    f"{timeout:g}s ({attempt} attempts): {last_error}",
                    file=sys.stderr,
                )
                return False
            if attempt == 1:
                print(f"Waiting for database {settings_dict['NAME']!r} at {where}...", flush=True)
            time.sleep(interval)
        else:
            connection.close()
            print(f"Database {settings_dict['NAME']!r} at {where} is ready.", flush=True)
            return True


if __name__ == "__main__":
    timeout = float(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DB_WAIT_TIMEOUT", "60"))
    sys.exit(0 if wait_for_db(timeout) else 1)
