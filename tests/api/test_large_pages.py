"""The largest page (1,000 rows) costs the same queries as the default one (50 rows), in JSON
and CSV, on the timeline and on a kind's list: its rows are built from values, with one query
per page for the participants and one for the citations."""

import datetime

import pytest

from events.models import Citation, Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ConflictFactory, ProposalFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROWS = 1000


@pytest.fixture
def thousand_proposals(db):
    """1,000 published proposals, each with three participants and two citations."""
    conflict = ConflictFactory(slug="war")
    actors = [ActorFactory(slug=f"actor-{n}") for n in range(4)]
    sources = [SourceFactory() for _ in range(2)]
    day = datetime.date(2025, 1, 1)
    proposals = [
        ProposalFactory(
            conflict=conflict,
            date=day + datetime.timedelta(days=n % 300),
            editorial_status=Event.Status.PUBLISHED,
        )
        for n in range(ROWS)
    ]
    Participant.objects.bulk_create(
        Participant(event=proposal, actor=actors[(n + k) % 4], role=role)
        for n, proposal in enumerate(proposals)
        for k, role in enumerate(["proposer", "addressee", "mediator"])
    )
    Citation.objects.bulk_create(
        Citation(event=proposal, source=source, quote="30-day truce", speaker=actors[0])
        for proposal in proposals
        for source in sources
    )


# COUNT(*) for the paginator, the page's values, its participants with their actors' slugs,
# its citations with their sources, speakers and vias, its locations.
QUERIES = 5


def test_a_page_of_50_or_1000_rows_costs_five_queries(
    anonymous, thousand_proposals, django_assert_max_num_queries
):
    # One set of rows for every case: building 1,000 rows takes longer than reading them.
    for endpoint in ("events", "proposals"):
        for fmt in ("json", "csv"):
            for size in (50, ROWS):
                params = {"page_size": size, "format": fmt}
                with django_assert_max_num_queries(QUERIES):
                    response = anonymous.get(f"/api/v1/{endpoint}/", params)
                assert response.status_code == 200
                if fmt == "csv":
                    # The header, then one line per row.
                    assert response.content.decode().count("\n") == size + 1
                else:
                    rows = response.json()["results"]
                    assert len(rows) == size
                    assert len(rows[-1]["citations"]) == 2
                    assert rows[-1]["proposers"] and rows[-1]["mediators"]
