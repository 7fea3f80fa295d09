"""Read and write serializers for conflicts, sources and every event kind.

An event is written in one request with its participants (role lists of actor slugs) and its
citations; the whole write is one transaction, validated by the same model rules as the admin.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from lib.columns import ColumnsListSerializer
from lib.drf import JSONTypesMixin, full_clean_or_400, instance_with, raise_as_drf
from lib.filters import MAX_EXTERNAL_ID

from .. import services
from ..codes import codes_for
from ..models import (
    KIND_MODELS,
    KIND_ROLES,
    LINK_FIELDS,
    Citation,
    Conflict,
    ConflictDyad,
    Event,
    Location,
    Meeting,
    Participant,
    Proposal,
    Response,
    Source,
    ViolationAccusation,
    event_date_errors,
    link_errors,
)
from ..search import refresh_search_documents
from ..text import normalize_url
from .fields import (
    ROLE_PREFIX,
    CoordinateField,
    FirstLocationField,
    IdRelatedField,
    OptionalURLField,
    RoleField,
    ZonedDateTimeField,
    actor_slug_field,
)

# The endpoint of each kind, for detail links.
KIND_ENDPOINTS = {
    Event.Kind.PROPOSAL: "proposal",
    Event.Kind.RESPONSE: "response",
    Event.Kind.MEETING: "meeting",
    Event.Kind.ACCUSATION: "accusation",
}


class DyadIdsField(serializers.ListField):
    """A conflict's UCDP dyad ids, read and written as a list of numbers (prefetched by the
    view)."""

    def get_attribute(self, conflict):
        return [dyad.ucdp_dyad_id for dyad in conflict.dyads.all()]


class ConflictSerializer(JSONTypesMixin, serializers.ModelSerializer):
    parties = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all(), many=True, required=False
    )
    ucdp_dyad_ids = DyadIdsField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_EXTERNAL_ID),
        required=False,
        max_length=Conflict.MAX_DYADS,
        help_text="The UCDP dyads (dyad_id) of the conflict, to join with UCDP's dyadic "
        f"dataset and GED; at most {Conflict.MAX_DYADS}.",
    )

    class Meta:
        model = Conflict
        fields = ["slug", "name", "start_date", "parties", "ucdp_conflict_id", "ucdp_dyad_ids"]

    def validate_ucdp_dyad_ids(self, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("A dyad is listed twice.")
        return ids

    def validate(self, attrs):
        # A slug left out is made from the name; its uniqueness is checked like a typed one.
        conflict = instance_with(
            self, {k: v for k, v in attrs.items() if k not in ("parties", "ucdp_dyad_ids")}
        )
        full_clean_or_400(conflict)
        attrs["slug"] = conflict.slug
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        dyads = validated_data.pop("ucdp_dyad_ids", None)
        conflict = super().create(validated_data)
        self._save_dyads(conflict, dyads)
        return conflict

    @transaction.atomic
    def update(self, instance, validated_data):
        dyads = validated_data.pop("ucdp_dyad_ids", None)
        conflict = super().update(instance, validated_data)
        self._save_dyads(conflict, dyads)
        return conflict

    def _save_dyads(self, conflict, ids) -> None:
        if ids is None:
            return
        conflict.dyads.exclude(ucdp_dyad_id__in=ids).delete()
        kept = set(conflict.dyads.values_list("ucdp_dyad_id", flat=True))
        for dyad_id in ids:
            if dyad_id not in kept:
                ConflictDyad.objects.create(conflict=conflict, ucdp_dyad_id=dyad_id)
        getattr(conflict, "_prefetched_objects_cache", {}).pop("dyads", None)


class KindMonthCountSerializer(serializers.Serializer):
    """One cell of a conflict's counts: published events of a kind in a month."""

    month = serializers.CharField(help_text="YYYY-MM")
    kind = serializers.CharField()
    count = serializers.IntegerField()


