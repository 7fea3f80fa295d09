"""Every event list renders exactly as pinned: JSON, CSV and both exports, with and without
``fields=``, for the public and for an editor (who also sees drafts), tombstones included.

The data is fixed (ids, slugs, timestamps), so the bodies are too: ``golden/rows.json`` holds
them byte for byte. A change to how rows are built (prefetches, URLs, CSV cells) must leave
every body as it is. Regenerate the file only for a deliberate change of the output:
``GOLDEN_UPDATE=1 pytest tests/api/test_rows_golden.py``.
"""

import datetime
import json
import os
import zoneinfo
from pathlib import Path

import pytest
from rest_framework import serializers

from events.api.rows import utc_datetime
from events.models import Citation, Event, Participant, Proposal, Source
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import (
    AccusationFactory,
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    LocationFactory,
    MeetingFactory,
    ParticipantFactory,
    ProposalFactory,
    ResponseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "rows.json"
MOMENT = datetime.datetime(2025, 6, 1, 12, 30, 15, tzinfo=datetime.UTC)
ROLES = Participant.Role
STATUS = Event.Status

# Quotes that exercise CSV cells: separators, quotes, a line break, a formula, non-ASCII.
QUOTES = [
    'They said: "a truce, now", then left',
    "=HYPERLINK(1)",
    "line one\nline two",
    "перемирие – 30 days",
]

# A selection for each list: a nested list (citations), a role list and plain fields.
SELECTIONS = {
    "events": "title,url,citations,proposers,stance,id",
    "proposals": "id,url,proposers,codes,citations,extends",
    "responses": "id,responder,stance,citations,url",
    "meetings": "id,produced,discussed,delegations,citations",
    "accusations": "id,accusers,accused,codes,updated_at",
}


def build_world() -> None:
    """Fixed records of every kind: several participants and citations per row, a draft
    (editors only), a retracted record (a tombstone for the public with updated_after)."""
    conflict = ConflictFactory(slug="war", name="War")
    actors = [ActorFactory(slug=f"actor-{n}", name=f"Actor {n}") for n in range(6)]
    outlet = ActorFactory(slug="tass", name="TASS", kind="media")
    sources = [
        SourceFactory(
            id=500 + n,
            url=f"https://news.example.org/{n}",
            title=f'Article, "{n}" – {"=" if n == 1 else ""}news',
            outlet=outlet,
            archive_url=f"https://archive.example.org/{n}" if n % 2 else "",
        )
        for n in range(4)
    ]
    day = datetime.date(2025, 1, 1)

    def agreement(n: int) -> dict:
        """An agreed proposal's fields, which ended: each written, verbal or not coded."""
        written = ["written", "verbal", ""][n // 2]
        return {
            "outcome": "collapsed",
            "written": written,
            "text_url": f"https://agreements.example.org/{n}" if written == "written" else "",
            "stage": ["pre_negotiation", "framework", "renewal"][n // 2],
            "agreed_on": day + datetime.timedelta(days=n),
            "ended_on": day + datetime.timedelta(days=n + 10),
            "ended_by": actors[n],
        }

    def event(factory, number, roles, citations=2, status=STATUS.PUBLISHED, **fields):
        record = factory(
            id=1000 + number,
            conflict=conflict,
            date=day + datetime.timedelta(days=number % 7),
            title=f'Event {number}, with "quotes" and {"@" if number % 3 else ""}cells',
            summary="" if number % 2 else f"Summary {number}\nsecond line",
            editorial_status=status,
            **fields,
        )
        for index, role in enumerate(roles):
            for k in range(2):
                actor = actors[(number + 2 * index + k) % len(actors)]
                ParticipantFactory(event=record, actor=actor, role=role)
        for k in range(citations):
            CitationFactory(
                event=record,
                source=sources[(number + k) % len(sources)],
                quote=QUOTES[(number + k) % len(QUOTES)],
                speaker=actors[k] if k % 2 == 0 else None,
                via=actors[k + 1] if number % 2 else None,
            )
        return record

    proposals = [
        event(
            ProposalFactory,
            n,
            [ROLES.PROPOSER, ROLES.ADDRESSEE, ROLES.MEDIATOR][: 1 + n % 3]
            + ([ROLES.GUARANTOR, ROLES.SIGNATORY, ROLES.MONITOR] if n == 5 else []),
            citations=1 + n % 3,
            proposal_kind=["ceasefire", "talks", "humanitarian_pause"][n % 3],
            arrangement="unilateral" if n % 2 == 0 else ["", "bilateral", "multilateral"][n // 2],
            **(agreement(n) if n % 2 else {}),
        )
        for n in range(6)
    ]
    proposals[1].extends = proposals[0]
    proposals[1].save()
    # Exact times, shown in the proposal's time zone: Moscow's offset, and UTC's Z.
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")
    Proposal.objects.filter(pk=proposals[0].pk).update(
        proposed_start=datetime.date(2025, 1, 5),
        proposed_end=datetime.date(2025, 1, 6),
        starts_at=datetime.datetime(2025, 1, 5, 18, tzinfo=moscow),
        ends_at=datetime.datetime(2025, 1, 7, tzinfo=moscow),
        time_zone="Europe/Moscow",
    )
    Proposal.objects.filter(pk=proposals[2].pk).update(
        effective_from=datetime.date(2025, 1, 3),
        starts_at=datetime.datetime(2025, 1, 3, 6, tzinfo=datetime.UTC),
        time_zone="UTC",
    )
    event(ProposalFactory, 6, [ROLES.PROPOSER], status=STATUS.DRAFT)
    event(ProposalFactory, 7, [ROLES.PROPOSER], status=STATUS.RETRACTED)
    for n in range(10, 14):
        event(
            ResponseFactory,
            n,
            [],
            citations=n % 3,
            proposal=proposals[n % 6],
            responder=actors[n % 6],
            stance=["accepted", "rejected", "conditional", "welcomed"][n % 4],
        )
    for n in range(20, 23):
        meeting = event(
            MeetingFactory,
            n,
            [ROLES.MEDIATOR, ROLES.HOST, ROLES.DELEGATION],
            venue=f"Venue {n}",
            # Talks over several days: the dated period runs to their last day.
            end_date=datetime.date(2025, 1, 9) if n == 20 else None,
        )
        meeting.produced.set(proposals[n % 3 : n % 3 + 2])
        meeting.discussed.set(proposals[3:5])
    event(MeetingFactory, 23, [ROLES.HOST], status=STATUS.IN_REVIEW)
    for n in range(30, 33):
        event(
            AccusationFactory,
            n,
            [ROLES.ACCUSER, ROLES.ACCUSED],
            citations=3,
            proposal=proposals[n % 6] if n % 2 else None,
            location=f"Town {n}",
        )
    event(AccusationFactory, 33, [ROLES.ACCUSER], status=STATUS.RETRACTED)
    # Locations: none, one, and two (the first gives the row's coordinates); one without
    # coordinates, a negative and a whole-degree coordinate, a non-ASCII name.
    for number in (0, 1, 10, 20, 30, 31, 6):
        record = Event.objects.get(id=1000 + number)
        if number % 2 == 0:
            LocationFactory(event=record, name=f"Place {number}", latitude=f"{number}.5")
        LocationFactory(
            event=record,
            name="Запоріжжя",
            country="UKR",
            admin1="UA-23",
            latitude=None if number == 31 else "-33.000000",
            longitude=None if number == 31 else "150",
            precision="area",
            geonames_id=687700,
        )
    # Timestamps fixed too (a queryset update does not touch auto_now fields).
    Event.objects.update(created_at=MOMENT, updated_at=MOMENT)
    Source.objects.update(updated_at=MOMENT)
    assert Citation.objects.count() > 30


def cases() -> list[tuple[str, str, str, dict]]:
    """(name, persona, path, params) of every body pinned."""
    found = []
    for endpoint, selection in SELECTIONS.items():
        for persona in ("anonymous", "editor_api"):
            for fmt in ("json", "csv"):
                for fields in (None, selection):
                    params = {"format": fmt, "page_size": 100}
                    if fields:
                        params["fields"] = fields
                    name = f"{endpoint} {persona} {fmt} fields={fields or '-'}"
                    found.append((name, persona, f"/api/v1/{endpoint}/", params))
            for extension in ("csv", "jsonl"):
                for fields in (None, selection):
                    params = {"fields": fields} if fields else {}
                    name = f"{endpoint} {persona} export.{extension} fields={fields or '-'}"
                    found.append((name, persona, f"/api/v1/{endpoint}/export.{extension}", params))
        # Tombstones: the public's view of retracted records, in JSON and CSV.
        for fmt in ("json", "csv"):
            params = {"format": fmt, "updated_after": "2020-01-01T00:00:00Z"}
            name = f"{endpoint} anonymous {fmt} tombstones"
            found.append((name, "anonymous", f"/api/v1/{endpoint}/", params))
    return found


def body_of(response) -> str:
    """The rows as sent: a file's whole text; of a JSON page, its results exactly as rendered
    (the page's envelope, count and links, belongs to the pagination, not to the rows)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode()
    if response["Content-Type"].startswith("application/json"):
        results = json.loads(text)["results"]
        text = json.dumps(results, ensure_ascii=False, separators=(",", ":"))
    return text


def test_every_list_renders_as_pinned(request):
    build_world()
    bodies = {}
    for name, persona, path, params in cases():
        response = request.getfixturevalue(persona).get(path, params)
        assert response.status_code == 200, (name, response.content[:500])
        bodies[name] = body_of(response)
    if os.environ.get("GOLDEN_UPDATE"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(bodies, indent=1, ensure_ascii=False) + "\n")
    pinned = json.loads(GOLDEN.read_text())
    assert sorted(bodies) == sorted(pinned)
    changed = [name for name in bodies if bodies[name] != pinned[name]]
    assert not changed, f"{len(changed)} bodies changed, the first: {changed[0]}\n" + (
        f"now:    {bodies[changed[0]][:2000]}\npinned: {pinned[changed[0]][:2000]}"
    )


@pytest.mark.parametrize(
    "value",
    [
        MOMENT,
        MOMENT.replace(microsecond=123456),
        MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=3))),
        datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    ],
)
def test_a_timestamp_is_shown_as_its_serializer_field_shows_it(value):
    field = serializers.DateTimeField()
    assert utc_datetime(field)(value) == field.to_representation(value)
