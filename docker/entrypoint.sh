#!/usr/bin/env bash
# Container start-up: wait for PostgreSQL, migrate, collect static files, optionally load the
# demo data, then hand the process over to gunicorn (exec, so it receives the stop signal).
# Also runs outside a container from any directory; it uses the `python` and `gunicorn` on PATH.
# With arguments, the same preparation runs and then the arguments are executed instead of
# gunicorn, e.g. `docker compose run --rm web python manage.py createsuperuser`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Parsed as strictly as the settings parse DEBUG (a typo is an error, not "off"), and before
# anything touches the database.
case "${LOAD_DEMO:-false}" in
    true|True|1) load_demo=true ;;
    false|False|0) load_demo=false ;;
    *) echo "LOAD_DEMO must be true or false, not '${LOAD_DEMO}'" >&2; exit 1 ;;
esac

case "${DATABASE_URL:-}" in
    postgres*|pgsql*|postgis*)
        python docker/wait_for_db.py "${DB_WAIT_TIMEOUT:-60}"
        ;;
esac

python manage.py migrate --noinput
python manage.py collectstatic --noinput

if [ "$load_demo" = true ]; then
    python manage.py load_demo
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# Threaded workers: a worker's heartbeat goes on while a thread streams a long download (a
# whole export), so gunicorn's timeout stops hung workers without cutting exports short. The
# access log ends with the response's X-Request-ID, the id the application's log lines show.
exec gunicorn tracker.wsgi:application \
    --bind "${BIND:-0.0.0.0:8000}" \
    --workers "${GUNICORN_WORKERS:-2}" \
    --worker-class gthread \
    --threads "${GUNICORN_THREADS:-4}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