class AccusationPairSerializer(serializers.Serializer):
    """One cell of a conflict's accusation matrix: accusations by an accuser of an accused."""

    accuser = serializers.CharField(help_text="Slug.")
    accused = serializers.CharField(help_text="Slug.")
    count = serializers.IntegerField()


# Why a reader without the permission gets no ``body`` (also the schema's description of it).
BODY_WITHHELD = (
    "The article's full text is shown only to users with the permission “Can read the full "
    "text of sources” (events.view_source_body: editors and reviewers); news articles are "
    "copyrighted, and the quotes published events cite are in their citations."
)


class SourceSerializer(JSONTypesMixin, serializers.ModelSerializer):
    outlet = actor_slug_field(required=False, allow_null=True)
    # Declared so that uniqueness is checked on the normalized URL (in validate), not as sent.
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "published_at",
            "language",
            "body",
            "archive_url",
            "accessed_at",
        ]
        extra_kwargs = {
            "body": {
                "help_text": "The article's text; quotes are checked against it. Present only "
                "for users with the permission “Can read the full text of sources” "
                "(events.view_source_body: editors and reviewers), absent for everyone else."
            }
        }

    def get_fields(self):
        """``body`` is read only by users with the permission; for everyone else it is
        write-only: absent from every row (JSON, CSV, ``fields=``), still taken by writes."""
        fields = super().get_fields()
        if not self.reads_body():
            fields["body"].write_only = True
            # lib.selection names the reason when ``fields=body`` asks for it.
            self.withheld_fields = {"body": BODY_WITHHELD}
        return fields

    def reads_body(self) -> bool:
        view = self.context.get("view")
        if getattr(view, "swagger_fake_view", False):
            return True  # the schema documents the field (as present with the permission)
        request = self.context.get("request")
        return Source.reads_body(getattr(request, "user", None))

    def validate(self, attrs):
        source = instance_with(self, attrs)
        source.url = normalize_url(source.url)
        request = self.context.get("request")
        if self.instance is not None and request is not None:
            if services.source_locked_for(request.user, self.instance):
                changed = [
                    name
                    for name in services.SOURCE_EVIDENCE_FIELDS
                    if getattr(source, name) != getattr(self.instance, name)
                ]
                if changed:
                    raise serializers.ValidationError(
                        {
                            name: ["Published events cite this article: a reviewer changes it."]
                            for name in changed
                        }
                    )
        try:
            source.full_clean()
        except DjangoValidationError as error:
            raise_as_drf(error, extra=self._linked_records(error))
        attrs["url"] = source.url
        return attrs

    def _linked_records(self, error: DjangoValidationError) -> dict:
        """Links to the records a refusal is about: the source that already has the URL, the
        events whose quotes a new text would orphan or whose dates a new publication time
        would contradict."""
        request = self.context.get("request")

        def links(name, records) -> list[str]:
            paths = dict.fromkeys(
                reverse(name or f"{KIND_ENDPOINTS[record.kind]}-detail", args=[record.pk])
                for record in records
            )
            return [request.build_absolute_uri(p) if request else p for p in paths]

        extra = {}
        for e in [e for errors in error.error_dict.values() for e in errors]:
            if e.code == "duplicate_url":
                extra["existing_source"] = links("source-detail", [e.params["source"]])
            elif e.code == "orphaned_quotes":
                extra["orphaned_events"] = links(None, [c.event for c in e.params["citations"]])
            elif e.code == "misdated_events":
                extra["misdated_events"] = links(None, e.params["event_list"])
        return extra

    def update(self, instance, validated_data):
        # Only the fields sent are written: a concurrent change of another field stays.
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=[*validated_data, "updated_at"])
        return instance


class SuggestedActorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    words = serializers.CharField(help_text="As the article writes the name.")


class SuggestedNewActorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Capitalized words that match no actor.")
    sentence = serializers.IntegerField(help_text="The index of the first sentence naming it.")
    quote = serializers.CharField(help_text="That sentence, as the article writes it.")


class SuggestedRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    endpoint = serializers.CharField(help_text="Where ``body`` is POSTed to create the draft.")
    body = serializers.DictField(
        help_text="The write API's body for ``endpoint``: title, date, date_precision, "
        "conflict (when the actors' conflict is clear), the kind's fields, role lists of actor "
        "slugs, and citations quoting the sentences it comes from."
    )
    quote = serializers.CharField(help_text="The sentence, as the article writes it.")
    sentence = serializers.IntegerField(help_text="Its index among the article's sentences.")
    triggers = serializers.ListField(
        child=serializers.CharField(), help_text="The words that made the suggestion."
    )
    explanation = serializers.CharField(help_text="Why, in words.")


class SourceSuggestionsSerializer(serializers.Serializer):
    """What ``GET /api/v1/sources/<id>/suggestions/`` returns (documentation only)."""

    source = serializers.IntegerField()
    actors = SuggestedActorSerializer(many=True)
    new_actors = SuggestedNewActorSerializer(many=True)
    records = SuggestedRecordSerializer(many=True)


class CitationSerializer(serializers.ModelSerializer):
    source = IdRelatedField(queryset=Source.objects.all())
    source_url = serializers.CharField(source="source.url", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    archive_url = serializers.CharField(source="source.archive_url", read_only=True)
    speaker = actor_slug_field(required=False, allow_null=True)
    via = actor_slug_field(required=False, allow_null=True)

    class Meta:
        model = Citation
        fields = ["source", "source_title", "source_url", "archive_url", "quote", "speaker", "via"]
        # An event without citations still has their columns in CSV.
        list_serializer_class = ColumnsListSerializer


class LocationSerializer(serializers.ModelSerializer):
    """A place of the event, as ACLED and UCDP GED code places (docs/codebook.md, "Places")."""

    latitude = CoordinateField(required=False, allow_null=True)
    longitude = CoordinateField(required=False, allow_null=True)

    class Meta:
        model = Location
        fields = ["name", "country", "admin1", "latitude", "longitude", "precision", "geonames_id"]
        # An event without locations still has their columns in CSV.
        list_serializer_class = ColumnsListSerializer


class CodesSerializer(serializers.Serializer):
    """An event's standard codes, derived from its kind, fields and participants (read only)
    by the rules of events/codes.py. CAMEO codes are text: "036" keeps its leading zero."""

    cameo = serializers.CharField(allow_null=True, help_text="CAMEO 1.1b3 event code.")
    cameo_root = serializers.CharField(
        allow_null=True, help_text="GDELT's EventRootCode: the CAMEO code's first two digits."
    )
    quad_class = serializers.IntegerField(
        allow_null=True,
        help_text="GDELT's QuadClass of the root code: 1 verbal cooperation, 2 material "
        "cooperation, 3 verbal conflict, 4 material conflict.",
    )
    plover = serializers.CharField(
        allow_null=True, help_text="PLOVER event type; null where PLOVER has none."
    )
    plover_mode = serializers.CharField(allow_null=True, help_text="PLOVER mode of that type.")
    mapping_version = serializers.CharField(
        help_text="Version of the mapping that gave these codes (docs/codebook.md)."
    )

    def get_attribute(self, event):
        return codes_for(event).as_dict()


class TombstoneSerializer(serializers.Serializer):
    """What a public reader gets of a retracted record: enough for a mirror to delete it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    editorial_status = serializers.ChoiceField(choices=[Event.Status.RETRACTED.value])
    updated_at = serializers.DateTimeField()


class EventFieldsMixin(JSONTypesMixin, serializers.Serializer):
    """Fields and behaviour every event shares: conflict, dates, status, citations, links."""

    kind = serializers.ChoiceField(choices=Event.Kind.choices, read_only=True)
    url = serializers.SerializerMethodField()
    conflict = serializers.SlugRelatedField(slug_field="slug", queryset=Conflict.objects.all())
    citations = CitationSerializer(many=True, required=False, max_length=Event.MAX_CITATIONS)
    locations = LocationSerializer(
        many=True,
        required=False,
        max_length=Event.MAX_LOCATIONS,
        help_text="Where it happened; the first is the main location.",
    )
    latitude = FirstLocationField("latitude")
    longitude = FirstLocationField("longitude")
    date_start = serializers.DateField(
        source="date",
        read_only=True,
        help_text="The first day the dated period covers: the day, the first of the month or "
        "of the year (UCDP GED's date_start).",
    )
    date_end = serializers.DateField(
        source="period_end",
        read_only=True,
        help_text="The last day the dated period covers: the day, the last of the month or of "
        "the year, or end_date when later (UCDP GED's date_end).",
    )

    EVENT_FIELDS = [
        "id",
        "kind",
        "url",
        "conflict",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "end_date",
        "title",
        "summary",
        "editorial_status",
    ]
    TRAILING_FIELDS = [
        "latitude",
        "longitude",
        "locations",
        "citations",
        "created_at",
        "updated_at",
    ]
    ROLES: list[str] = []
    # A list's rows are records or their tombstones (lib/schema.py documents both).
    tombstone_serializer = TombstoneSerializer

    @extend_schema_field(serializers.URLField())
    def get_url(self, event) -> str:
        path = reverse(f"{KIND_ENDPOINTS[event.kind]}-detail", args=[event.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, instance):
        # Retracted records reach public readers as tombstones, so mirrors can delete them.
        if instance.editorial_status == Event.Status.RETRACTED and not self.context.get(
            "sees_unpublished"
        ):
            return self.tombstone_serializer(instance).data
        return super().to_representation(instance)


def row_choice(choices, source: str, help_text: str) -> serializers.ChoiceField:
    """A kind's choice shown on every timeline row, null for the other kinds."""
    return serializers.ChoiceField(
        choices.choices, source=source, read_only=True, allow_null=True, help_text=help_text
    )


class EventSerializer(EventFieldsMixin, serializers.ModelSerializer):
    """A row of the timeline: what every kind shares, and a link to its detail."""

    proposers = RoleField(Participant.Role.PROPOSER, read_only=True)
    addressees = RoleField(Participant.Role.ADDRESSEE, read_only=True)
    mediators = RoleField(Participant.Role.MEDIATOR, read_only=True)
    hosts = RoleField(Participant.Role.HOST, read_only=True)
    accusers = RoleField(Participant.Role.ACCUSER, read_only=True)
    accused = RoleField(Participant.Role.ACCUSED, read_only=True)
    delegations = RoleField(Participant.Role.DELEGATION, read_only=True)
    guarantors = RoleField(Participant.Role.GUARANTOR, read_only=True)
    signatories = RoleField(Participant.Role.SIGNATORY, read_only=True)
    monitors = RoleField(Participant.Role.MONITOR, read_only=True)
    # What a row shows of its kind: annotated on the timeline's queryset (EventViewSet),
    # null for the kinds it does not apply to.
    proposal_kind = row_choice(
        Proposal.ProposalKind, "row_proposal_kind", "A proposal's kind; null for other kinds."
    )
    outcome = row_choice(
        Proposal.Outcome,
        "row_outcome",
        "A proposal's outcome; null for other kinds (a meeting's outcome is free text: see the "
        "meeting's detail).",
    )
    proposal = serializers.IntegerField(
        source="row_proposal",
        read_only=True,
        allow_null=True,
        help_text="The id of the proposal the row is about: a response's proposal, the proposal "
        "an accusation says was violated (if named); for a meeting, the proposal it produced, "
        "else the one it discussed, the lowest id when several; null otherwise (proposals "
        "link to each other on their detail).",
    )
    responder = serializers.SerializerMethodField(help_text="A response's responder (slug).")
    stance = row_choice(Response.Stance, "row_stance", "A response's stance; null for other kinds.")

    class Meta:
        model = Event
        fields = [
            *EventFieldsMixin.EVENT_FIELDS,
            "proposal_kind",
            "outcome",
            "proposal",
            "responder",
            "stance",
            "proposers",
            "addressees",
            "mediators",
            "hosts",
            "accusers",
            "accused",
            "delegations",
            "guarantors",
            "signatories",
            "monitors",
            *EventFieldsMixin.TRAILING_FIELDS,
        ]
        read_only_fields = fields

    def get_responder(self, event) -> str | None:
        # The timeline's queryset joins as_response and its responder.
        if event.kind != Event.Kind.RESPONSE:
            return None
        return event.as_response.responder.slug


class KindSerializer(EventFieldsMixin, serializers.ModelSerializer):
    """Base of each kind's serializer: writes participants and citations with the event."""

    serializer_related_field = IdRelatedField

    codes = CodesSerializer(
        read_only=True, help_text="CAMEO and PLOVER codes, to join with GDELT, ICEWS, POLECAT."
    )

    def validate(self, attrs):
        roles = {k: attrs.pop(k) for k in list(attrs) if k.startswith(ROLE_PREFIX)}
        citations = attrs.pop("citations", None)
        locations = attrs.pop("locations", None)
        model = self.Meta.model
        event = instance_with(self, attrs)
        full_clean_or_400(event, exclude=[f.name for f in model._meta.many_to_many])
        self._check_participants(roles)
        if citations is not None:
            self._check_citations(citations)
        if locations is not None:
            self._check_locations(locations)
        self._check_links(event, attrs)
        self._check_dates(event, citations)
        attrs["_roles"] = roles
        attrs["_citations"] = citations
        attrs["_locations"] = locations
        return attrs

    def _check_participants(self, roles: dict) -> None:
        """No actor both accuses and is accused, whether the lists are new or stored."""

        def effective(role: str) -> set:
            if f"{ROLE_PREFIX}{role}" in roles:
                return set(roles[f"{ROLE_PREFIX}{role}"])
            if self.instance is None:
                return set()
            return {p.actor for p in self.instance.participants.all() if p.role == role}

        total = sum(len(effective(role)) for role in KIND_ROLES[self.Meta.model])
        if total > Event.MAX_PARTICIPANTS:
            raise serializers.ValidationError(
                {
                    self._role_field_named(roles): [
                        f"At most {Event.MAX_PARTICIPANTS} participants per event; these role "
                        f"lists have {total} together."
                    ]
                }
            )
        both = effective(Participant.Role.ACCUSER) & effective(Participant.Role.ACCUSED)
        if both:
            names = ", ".join(sorted(a.slug for a in both))
            field = "accused" if f"{ROLE_PREFIX}accused" in roles else "accusers"
            raise serializers.ValidationError(
                {field: [f"An accuser cannot also be the accused: {names}."]}
            )

    def _role_field_named(self, roles: dict) -> str:
        """The role list an error about all of them names: the first one sent."""
        fields = [(n, f) for n, f in self.fields.items() if isinstance(f, RoleField)]
        sent = [n for n, f in fields if f"{ROLE_PREFIX}{f.role}" in roles]
        return (sent or [fields[0][0]])[0]

    def _check_citations(self, citations: list[dict]) -> None:
        for index, data in enumerate(citations):
            citation = Citation(**data)
            full_clean_or_400(citation, prefix=f"citations[{index}].", exclude=["event"])
            data["quote"] = citation.quote  # the article's own words

    def _check_locations(self, locations: list[dict]) -> None:
        for index, data in enumerate(locations):
            location = Location(**data)
            full_clean_or_400(location, prefix=f"locations[{index}].", exclude=["event"])
            data["country"] = location.country  # from the region when left blank

    def _check_links(self, event, attrs: dict) -> None:
        """Many-to-many links (a meeting's proposals), as sent or as stored; the record's
        foreign-key links are checked by its model."""
        links = {}
        for name in LINK_FIELDS.get(self.Meta.model, ()):
            if not self._is_m2m(name):
                continue
            if name in attrs:
                links[name] = list(attrs[name])
            elif self.instance is not None:
                links[name] = list(getattr(self.instance, name).all())
        errors = link_errors(event, links)
        if errors:
            raise serializers.ValidationError(errors)

    def _check_dates(self, event, citations) -> None:
        """Not dated after the newest article the event cites (as sent, or as stored)."""
        if citations is not None:
            sources = [data["source"] for data in citations]
        elif self.instance is not None:
            sources = list(Source.objects.filter(citations__event=self.instance).distinct())
        else:
            sources = []
        errors = event_date_errors(event, sources)
        if errors:
            raise serializers.ValidationError(errors)

    @transaction.atomic
    def create(self, validated_data):
        user = self.context["request"].user
        roles, citations = validated_data.pop("_roles"), validated_data.pop("_citations")
        locations = validated_data.pop("_locations")
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_m2m(k)}
        event = self.Meta.model(**validated_data, created_by=user, updated_by=user)
        event.save()
        self._save_related(event, roles, citations or [], many, locations or [])
        return event

    @transaction.atomic
    def update(self, instance, validated_data):
        roles, citations = validated_data.pop("_roles"), validated_data.pop("_citations")
        locations = validated_data.pop("_locations")
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_m2m(k)}
        for field, value in validated_data.items():
            setattr(instance, field, value)
        instance.updated_by = self.context["request"].user
        # Only the fields sent are written (and what they derive): a concurrent change of
        # another field, or of the editorial status, is not undone.
        written = set(validated_data)
        if written & {"date", "date_precision", "end_date"}:
            written |= {"date", "period_end"}
        instance.save(update_fields=[*written, "updated_by", "updated_at"])
        self._save_related(instance, roles, citations, many, locations)
        return instance

    def _is_m2m(self, name: str) -> bool:
        return self.Meta.model._meta.get_field(name).many_to_many

    def _save_related(self, event, roles: dict, citations, many: dict, locations) -> None:
        # Every removal before any addition, so that actors may swap roles in one request.
        wanted = {key.removeprefix(ROLE_PREFIX): actors for key, actors in roles.items()}
        for role, actors in wanted.items():
            event.participants.filter(role=role).exclude(actor__in=actors).delete()
        for role, actors in wanted.items():
            existing = set(event.participants.filter(role=role).values_list("actor", flat=True))
            Participant.objects.bulk_create(
                Participant(event=event, actor=a, role=role) for a in actors if a.pk not in existing
            )
        if citations is not None:
            event.citations.all().delete()
            for data in citations:
                Citation.objects.create(event=event, **data)
        if locations is not None:
            # In the order sent: the first is the main location.
            event.locations.all().delete()
            for data in locations:
                Location.objects.create(event=event, **data)
        for name, values in many.items():
            getattr(event, name).set(values)
        # Participants were written in bulk, without signals: the document follows here.
        refresh_search_documents([event.pk])
        # Re-read what the response shows, as prefetched views would.
        for cache in ("participants", "citations", "locations"):
            getattr(event, "_prefetched_objects_cache", {}).pop(cache, None)


