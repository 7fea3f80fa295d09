"""How a page's time grows with its depth: ``page=N`` (an offset) against the ``next`` cursor
of the page before it, on the timeline of an existing database (e.g. one filled by
``manage.py generate_data``). Prints each depth's median time of both, in ms.

    DATABASE_URL=postgres://…/tracker_bench .venv/bin/python bench/deep_pages.py --repeat 5
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--depths", default="1,200,2000,10000", help="page numbers")
    parser.add_argument("--url", default="/api/v1/events/")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    client = Client()

    def timed(url: str) -> tuple[float, dict]:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:200]!r}")
        return statistics.median(times), response.json()

    separator = "&" if "?" in args.url else "?"
    for depth in (int(d) for d in args.depths.split(",")):
        offset_ms, body = timed(f"{args.url}{separator}page={depth}")
        cursor_ms, _ = timed(body["next"])
        print(
            f"page={depth:<6} (offset {(depth - 1) * 50:>7}): {offset_ms:8.1f} ms"
            f"   the page after it by cursor: {cursor_ms:6.1f} ms"
        )


if __name__ == "__main__":
    main()
