"""Analysts and editors at once, for ``make load`` (bench/loadtest.py runs it headless).

Nine analysts to one editor. An analyst asks the public API what analysts ask: a conflict's
timeline and the pages after it, filtered lists, full text, a CSV page, a record, the
aggregates. An editor, signed in with a token, writes a draft proposal citing an article,
edits it with ``If-Match`` and deletes it, so the database does not grow during a run.

The parameters (slugs, dates, the article and the token) come from LOAD_PARAMETERS, a JSON
object bench/loadtest.py picks from the database. A response other than the one expected is a
failure, with its status and the first bytes of its body.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

P = json.loads(os.environ.get("LOAD_PARAMETERS", "{}"))
API = "/api/v1"
# Each editor's drafts get titles of their own.
DRAFTS = itertools.count(1)


class Analyst(HttpUser):
    weight = 9
    wait_time = between(0.5, 2.0)

    def get(self, path: str, name: str, params=None, csv: bool = False) -> dict | None:
        """A 200 with JSON (or, ``csv``, with a CSV header row); None after a failure."""
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            if response.status_code != 200 or csv and not response.text.startswith("id,"):
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return None if csv else response.json()

    def page(self, path: str, name: str, **params) -> dict | None:
        return self.get(path, name, params)

    @task(5)
    def timeline_and_next_page(self):
        body = self.page(f"{API}/events/", "timeline", conflict=P["conflict"])
        if body and body["next"]:
            self.get(body["next"], "timeline: next page")

    @task(3)
    def demo_conflict(self):
        self.page(f"{API}/events/", "demo conflict", conflict=P["demo_conflict"])

    @task(2)
    def conflict_actor_dates(self):
        self.page(
            f"{API}/events/",
            "conflict+actor+dates",
            conflict=P["conflict"],
            actor=P["actor"],
            date_after=P["after"],
            date_before=P["before"],
        )

    @task(2)
    def role(self):
        self.page(f"{API}/events/", "role: proposer", proposer=P["proposer"])

    @task(1)
    def full_text(self):
        self.page(f"{API}/events/", "q", q=P["word"])

    @task(1)
    def in_effect_on(self):
        self.page(f"{API}/proposals/", "in_effect_on", in_effect_on=P["day"])

    @task(1)
    def csv_page(self):
        params = {"conflict": P["conflict"], "page_size": 200, "format": "csv"}
        self.get(f"{API}/events/", "csv page", params, csv=True)

    @task(2)
    def aggregates(self):
        self.page(f"{API}/conflicts/{P['conflict']}/counts/", "counts")
        self.page(f"{API}/conflicts/{P['conflict']}/accusation-matrix/", "accusation matrix")

    @task(2)
    def record(self):
        self.page(f"{API}/events/{random.choice(P['event_ids'])}/", "an event")


class Editor(HttpUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {P['token']}"

    def expect(self, response, status: int) -> bool:
        if response.status_code != status:
            response.failure(f"{response.status_code}: {response.text[:300]}")
            return False
        return True

    @task
    def draft_edit_delete(self):
        body = {
            "conflict": P["demo_conflict"],
            "date": "2025-04-19",
            "title": f"Load draft {next(DRAFTS)}",
            "proposal_kind": "ceasefire",
            "arrangement": "unilateral",
            "proposers": [P["writer_actor"]],
            "citations": [{"source": P["source"], "quote": P["quote"]}],
        }
        with self.client.post(
            f"{API}/proposals/", json=body, name="editor: create draft", catch_response=True
        ) as created:
            if not self.expect(created, 201):
                return
            url = f"{API}/proposals/{created.json()['id']}/"
        with self.client.get(url, name="editor: read draft", catch_response=True) as read:
            if not self.expect(read, 200):
                return
            etag = read.headers.get("ETag", "")
        with self.client.patch(
            url,
            json={"summary": "Edited under load."},
            headers={"If-Match": etag},
            name="editor: edit draft (If-Match)",
            catch_response=True,
        ) as edited:
            if not self.expect(edited, 200):
                return
        with self.client.delete(url, name="editor: delete draft", catch_response=True) as gone:
            self.expect(gone, 204)