def kind_fields(*fields: str, roles: list[str]) -> list[str]:
    return [
        *EventFieldsMixin.EVENT_FIELDS,
        *roles,
        *fields,
        "codes",
        *EventFieldsMixin.TRAILING_FIELDS,
    ]


# Proposal links (extends, counters, proposal, produced…) are ids, derived from the models.
KIND_READ_ONLY = ["editorial_status", "created_at", "updated_at"]


class ProposalSerializer(KindSerializer):
    proposers = RoleField(Participant.Role.PROPOSER)
    addressees = RoleField(Participant.Role.ADDRESSEE)
    mediators = RoleField(Participant.Role.MEDIATOR)
    guarantors = RoleField(Participant.Role.GUARANTOR)
    signatories = RoleField(Participant.Role.SIGNATORY)
    monitors = RoleField(Participant.Role.MONITOR)
    text_url = OptionalURLField(
        help_text="Where the agreement's text is published (not a news article about it)."
    )
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Proposal.Purpose.choices),
        required=False,
        max_length=len(Proposal.Purpose.choices),
        help_text="Why it was called, any of several (stored in the choices' order); empty "
        "when the article does not say.",
    )
    ended_by = actor_slug_field(
        required=False,
        allow_null=True,
        help_text="Slug of who ended it or withdrew from it, when the article names them.",
    )
    starts_at = ZonedDateTimeField(
        required=False,
        allow_null=True,
        help_text="The exact moment it starts (inclusive), when the article gives the hour; "
        "ISO 8601, shown in time_zone with its offset. Without an offset it is read in "
        "time_zone. Its date there is effective_from, else proposed_start.",
    )
    ends_at = ZonedDateTimeField(
        required=False,
        allow_null=True,
        help_text="The exact moment it ends (exclusive: no longer in effect then); as "
        "starts_at. Its last day in effect there (midnight ends the day before) is ended_on, "
        "else proposed_end.",
    )

    class Meta:
        model = Proposal
        fields = kind_fields(
            "proposal_kind",
            "scope",
            "arrangement",
            "talks_format",
            "purposes",
            "occasion",
            "written",
            "text_url",
            "stage",
            "proposed_start",
            "proposed_end",
            "duration_hours",
            "agreed_on",
            "effective_from",
            "ended_on",
            "starts_at",
            "ends_at",
            "time_zone",
            "end_reason",
            "ended_by",
            "outcome",
            "monitoring",
            "pax_agreement_id",
            "extends",
            "counters",
            "replaces",
            roles=[
                "proposers",
                "addressees",
                "mediators",
                "guarantors",
                "signatories",
                "monitors",
            ],
        )
        read_only_fields = KIND_READ_ONLY


