"""The timeline's rows: every kind, its shared fields, and who answered a response."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def test_a_response_row_names_its_responder(anonymous):
    ukraine = ActorFactory(slug="ukraine")
    response = ResponseFactory(
        responder=ukraine, editorial_status="published", proposal__editorial_status="published"
    )
    rows = {row["id"]: row for row in anonymous.get("/api/v1/events/").json()["results"]}
    assert rows[response.pk]["responder"] == "ukraine"
    assert rows[response.pk]["url"].endswith(f"/api/v1/responses/{response.pk}/")
    assert rows[response.proposal_id]["responder"] is None


def test_responders_cost_no_query_per_row(anonymous):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert anonymous.get("/api/v1/events/").status_code == 200
        return len(context.captured_queries)

    ResponseFactory(editorial_status="published")
    one = queries()
    for _ in range(10):
        ResponseFactory(editorial_status="published")
    assert queries() == one
