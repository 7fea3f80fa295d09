# The web service: gunicorn behind whitenoise for static files. docker/entrypoint.sh waits for
# the database, migrates, collects static files (and loads the demo data when LOAD_DEMO=true)
# before starting gunicorn. Settings come from the environment (see tracker/settings.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=False

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. psycopg[binary] ships its own
# libpq, so no system packages are needed.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root (read-only for the app); only the static files directory, which
# collectstatic fills at start-up, and the releases' directory (RELEASES_ROOT, which
# `manage.py make_release` writes; compose mounts a named volume there, which starts with this
# owner) belong to the unprivileged user.
RUN useradd --create-home --uid 10001 app
COPY . .
RUN mkdir -p /app/staticfiles /app/var/releases \
    && chown app:app /app/staticfiles /app/var /app/var/releases
USER app

EXPOSE 8000

# Ready: the process answers and reaches the database (/readyz, exempt from the HTTPS redirect;
# /healthz answers without the database). Follows BIND (default 0.0.0.0:8000) so the check
# still works when the port is changed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('BIND', ':8000').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/readyz', timeout=4)"]

ENTRYPOINT ["docker/entrypoint.sh"]