class ResponseSerializer(KindSerializer):
    responder = actor_slug_field()

    class Meta:
        model = Response
        fields = kind_fields("proposal", "responder", "stance", "conditions", roles=[])
        read_only_fields = KIND_READ_ONLY


class MeetingSerializer(KindSerializer):
    mediators = RoleField(Participant.Role.MEDIATOR)
    hosts = RoleField(Participant.Role.HOST)
    delegations = RoleField(Participant.Role.DELEGATION)

    class Meta:
        model = Meeting
        fields = kind_fields(
            "venue",
            "country",
            "meeting_format",
            "outcome",
            "produced",
            "discussed",
            roles=["mediators", "hosts", "delegations"],
        )
        read_only_fields = KIND_READ_ONLY


class AccusationSerializer(KindSerializer):
    accusers = RoleField(Participant.Role.ACCUSER)
    accused = RoleField(Participant.Role.ACCUSED)

    class Meta:
        model = ViolationAccusation
        fields = kind_fields(
            "proposal",
            "incident_date",
            "location",
            "allegation",
            "verification",
            roles=["accusers", "accused"],
        )
        read_only_fields = KIND_READ_ONLY


KIND_SERIALIZERS = {
    Event.Kind.PROPOSAL: ProposalSerializer,
    Event.Kind.RESPONSE: ResponseSerializer,
    Event.Kind.MEETING: MeetingSerializer,
    Event.Kind.ACCUSATION: AccusationSerializer,
}
assert set(KIND_SERIALIZERS) == set(KIND_MODELS)
