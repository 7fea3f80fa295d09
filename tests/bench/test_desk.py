"""The editor's desk of the benchmark (bench/desk.py): the pages it times are every list,
picker and form of the curated apps, each answering as an editor would see it. The timings
themselves are not tested."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from bench import desk
from events.models import Event
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ConflictFactory,
    LocationFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    conflict = ConflictFactory(name="Corvik–Vastland war", slug="corvik-vastland-war")
    actor = ActorFactory(name="Corvik", slug="corvik")
    for n in range(12):
        ActorFactory(name=f"State {n}")
    for n in range(16):
        proposal = ProposalFactory(conflict=conflict, title=f"Port truce {n}")
        CitationFactory(event=proposal, source__title=f"Heavy shelling near Harbour {n}")
    for _ in range(6):
        LocationFactory(event=ProposalFactory(conflict=conflict), name="Harbour")
    LocationFactory(event=ProposalFactory(conflict=conflict), name="Lone")
    for _ in range(2):
        ProposalFactory(conflict=conflict, title="Talks in Harbour")
    return conflict, actor


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("desk", "desk@example.org", "pw")


def terms(data):
    conflict, actor = data
    from django.db import connection

    with connection.cursor() as cursor:
        return desk.pick_terms(cursor, actor.slug, conflict.slug)


def test_terms_come_from_the_data(data):
    picked = terms(data)
    # Two places: "Harbour" (6 locations) and "Lone" (1); the median by count is the second.
    assert picked.place == "Harbour"
    assert picked.source_word == "harbour"  # in every title, as "heavy" and "shelling"
    assert picked.actor == "Corvik" and picked.actor_prefix == "Cor"
    assert picked.conflict == "Vastland"  # the longest word of "Corvik–Vastland war"


def test_every_list_picker_and_form_of_the_curated_apps_is_timed(data, superuser):
    conflict, _ = data
    pages = desk.desk_pages(terms(data), conflict.slug, superuser)
    names = [page.name for page in pages]
    assert len(names) == len(set(names))
    paths = [page.path for page in pages]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in desk.APPS:
            continue
        listed = [
            p for p in paths if p.split("?")[0] == f"/admin/{opts.app_label}/{opts.model_name}/"
        ]
        # Without a search, and with one when the list has a search box.
        assert len(listed) == (2 if model_admin.search_fields else 1), (model, listed)
        fields = set(model_admin.autocomplete_fields)
        for inline in model_admin.inlines:
            fields |= {(inline.model, f) for f in inline.autocomplete_fields}
        for field in fields:
            source, name = field if isinstance(field, tuple) else (model, field)
            # A field inherited from Event is asked once, as the event's (e.g. the conflict).
            source = source._meta.get_field(name).model
            asked = [
                page
                for page in pages
                if page.answer == "picker"
                and f"model_name={source._meta.model_name}&" in page.path
                and f"field_name={name}&" in page.path
            ]
            # With no term and with one.
            assert len(asked) == 2, (source, name, asked)
    assert sum(page.answer == "form" for page in pages) >= 7


def test_each_page_answers_and_says_what_came_back(data, superuser):
    conflict, _ = data
    client = Client()
    client.force_login(superuser)
    pages = desk.desk_pages(terms(data), conflict.slug, superuser)
    came_back = {}
    for page in pages:
        response = client.get(page.path)
        assert response.status_code == 200, page
        came_back[page.name] = desk.what_came_back(page, response.content)
    # The rows on the page of the rows matched: the proposals whose search document names
    # the place (in a title, and where the document holds them, the locations' names).
    matched = Event.objects.filter(search_document__icontains="Harbour").count()
    assert matched >= 2
    assert came_back["list: proposals, search “Harbour”"] == f"{matched} of {matched}"
    # A picker's options, "+" when another page follows (20 a page).
    assert came_back["picker: response.proposal, “truce”"] == "16"
    assert came_back["picker: response.proposal, no term"] == "20+"
    assert came_back["form: a proposal with 30 inline rows"] == "30"


def test_the_form_event_is_made_once_as_a_draft(data):
    conflict, _ = data
    first = desk.form_event(conflict.slug)
    again = desk.form_event(conflict.slug)
    assert first.pk == again.pk
    assert Event.objects.filter(title=desk.FORM_TITLE).count() == 1
    assert first.editorial_status == "draft"
    assert first.participants.count() == 10
    assert first.citations.count() == 15
    assert first.locations.count() == 5


def test_a_picker_answer_counts_options_and_more():
    page = desk.DeskPage("picker", "/x", "picker")
    body = json.dumps({"results": [{"id": 1}] * 3, "pagination": {"more": False}}).encode()
    assert desk.what_came_back(page, body) == "3"
    body = json.dumps({"results": [{"id": 1}] * 20, "pagination": {"more": True}}).encode()
    assert desk.what_came_back(page, body) == "20+"


def test_a_sequential_scan_under_a_limit_is_told_apart():
    from bench.run import scans_cell, under_a_limit

    limited = "SELECT …\nAggregate\n  ->  Limit\n        ->  Seq Scan on events_event\n"
    whole = "SELECT …\nAggregate\n  ->  Seq Scan on events_event\n"
    assert under_a_limit(limited) is True
    assert under_a_limit(whole) is False
    assert scans_cell([]) == "0"
    assert scans_cell([whole]) == "1"
    assert scans_cell([limited, whole]) == "2 (1 under a LIMIT)"
