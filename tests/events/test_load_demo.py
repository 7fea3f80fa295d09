"""``manage.py load_demo``: the seed article and DESIGN.md's curated records, loaded once."""

import copy
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from actors.models import Actor, ActorAlias, Affiliation
from events.demo import records
from events.models import (
    Citation,
    Conflict,
    Event,
    Location,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
)
from events.text import quote_occurs_in

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "events" / "demo" / "seed_article.txt"
SOURCE_TITLE = (
    "For the First Time, President Vladimir Putin Expresses Willingness for Bilateral Talks with "
    "Ukraine"
)
MARCH_2025 = datetime.date(2025, 3, 1)


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def slugs(event: Event, role: str) -> set[str]:
    return set(event.participants.filter(role=role).values_list("actor__slug", flat=True))


def row_counts() -> dict[str, int]:
    """Rows in every table of the curated apps, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("actors", "events")
        for model in apps.get_app_config(app).get_models()
    }


def history_rows() -> int:
    return sum(
        model._default_manager.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


@pytest.fixture
def demo(db):
    load()


def test_the_seed_article_is_stored_verbatim(demo):
    source = Source.objects.get()
    assert source.title == SOURCE_TITLE
    assert source.body == SEED_ARTICLE.read_text(encoding="utf-8")
    assert source.body.startswith(SOURCE_TITLE)
    assert source.published_at == datetime.datetime(2025, 4, 21, tzinfo=datetime.UTC)
    assert source.language == "en"
    assert source.url == ""


def test_it_loads_every_kind_of_event(demo):
    assert Proposal.objects.count() == 5
    assert Response.objects.count() == 5
    assert ViolationAccusation.objects.count() == 4
    assert Meeting.objects.count() == 1
    assert Event.objects.count() == 15


def test_every_event_is_published_in_the_conflict(demo):
    conflict = Conflict.objects.get(slug="russia-ukraine-war")
    assert conflict.name == "Russia–Ukraine war"
    assert conflict.start_date == datetime.date(2022, 2, 24)
    assert set(conflict.parties.values_list("slug", flat=True)) == {"russia", "ukraine"}
    assert set(Event.objects.values_list("editorial_status", flat=True)) == {"published"}
    assert set(Event.objects.values_list("conflict", flat=True)) == {conflict.pk}
    assert Event.objects.published().count() == 15


def test_every_event_cites_words_that_occur_in_the_article(demo):
    source = Source.objects.get()
    for event in Event.objects.all():
        assert event.citations.exists(), event.title
    assert Citation.objects.count() == 17
    for citation in Citation.objects.all():
        assert citation.source == source
        assert quote_occurs_in(citation.quote, source.body), citation.quote


def test_it_loads_the_actors_with_their_aliases_and_affiliations(demo):
    assert Actor.objects.count() == 10
    putin = Actor.objects.get(slug="vladimir-putin")
    assert (putin.name, putin.kind, putin.country, putin.wikidata_id) == (
        "Vladimir Putin",
        "person",
        "RUS",
        "Q7747",
    )
    assert Actor.objects.get(slug="russian-state-tv").name == "Russian state TV"
    assert Actor.objects.get(slug="interfax").kind == "media"
    assert Actor.objects.get(wikidata_id="Q851").slug == "saudi-arabia"

    assert Actor.objects.matching_name("the kremlin").get().slug == "russia"
    assert Actor.objects.matching_name("Kyiv").get().slug == "ukraine"
    assert Actor.objects.matching_name("Washington").get().slug == "united-states"
    assert Actor.objects.matching_name("ZELENSKIY").get().slug == "volodymyr-zelenskyy"
    assert ActorAlias.objects.count() == 13

    russia = Actor.objects.get(slug="russia")
    on_the_day = Affiliation.objects.on(datetime.date(2025, 4, 21))
    assert set(on_the_day.filter(organization=russia).values_list("person__slug", "role")) == {
        ("vladimir-putin", "President"),
        ("dmitry-peskov", "presidential spokesperson"),
    }
    trump = Affiliation.objects.get(person__slug="donald-trump")
    assert trump.organization.slug == "united-states"
    assert trump.start_date == datetime.date(2025, 1, 20)
    # Trump's current term had not begun in 2024.
    assert not Affiliation.objects.on(datetime.date(2024, 6, 1)).filter(pk=trump.pk).exists()


def test_the_easter_truce(demo):
    truce = Proposal.objects.get(title="Easter truce")
    assert slugs(truce, "proposer") == {"vladimir-putin"}
    assert slugs(truce, "addressee") == {"ukraine"}
    assert truce.date == datetime.date(2025, 4, 19)
    assert truce.date_precision == "day"
    assert (truce.proposal_kind, truce.scope, truce.arrangement) == (
        "ceasefire",
        "comprehensive",
        "unilateral",
    )
    assert (truce.duration_hours, truce.purposes, truce.occasion) == (30, ["holiday"], "Easter")
    assert (truce.effective_from, truce.ended_on) == (
        datetime.date(2025, 4, 19),
        datetime.date(2025, 4, 20),
    )
    assert (truce.end_reason, truce.outcome) == ("expired", "expired")
    assert truce in Proposal.objects.in_effect_on(datetime.date(2025, 4, 20))
    assert truce not in Proposal.objects.in_effect_on(datetime.date(2025, 4, 21))

    putin_quote = truce.citations.get(speaker__slug="vladimir-putin")
    assert putin_quote.via.slug == "russian-state-tv"
    assert "bright Easter days" in putin_quote.quote


def test_the_responses_and_their_stances(demo):
    stances = {
        (r.proposal.title, r.responder.slug): r.stance
        for r in Response.objects.select_related("proposal", "responder")
    }
    assert stances == {
        ("Easter truce", "ukraine"): "dismissed",
        ("Easter truce", "united-states"): "welcomed",
        ("30-day truce on civilian areas", "vladimir-putin"): "considering",
        ("Full 30-day ceasefire", "ukraine"): "accepted",
        ("Full 30-day ceasefire", "russia"): "rejected",
    }
    putin = Response.objects.get(responder__slug="vladimir-putin")
    assert putin.date == datetime.date(2025, 4, 21)
    assert putin.citations.get().speaker.slug == "vladimir-putin"


def test_zelenskyys_truce_counters_the_easter_truce(demo):
    civilian = Proposal.objects.get(title="30-day truce on civilian areas")
    assert civilian.counters == Proposal.objects.get(title="Easter truce")
    assert slugs(civilian, "proposer") == {"volodymyr-zelenskyy"}
    assert slugs(civilian, "addressee") == {"russia"}
    assert (civilian.proposal_kind, civilian.scope, civilian.duration_hours) == (
        "partial_ceasefire",
        "civilian_targets",
        720,
    )
    assert civilian.outcome == "under_consideration"


def test_the_offer_of_bilateral_talks_is_confirmed_by_peskov_via_interfax(demo):
    talks = Proposal.objects.get(title="Bilateral talks with Kyiv")
    assert (talks.proposal_kind, talks.talks_format) == ("talks", "bilateral")
    assert slugs(talks, "proposer") == {"vladimir-putin"}
    assert slugs(talks, "addressee") == {"ukraine"}
    peskov = talks.citations.get(speaker__slug="dmitry-peskov")
    assert peskov.via.slug == "interfax"


def test_trumps_ceasefire_is_addressed_to_both_sides(demo):
    ceasefire = Proposal.objects.get(title="Full 30-day ceasefire")
    assert slugs(ceasefire, "proposer") == {"donald-trump"}
    assert slugs(ceasefire, "addressee") == {"russia", "ukraine"}
    assert (ceasefire.proposal_kind, ceasefire.scope, ceasefire.duration_hours) == (
        "ceasefire",
        "comprehensive",
        720,
    )
    assert ceasefire.outcome == "rejected"


def test_the_talks_in_saudi_arabia_produced_the_energy_pause(demo):
    meeting = Meeting.objects.get()
    assert meeting.title == "Parallel talks in Saudi Arabia"
    assert (meeting.venue, meeting.country, meeting.meeting_format) == (
        "Saudi Arabia",
        "SAU",
        "parallel",
    )
    assert slugs(meeting, "mediator") == {"united-states"}
    assert slugs(meeting, "delegation") == {"russia", "ukraine"}
    assert slugs(meeting, "host") == {"saudi-arabia"}

    pause = Proposal.objects.get(title="Pause in strikes on energy infrastructure")
    assert list(meeting.produced.all()) == [pause]
    assert slugs(pause, "mediator") == {"united-states"}
    assert slugs(pause, "addressee") == {"russia", "ukraine"}
    assert (pause.proposal_kind, pause.scope, pause.outcome) == (
        "partial_ceasefire",
        "energy_infrastructure",
        "accepted",
    )


def test_mutual_accusations_are_two_records_each(demo):
    pairs = {
        (a.proposal.title, next(iter(slugs(a, "accuser"))), next(iter(slugs(a, "accused"))))
        for a in ViolationAccusation.objects.select_related("proposal")
    }
    assert pairs == {
        ("Easter truce", "russia", "ukraine"),
        ("Easter truce", "ukraine", "russia"),
        ("Pause in strikes on energy infrastructure", "russia", "ukraine"),
        ("Pause in strikes on energy infrastructure", "ukraine", "russia"),
    }
    easter = ViolationAccusation.objects.filter(proposal__title="Easter truce")
    assert set(easter.values_list("incident_date", flat=True)) == {datetime.date(2025, 4, 20)}
    assert Participant.objects.filter(role__in=["accuser", "accused"]).count() == 8


def test_last_months_records_have_month_precision(demo):
    march = Event.objects.filter(date_precision="month")
    assert set(march.values_list("title", flat=True)) == {
        "Full 30-day ceasefire",
        "Ukraine accepts the full 30-day ceasefire",
        "Russia rejects the full 30-day ceasefire",
        "Parallel talks in Saudi Arabia",
        "Pause in strikes on energy infrastructure",
        "Russia accuses Ukraine of violating the energy pause",
        "Ukraine accuses Russia of violating the energy pause",
    }
    for event in march:
        assert (event.date, event.period_end) == (MARCH_2025, datetime.date(2025, 3, 31))
        assert event.date_display == "2025-03"
    assert not Event.objects.filter(date_precision="day", date__lt=datetime.date(2025, 4, 1))


@pytest.mark.django_db
def test_it_prints_a_line_per_kind_of_record_and_a_summary():
    lines = load().splitlines()
    assert lines[:13] == [
        "Actors: 10 created, 0 updated, 0 unchanged",
        "Aliases: 13 created, 0 updated, 0 unchanged",
        "Affiliations: 4 created, 0 updated, 0 unchanged",
        "Conflicts: 1 created, 0 updated, 0 unchanged",
        "Sources: 1 created, 0 updated, 0 unchanged",
        "Proposals: 5 created, 0 updated, 0 unchanged",
        "Responses: 5 created, 0 updated, 0 unchanged",
        "Meetings: 1 created, 0 updated, 0 unchanged",
        "Accusations: 4 created, 0 updated, 0 unchanged",
        "Participants: 24 created, 0 updated, 0 unchanged",
        "Citations: 17 created, 0 updated, 0 unchanged",
        "Locations: 1 created, 0 updated, 0 unchanged",
        "Links: 3 created, 0 updated, 0 unchanged",
    ]
    assert lines[13].startswith("Demo data loaded (89 created, 0 updated): 15 published events")
    assert len(lines) == 14


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    first = load()
    counts, history = row_counts(), history_rows()
    assert "Actors: 10 created, 0 updated, 0 unchanged" in first
    assert "Proposals: 5 created" in first

    second = load()

    assert row_counts() == counts
    assert history_rows() == history
    assert "Actors: 0 created, 0 updated, 10 unchanged" in second
    assert "Citations: 0 created, 0 updated, 17 unchanged" in second
    assert "Locations: 0 created, 0 updated, 1 unchanged" in second
    assert "nothing changed" in second.splitlines()[-1]


@pytest.mark.django_db
def test_a_rerun_restores_a_changed_record_without_duplicating_it():
    load()
    Proposal.objects.filter(title="Easter truce").update(outcome="collapsed")
    ActorAlias.objects.filter(name="Kyiv").update(name="KYIV")
    history = history_rows()

    output = load()

    assert Proposal.objects.get(title="Easter truce").outcome == "expired"
    assert ActorAlias.objects.get(name__iexact="kyiv").name == "Kyiv"
    assert Proposal.objects.count() == 5
    assert ActorAlias.objects.count() == 13
    assert "Proposals: 0 created, 1 updated, 4 unchanged" in output
    assert "Aliases: 0 created, 1 updated, 12 unchanged" in output
    assert history_rows() == history + 2


@pytest.mark.django_db
def test_verbosity_zero_prints_nothing():
    assert load(verbosity=0) == ""
    assert Event.objects.count() == 15


@pytest.mark.django_db
def test_a_quote_missing_from_the_article_fails_loudly_and_writes_nothing(monkeypatch):
    events = copy.deepcopy(records.EVENTS)
    events[0]["citations"][0]["quote"] = "a unilaterally declared 300-hour ceasefire"
    monkeypatch.setattr(records, "EVENTS", events)

    with pytest.raises(CommandError, match="300-hour ceasefire.*does not occur"):
        load()

    assert not Actor.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_an_invalid_record_fails_with_the_field_named_and_writes_nothing(monkeypatch):
    events = copy.deepcopy(records.EVENTS)
    meeting = next(event for event in events if event["kind"] == "meeting")
    meeting["fields"]["country"] = "XXX"
    monkeypatch.setattr(records, "EVENTS", events)

    with pytest.raises(CommandError, match="Parallel talks in Saudi Arabia.*country"):
        load()

    assert not Event.objects.exists()
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_the_talks_venue_is_their_location():
    load()

    meeting = Meeting.objects.get()
    (place,) = meeting.locations.all()
    assert (meeting.venue, meeting.country) == ("Saudi Arabia", "SAU")
    assert (place.name, place.country, place.precision) == ("Saudi Arabia", "SAU", "country")
    assert (place.latitude, place.longitude, place.admin1) == (None, None, "")
    assert not Location.objects.exclude(pk=place.pk).exists()
