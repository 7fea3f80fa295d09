"""factory_boy factories for every curated model."""

import datetime
import hashlib

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from actors.models import Actor, ActorAlias, Affiliation
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
from releases.models import Release


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.LazyAttribute(lambda a: a.name.lower().replace(" ", "-"))
    kind = Actor.Kind.STATE


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(ActorFactory, kind=Actor.Kind.PERSON)
    organization = factory.SubFactory(ActorFactory)
    role = "President"


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Conflict {n}")
    slug = factory.LazyAttribute(lambda c: c.name.lower().replace(" ", "-"))
    start_date = datetime.date(2022, 2, 24)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    body = "Both sides agreed to a “30-day truce” on Monday. Talks will follow."
    language = "en"


class EventFactoryMixin(factory.django.DjangoModelFactory):
    conflict = factory.SubFactory(ConflictFactory)
    date = datetime.date(2025, 4, 20)
    title = factory.Sequence(lambda n: f"Event {n}")

    class Meta:
        abstract = True


class ProposalFactory(EventFactoryMixin):
    class Meta:
        model = Proposal

    proposal_kind = Proposal.ProposalKind.CEASEFIRE


class ResponseFactory(EventFactoryMixin):
    class Meta:
        model = Response

    proposal = factory.SubFactory(ProposalFactory, conflict=factory.SelfAttribute("..conflict"))
    responder = factory.SubFactory(ActorFactory)
    stance = Response.Stance.ACCEPTED


class MeetingFactory(EventFactoryMixin):
    class Meta:
        model = Meeting

    meeting_format = Meeting.Format.DIRECT


class AccusationFactory(EventFactoryMixin):
    class Meta:
        model = ViolationAccusation


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    event = factory.SubFactory(ProposalFactory)
    actor = factory.SubFactory(ActorFactory)
    role = Participant.Role.PROPOSER


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(ProposalFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "30-day truce"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    event = factory.SubFactory(ProposalFactory)
    name = "Donetsk"
    country = "UKR"
    admin1 = "UA-14"
    latitude = "48.015883"
    longitude = "37.802850"
    precision = Location.Precision.TOWN


class PublicSourceFactory(SourceFactory):
    """A source the public API lists: a published proposal cites it (``cited_by=<status>``
    makes the citing proposal a draft, in review or retracted instead)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def cited_by(source, create, extracted, **kwargs):
        if create:
            CitationFactory(
                source=source,
                event=ProposalFactory(editorial_status=extracted or Event.Status.PUBLISHED),
                quote=source.body[:12] or "30-day truce",
            )


def release_with_files(version: str = "2026.1", files: dict | None = None, previous=None):
    """A release row and its directory holding ``files`` (name → bytes), as make_release
    leaves them, without reading any data (the API's tests)."""
    files = files if files is not None else {"CITATION.cff": b"cff-version: 1.2.0\n"}
    directory = settings.RELEASES_ROOT / version
    directory.mkdir(parents=True)
    entries = []
    for name, content in files.items():
        (directory / name).write_bytes(content)
        entries.append(
            {"name": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        )
    manifest = {
        "version": version,
        "previous": previous.version if previous else None,
        "citation": f"Editors (2026). Data (Version {version}) [Data set].",
        "mapping_version": "3",
        "counts": {"events": 0},
        "files": entries,
    }
    return Release.objects.create(
        version=version,
        created_at=timezone.now(),
        previous=previous,
        manifest=manifest,
        files=entries,
    )
