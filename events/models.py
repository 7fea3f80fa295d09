"""What happened: conflicts, sources, and the event kinds with participants and citations.

Every kind (Proposal, Response, Meeting, ViolationAccusation) extends the concrete ``Event``
table through multi-table inheritance, so one timeline query covers all kinds while each kind
keeps its own columns and constraints.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actors.models import Actor, Affiliation
from actors.validators import (
    subdivision_country,
    validate_country_code,
    validate_subdivision_code,
)
from lib.models import ConstraintErrorsOnFieldsMixin, end_after_start
from lib.text import slugify_name

from . import times
from .search import refresh_search_documents
from .text import article_span, normalize_url

# The event's own fields in its search document (events.search).
SEARCHED_FIELDS = {"title", "summary", "responder"}
# Derived from the rest on every save: a version in the history would be stale on restore.
NOT_IN_HISTORY = ["search_document"]


class Conflict(models.Model):
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Stable public key, e.g. russia-ukraine-war; made from the name when left blank.",
    )
    name = models.CharField(max_length=200)
    start_date = models.DateField(null=True, blank=True)
    parties = models.ManyToManyField(
        Actor, through="ConflictParty", related_name="conflicts", blank=True
    )
    ucdp_conflict_id = models.PositiveIntegerField(
        "UCDP conflict ID",
        null=True,
        blank=True,
        help_text="The conflict's conflict_id in UCDP's datasets (UCDP/PRIO, GED).",
    )
    # updated_after (incremental sync) on the API's lists.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    history = HistoricalRecords()

    # UCDP codes a conflict's fighting in a handful of dyads; more is a mistake.
    MAX_DYADS = 100

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_slug()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        self.fill_slug()
        super().clean_fields(exclude)

    def fill_slug(self) -> None:
        """A slug left blank is made from the name, dashes kept (Israel–Hamas war →
        israel-hamas-war)."""
        if not self.slug and self.name:
            self.slug = slugify_name(self.name)


class ConflictParty(models.Model):
    """A party to a conflict; an actor that is one cannot be deleted."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="party_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="party_to")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "party"
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "actor"],
                name="conflict_party_unique",
                violation_error_message="This actor is already a party to the conflict.",
            )
        ]

    def __str__(self) -> str:
        return str(self.actor)


class ConflictDyad(models.Model):
    """A UCDP dyad of the conflict: the pair of sides UCDP codes its fighting between
    (dyad_id in the UCDP dyadic dataset and in GED), so that an analyst joins our records
    with UCDP's at the level of the dyad as well as of the conflict."""

    # Looked up through conflict_dyad_unique (conflict first): no index of its own.
    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, related_name="dyads", db_index=False
    )
    ucdp_dyad_id = models.PositiveIntegerField(
        "UCDP dyad ID", help_text="dyad_id in UCDP's dyadic dataset and GED."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "UCDP dyad"
        ordering = ["ucdp_dyad_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "ucdp_dyad_id"],
                name="conflict_dyad_unique",
                violation_error_message="The conflict already has this UCDP dyad.",
            )
        ]
        indexes = [
            # The ucdp_dyad filters look conflicts up by the dyad.
            models.Index(fields=["ucdp_dyad_id"], name="conflict_dyad_id"),
        ]

    def __str__(self) -> str:
        return f"UCDP dyad {self.ucdp_dyad_id}"


# Who reads an article's full text through the API (editors and reviewers have it): news
# articles are copyrighted, so everyone else sees the quotes published events cite instead.
SOURCE_BODY_PERMISSION = "events.view_source_body"


class SourceQuerySet(models.QuerySet):
    def cited_by_published(self) -> "SourceQuerySet":
        """The articles a published event cites: the public record's evidence."""
        return self.filter(
            models.Exists(
                Citation.objects.filter(
                    source=models.OuterRef("pk"), event__editorial_status=Event.Status.PUBLISHED
                )
            )
        )

    def changed_since(self, moment) -> "SourceQuerySet":
        """Sources changed since ``moment``, and those a published event citing them changed
        since then: an article a publication has just made public is new to a mirror."""
        return self.filter(
            Q(updated_at__gte=moment)
            | models.Exists(
                Citation.objects.filter(
                    source=models.OuterRef("pk"),
                    event__editorial_status=Event.Status.PUBLISHED,
                    event__updated_at__gte=moment,
                )
            )
        )

    def visible_to(self, user) -> "SourceQuerySet":
        """The sources ``user`` may see: every one for those who may change sources (editors
        and reviewers), else those a published event cites. An article cited only by drafts,
        records in review or retracted records is not part of the public record."""
        if Source.sees_every_source(user):
            return self
        return self.cited_by_published()


class Source(ConstraintErrorsOnFieldsMixin, models.Model):
    """A news article an editor read; its body lets quotes be checked against it."""

    constraint_fields = {"source_unique_url": "url"}

    url = models.URLField(
        "URL",
        max_length=1000,
        blank=True,
        help_text="Stored without tracking parameters or fragment; each article once.",
    )
    title = models.CharField(max_length=500)
    outlet = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        limit_choices_to={"kind": Actor.Kind.MEDIA},
        help_text="The media organization that published it.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en", help_text="e.g. en, ru, uk")
    body = models.TextField(
        blank=True, help_text="The article's text. Quotes are checked against it."
    )
    archive_url = models.URLField("archive URL", max_length=1000, blank=True)
    accessed_at = models.DateTimeField(null=True, blank=True, help_text="When the editor read it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    history = HistoricalRecords()

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        permissions = [("view_source_body", "Can read the full text of sources")]
        indexes = [
            # The sources' list in its order, and the ends of its year filter.
            models.Index(fields=["-published_at", "title"], name="source_published_at"),
            # The language filter's choices, read from it (lib/admin_filters.py).
            models.Index(fields=["language"], name="source_language"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_unique_url",
                violation_error_message="A source with this URL already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.url = normalize_url(self.url)
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if self.body and (update_fields is None or "body" in update_fields):
            self._anchor_citations()

    @staticmethod
    def sees_every_source(user) -> bool:
        """Whether ``user`` sees sources that no published event cites."""
        return bool(user and user.is_authenticated and user.has_perm("events.change_source"))

    @staticmethod
    def reads_body(user) -> bool:
        """Whether ``user`` reads the articles' full text (``body``)."""
        return bool(user and user.is_authenticated and user.has_perm(SOURCE_BODY_PERMISSION))

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            # The URL's unique constraint is the only one a source has.
            existing = Source.objects.exclude(pk=self.pk).get(url=self.url)
            error.error_dict["url"] = [
                ValidationError(
                    "A source with this URL already exists: “%(title)s” (source %(id)s).",
                    code="duplicate_url",
                    params={"title": existing.title, "id": existing.pk, "source": existing},
                )
            ]
            raise

    def clean(self) -> None:
        self.url = normalize_url(self.url)
        # Only a change of the text or the publication time re-checks the events citing it.
        stored = (
            Source.objects.filter(pk=self.pk).values("body", "published_at").first()
            if self.pk
            else None
        )
        merged = MergedSource.objects.filter(url=self.url).exclude(url="").first()
        if merged is not None and merged.source_id != self.pk:
            raise ValidationError(
                {
                    "url": f"This URL is of an article merged into “{merged.source}” (source "
                    f"{merged.source_id}): use that source."
                }
            )
        if stored is None:
            return
        errors = {}
        orphaned = self.orphaned_citations() if self.body != stored["body"] else []
        if orphaned:
            errors["body"] = ValidationError(
                "%(count)s quote(s) citing this article would no longer occur in its text: "
                "%(events)s. Correct the text, or first change those quotes.",
                code="orphaned_quotes",
                params={
                    "count": len(orphaned),
                    "events": "; ".join(event_label(c.event) for c in orphaned),
                    "citations": orphaned,
                },
            )
        misdated = self.misdated_events() if self.published_at != stored["published_at"] else []
        if misdated:
            errors["published_at"] = ValidationError(
                "Events citing this article would then be dated after every article they cite: "
                "%(events)s.",
                code="misdated_events",
                params={
                    "events": "; ".join(event_label(e) for e in misdated),
                    "event_list": misdated,
                },
            )
        if errors:
            raise ValidationError(errors)

    def orphaned_citations(self) -> list["Citation"]:
        """The citations of this article whose quotes its (new) text no longer contains."""
        citations = self.citations.select_related("event").order_by("event_id", "id")
        return [c for c in citations if article_span(c.quote, self.body) is None]

    def misdated_events(self) -> list["Event"]:
        """Events citing this article that its (new) publication time would leave dated
        after the newest article they cite."""
        # Each event's kind and cited articles come with it: no query per event.
        events = (
            Event.objects.filter(citations__source=self)
            .distinct()
            .order_by("date", "id")
            .select_related(*KIND_RELATED_NAME.values())
            .prefetch_related(
                models.Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("source").defer("source__body"),
                )
            )
        )
        misdated = []
        for event in events:
            sources = [self if c.source_id == self.pk else c.source for c in event.citations.all()]
            if event_date_errors(event.as_kind(), sources):
                misdated.append(event)
        return misdated

    def _anchor_citations(self) -> None:
        """Keep each quote the article's own words after its text changed (spacing, quote
        marks): citations are stored as the exact span they cite."""
        for citation in self.citations.all():
            typed = citation.quote
            citation.source = self
            if citation.anchor_quote() and citation.quote != typed:
                citation.save(update_fields=["quote"])

    def clean_fields(self, exclude=None) -> None:
        # Normalize before the uniqueness check so that tracking variants collide.
        self.url = normalize_url(self.url)
        super().clean_fields(exclude)


class MergedSource(models.Model):
    """An article merged into another as its duplicate (events.services.merge_sources). Its id
    and URL keep leading to the kept source: the API's detail of the merged id redirects there,
    the admin's search finds the kept source by the URL, and a new source with that URL is
    refused, naming the kept one."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="merged")
    merged_id = models.PositiveBigIntegerField(
        "merged source ID", unique=True, help_text="The id the duplicate had."
    )
    url = models.URLField("URL", max_length=1000, blank=True)
    title = models.CharField(max_length=500)
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["merged_id"]
        indexes = [
            # Source.clean and the sources' admin search look merged URLs up.
            models.Index(fields=["url"], name="merged_source_url"),
        ]

    def __str__(self) -> str:
        return f"{self.url or self.title} (source {self.merged_id}) → source {self.source_id}"


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(editorial_status=Event.Status.PUBLISHED)

    def overlapping(self, after=None, before=None) -> "EventQuerySet":
        """Events any part of whose dated period lies within [after, before]."""
        qs = self
        if after is not None:
            qs = qs.filter(period_end__gte=after)
        if before is not None:
            qs = qs.filter(date__lte=before)
        return qs

    def involving(self, actors, roles=None, include_affiliates=False) -> "EventQuerySet":
        """Events in which any of ``actors`` takes part in any of ``roles`` (any role if None).

        A response's responder counts as the role ``responder``. With ``include_affiliates`` a
        state or organization also matches through the people affiliated with it on the event's
        date (Russia matches Putin's proposals).
        """
        actor_ids = [a.pk if isinstance(a, Actor) else a for a in actors]
        people = []
        if include_affiliates:
            # The people ever affiliated, read first (one small query): with the actors
            # they are the list of ids the rows are looked up by (an index look-up the
            # planner can cost); only theirs are checked against the affiliation's dates.
            people = sorted(
                set(
                    Affiliation.objects.filter(organization__in=actor_ids).values_list(
                        "person", flat=True
                    )
                )
                - set(actor_ids)
            )

        def matching(queryset, field, event_date):
            if not people:
                return queryset.filter(**{f"{field}__in": actor_ids})
            on_the_day = Affiliation.objects.on(event_date).filter(
                organization__in=actor_ids, person=models.OuterRef(field)
            )
            return queryset.filter(
                Q(**{f"{field}__in": [*actor_ids, *people]}),
                Q(**{f"{field}__in": actor_ids}) | models.Exists(on_the_day),
            )

        participants = Participant.objects.filter(event=models.OuterRef("pk"))
        if roles is not None:
            participants = participants.filter(role__in=roles)
        condition = models.Exists(
            matching(participants, "actor", models.OuterRef(models.OuterRef("date")))
        )
        if roles is None or Participant.Role.RESPONDER in roles:
            responses = Response.objects.filter(event_ptr=models.OuterRef("pk"))
            condition |= models.Exists(matching(responses, "responder", models.OuterRef("date")))
        return self.filter(condition)

    def about_proposals(self, proposals) -> "EventQuerySet":
        """The ``proposals`` themselves and the records about them: the responses to them,
        accusations of violating them, talks that produced or discussed them."""
        ids = [proposal.pk for proposal in proposals]
        return self.filter(
            Q(pk__in=ids)
            | Q(pk__in=Response.objects.filter(proposal__in=ids).values("pk"))
            | Q(pk__in=ViolationAccusation.objects.filter(proposal__in=ids).values("pk"))
            | Q(pk__in=Meeting.objects.filter(produced__in=ids).values("pk"))
            | Q(pk__in=Meeting.objects.filter(discussed__in=ids).values("pk"))
        )


class Event(ConstraintErrorsOnFieldsMixin, models.Model):
    """What every kind shares, so that one timeline holds them all."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "Proposal"
        RESPONSE = "response", "Response"
        MEETING = "meeting", "Meeting"
        ACCUSATION = "accusation", "Violation accusation"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    kind = models.CharField(max_length=20, choices=Kind, editable=False)
    # Looked up through event_conflict_dates (conflict first): no index of its own.
    conflict = models.ForeignKey(
        Conflict, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    date = models.DateField(help_text="For month or year precision, any day in that month or year.")
    date_precision = models.CharField(
        max_length=5,
        choices=Precision,
        default=Precision.DAY,
        help_text="How precisely the article dates it: 'last month' is month precision.",
    )
    # Last day of the period ``date`` stands for (the day itself, its month or its year, or
    # end_date when later), so date-range filters match "March 2025" for
    # date_after=2025-03-15 through one index.
    period_end = models.DateField(editable=False)
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day, for events lasting several days (talks)."
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    editorial_status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # What q searches (events.search): title, summary, quotes, participants' and responder's
    # names and aliases, locations' names. Kept current by the model layer; never shown or edited.
    search_document = models.TextField(editable=False, blank=True, default="")

    objects = EventQuerySet.as_manager()

    # Bounded work per request: rows one event may have (the admin and the API refuse more).
    MAX_PARTICIPANTS = 100
    MAX_CITATIONS = 50
    MAX_LOCATIONS = 20

    # Set by each kind.
    KIND: str = ""
    constraint_fields = {"event_end_after_start": "end_date"}

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [
            ("publish_event", "Can publish and retract events"),
        ]
        indexes = [
            # Timeline filters: conflict + date range (date_after/date_before).
            models.Index(fields=["conflict", "date", "period_end"], name="event_conflict_dates"),
            models.Index(fields=["period_end"], name="event_period_end"),
            models.Index(fields=["date"], name="event_date"),
            # Choice columns are compared whole: a plain index each (db_index would add a
            # varchar_pattern_ops twin for LIKE, which no query makes).
            models.Index(fields=["kind"], name="event_kind"),
            models.Index(fields=["editorial_status"], name="event_editorial_status"),
            # The public lists: published rows in their default order, all and by conflict.
            # A page reads its rows in index order, and the capped count is an index-only
            # scan of the rows' ids.
            models.Index(
                fields=["-date", "-id"],
                condition=Q(editorial_status="published"),
                name="event_published_date",
            ),
            # With the kind: a conflict's counts by kind and month from the index alone.
            models.Index(
                fields=["conflict", "-date", "-id", "kind"],
                condition=Q(editorial_status="published"),
                name="event_published_conflict",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="event_end_after_start",
                violation_error_message="The end date cannot be before the date.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("date")),
                name="event_period_end_after_date",
                violation_error_message="The dated period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.KIND:
            self.kind = self.KIND
        self.normalize_date()
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS & set(update_fields):
            refresh_search_documents([self.pk])

    @property
    def date_display(self) -> str:
        if self.date_precision == self.Precision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == self.Precision.MONTH:
            return f"{self.date:%Y-%m}"
        return self.date.isoformat()

    def normalize_date(self) -> None:
        """Pin ``date`` to the start of its period and derive ``period_end``."""
        if self.date is None:
            return
        if isinstance(self.date, str):
            self.date = datetime.date.fromisoformat(self.date)
        if self.date_precision == self.Precision.YEAR:
            self.date = self.date.replace(month=1, day=1)
            self.period_end = self.date.replace(month=12, day=31)
        elif self.date_precision == self.Precision.MONTH:
            self.date = self.date.replace(day=1)
            last = calendar.monthrange(self.date.year, self.date.month)[1]
            self.period_end = self.date.replace(day=last)
        else:
            self.period_end = self.date
        # Talks over several days: the period runs to their last day.
        if isinstance(self.end_date, datetime.date) and self.end_date > self.period_end:
            self.period_end = self.end_date

    def clean_fields(self, exclude=None) -> None:
        try:
            self.normalize_date()
        except (TypeError, ValueError):
            pass  # the date field's own validation names the problem
        if self.KIND:
            self.kind = self.KIND
        super().clean_fields({*(exclude or ()), "period_end"})

    def clean(self) -> None:
        super().clean()
        errors = future_date_errors(self)
        links = {
            name: [getattr(self, name)]
            for name in LINK_FIELDS.get(type(self), ())
            if not self._meta.get_field(name).many_to_many and getattr(self, f"{name}_id")
        }
        for name, messages in link_errors(self, links).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def as_kind(self) -> "Event":
        """The concrete kind's instance for this event (one query unless already joined)."""
        return getattr(self, KIND_RELATED_NAME[self.kind])


class Participant(ConstraintErrorsOnFieldsMixin, models.Model):
    class Role(models.TextChoices):
        PROPOSER = "proposer", "Proposer"
        ADDRESSEE = "addressee", "Addressee"
        MEDIATOR = "mediator", "Mediator"
        HOST = "host", "Host"
        RESPONDER = "responder", "Responder"
        ACCUSER = "accuser", "Accuser"
        ACCUSED = "accused", "Accused"
        DELEGATION = "delegation", "Delegation"
        # Of a proposal's agreement: who vouches for it, who signed it, who watches it kept.
        GUARANTOR = "guarantor", "Guarantor"
        SIGNATORY = "signatory", "Signatory"
        MONITOR = "monitor", "Monitor"

    # Looked up through participant_unique_role (event first): no index of its own.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    # Looked up through participant_actor_role (actor first): no index of its own.
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", db_index=False
    )
    role = models.CharField(max_length=20, choices=Role)

    history = HistoricalRecords()

    constraint_fields = {"participant_accuser_not_accused": "role"}

    class Meta:
        ordering = ["role", "id"]
        indexes = [
            # Actor and role filters look events up by actor: the event's id is in the
            # index, so that an actor's events are read from it alone.
            models.Index(fields=["actor", "role", "event"], name="participant_actor_role"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="participant_unique_role",
                violation_error_message="This actor already has this role in the event.",
            ),
            # Among accusers and accused an actor appears once: no one accuses themselves.
            models.UniqueConstraint(
                fields=["event", "actor"],
                condition=Q(role__in=["accuser", "accused"]),
                name="participant_accuser_not_accused",
                violation_error_message="An accuser cannot also be the accused.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class Citation(models.Model):
    """The exact words in a source that an event rests on."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="Verbatim from the article; checked against its text.")
    speaker = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quoted_in",
        help_text="Who said it, when the quote is someone's words.",
    )
    via = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed",
        help_text="Who relayed it: a news agency, a spokesperson.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"“{self.quote[:60]}”"

    def save(self, *args, **kwargs) -> None:
        self.anchor_quote()
        super().save(*args, **kwargs)

    def anchor_quote(self) -> bool:
        """Store the quote as the article's own span (its spacing and quote marks) when it
        occurs in the article's text; False when it does not occur."""
        if not (self.quote and self.source_id and self.source.body):
            return True
        span = article_span(self.quote, self.source.body)
        if span is None:
            return False
        self.quote = span
        return True

    def clean(self) -> None:
        if not self.anchor_quote():
            raise ValidationError(
                {
                    "quote": (
                        f"This quote does not occur in the article “{self.source.title}”. "
                        "Copy it exactly from the article text (differences in spacing and "
                        "in quote-mark style are ignored)."
                    )
                }
            )


class Location(ConstraintErrorsOnFieldsMixin, models.Model):
    """A place where an event happened, coded as ACLED and UCDP GED code places
    (docs/codebook.md, "Places"). An event's first location (the lowest id) is its main one."""

    class Precision(models.TextChoices):
        # ACLED geo_precision 1 / UCDP GED where_prec 1.
        EXACT = "exact", "Exact place"
        # ACLED geo_precision 1 (2 near a town) / UCDP GED where_prec 1–2.
        TOWN = "town", "Town or its surroundings"
        # ACLED geo_precision 2–3 / UCDP GED where_prec 3–5.
        AREA = "area", "Area or region"
        # ACLED: none (coded at the capital, geo_precision 3) / UCDP GED where_prec 6.
        COUNTRY = "country", "Country only"

    # Its own index (event_id, the foreign key's): a page's locations and a deleted event's.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, help_text="As the article names the place.")
    country = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_country_code],
        help_text="ISO 3166-1 alpha-3, e.g. UKR; from the region when left blank.",
    )
    admin1 = models.CharField(
        "first-level subdivision",
        max_length=6,
        blank=True,
        validators=[validate_subdivision_code],
        help_text="ISO 3166-2 code of the region (oblast, province, state), e.g. UA-14.",
    )
    geonames_id = models.PositiveIntegerField(
        "GeoNames ID", null=True, blank=True, help_text="The place's id at geonames.org."
    )
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text="WGS 84, −90 to 90."
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text="WGS 84, −180 to 180."
    )
    precision = models.CharField(
        max_length=10,
        choices=Precision,
        blank=True,
        help_text="What the coordinates stand for: the exact place, a town, an area, a country.",
    )

    history = HistoricalRecords()

    constraint_fields = {
        "location_latitude_range": "latitude",
        "location_longitude_range": "longitude",
        "location_coordinates_together": "longitude",
        "location_country_precision_has_country": "country",
    }

    class Meta:
        ordering = ["id"]
        indexes = [
            # The country= and admin1= filters find the events of a country or region.
            models.Index(fields=["country", "event"], name="location_country"),
            models.Index(
                fields=["admin1", "event"], condition=~Q(admin1=""), name="location_admin1"
            ),
            # bbox= reads a longitude range, then the latitudes, from the index alone.
            models.Index(
                fields=["longitude", "latitude", "event"],
                condition=Q(longitude__isnull=False),
                name="location_coordinates",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                violation_error_message="A latitude is from -90 to 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                violation_error_message="A longitude is from -180 to 180.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_together",
                violation_error_message="Give both the latitude and the longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=~Q(precision="country") | ~Q(country=""),
                name="location_country_precision_has_country",
                violation_error_message="A location of country precision names its country.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name

    def clean(self) -> None:
        # The region's own country fills a blank one; another country is a mistake.
        if not self.admin1:
            return
        country = subdivision_country(self.admin1)
        if country is None:
            return  # the field's validator names it
        if not self.country:
            self.country = country
        elif self.country != country:
            raise ValidationError(
                {"admin1": f"{self.admin1} is a region of {country}, not of {self.country}."}
            )


def validate_purposes(value) -> None:
    """A proposal's purposes: a list of known purposes, each once."""
    known = Proposal.Purpose.values
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(
            "Give the purposes as a list, any of: %(known)s.",
            code="invalid_purposes",
            params={"known": ", ".join(known)},
        )
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ValidationError(
            "Unknown purpose: %(values)s. Expected any of: %(known)s.",
            code="invalid_purposes",
            params={"values": ", ".join(unknown), "known": ", ".join(known)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A purpose is listed twice.", code="invalid_purposes")


def ordered_purposes(value):
    """Known purposes in the choices' order (humanitarian before holiday), so that one set of
    purposes is stored, shown and compared alike; anything else is left for the validator."""
    known = Proposal.Purpose.values
    if isinstance(value, list) and all(item in known for item in value):
        return sorted(set(value), key=known.index)
    return value


class ProposalQuerySet(EventQuerySet):
    def in_effect_on(self, day) -> "ProposalQuerySet":
        """Proposals in effect on ``day``: of those whose outcome says they took effect, the
        effective period when known, else the proposed one. A proposed, rejected or withdrawn
        offer, or one under consideration, was never in effect, whatever its dates. The dates
        are the proposal's local days: exact times agree with them (events.times)."""
        return self.in_effect_during(day, day)

    def in_effect_during(self, first, last) -> "ProposalQuerySet":
        """Proposals in effect on any day from ``first`` to ``last`` (see in_effect_on)."""
        effective = Q(effective_from__isnull=False, effective_from__lte=last) & (
            Q(ended_on__isnull=True) | Q(ended_on__gte=first)
        )
        proposed = Q(
            effective_from__isnull=True, proposed_start__isnull=False, proposed_start__lte=last
        ) & (Q(proposed_end__isnull=True) | Q(proposed_end__gte=first))
        return self.filter(effective | proposed, outcome__in=Proposal.TOOK_EFFECT)

    def ids_in_effect_at(self, moment: datetime.datetime) -> list[int]:
        """The ids of the proposals in effect at ``moment`` (aware): from their exact start
        (inclusive) until their exact end (exclusive) when known, else over the whole days of
        their dates in their time zone (UTC when they have none); the dates are read as
        in_effect_on reads them (events.times).

        One query, through in_effect_on's indexes, reads the few proposals in effect on the
        days around the moment's (a local date is at most a day from UTC's); their exact
        bounds decide."""
        utc = moment.astimezone(datetime.UTC)
        day = utc.date()
        first = day - datetime.timedelta(days=1) if day > datetime.date.min else day
        last = day + datetime.timedelta(days=1) if day < datetime.date.max else day
        candidates = self.in_effect_during(first, last).order_by()
        return [
            row["pk"]
            for row in candidates.values("pk", *times.PERIOD_FIELDS)
            if times.in_effect_at(row, utc)
        ]


class Proposal(Event):
    """An offer or declaration of a truce or of talks."""

    KIND = Event.Kind.PROPOSAL
    event_ptr = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_proposal",
    )

    class ProposalKind(models.TextChoices):
        CEASEFIRE = "ceasefire", "Ceasefire"
        PARTIAL_CEASEFIRE = "partial_ceasefire", "Partial ceasefire"
        HUMANITARIAN_PAUSE = "humanitarian_pause", "Humanitarian pause"
        TALKS = "talks", "Talks"
        PRISONER_EXCHANGE = "prisoner_exchange", "Prisoner exchange"
        PEACE_PLAN = "peace_plan", "Peace plan"
        OTHER = "other", "Other"

    class Scope(models.TextChoices):
        COMPREHENSIVE = "comprehensive", "Comprehensive"
        ENERGY_INFRASTRUCTURE = "energy_infrastructure", "Energy infrastructure"
        CIVILIAN_TARGETS = "civilian_targets", "Civilian targets"
        MARITIME = "maritime", "Maritime"
        OTHER = "other", "Other"

    class TalksFormat(models.TextChoices):
        BILATERAL = "bilateral", "Bilateral"
        MULTILATERAL = "multilateral", "Multilateral"
        MEDIATED = "mediated", "Mediated"
        PROXIMITY = "proximity", "Proximity"

    class Arrangement(models.TextChoices):
        """Who makes the truce (ETH/PRIO CF's class of ceasefire): one side declares it, or
        two or more sides agree to it."""

        UNILATERAL = "unilateral", "Unilateral"
        BILATERAL = "bilateral", "Bilateral"
        MULTILATERAL = "multilateral", "Multilateral"

    class Written(models.TextChoices):
        """Whether the terms were set down in a text (ETH/PRIO CF's ``written``)."""

        WRITTEN = "written", "Written"
        VERBAL = "verbal", "Verbal"

    class Stage(models.TextChoices):
        """The stage of the peace process it belongs to, as PA-X codes an agreement's
        ``Stage`` (its ceasefire stage is our proposal_kind)."""

        PRE_NEGOTIATION = "pre_negotiation", "Pre-negotiation (talks about talks)"
        FRAMEWORK = "framework", "Framework (substantive, partial or comprehensive)"
        IMPLEMENTATION = "implementation", "Implementation"
        RENEWAL = "renewal", "Renewal"
        OTHER = "other", "Other"

    class Purpose(models.TextChoices):
        HUMANITARIAN = "humanitarian", "Humanitarian"
        PEACE_PROCESS = "peace_process", "Peace process"
        HOLIDAY = "holiday", "Holiday"
        ELECTION = "election", "Election"
        OTHER = "other", "Other"

    class EndReason(models.TextChoices):
        EXPIRED = "expired", "Expired"
        BROKE_DOWN = "broke_down", "Broke down"
        REPLACED = "replaced", "Replaced"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        ACCEPTED = "accepted", "Accepted"
        PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
        REJECTED = "rejected", "Rejected"
        IN_EFFECT = "in_effect", "In effect"
        EXPIRED = "expired", "Expired"
        COLLAPSED = "collapsed", "Collapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The outcomes of a proposal that took effect (DESIGN.md: "in effect on a day").
    TOOK_EFFECT = (
        Outcome.ACCEPTED,
        Outcome.PARTIALLY_ACCEPTED,
        Outcome.IN_EFFECT,
        Outcome.EXPIRED,
        Outcome.COLLAPSED,
    )

    proposal_kind = models.CharField(max_length=20, choices=ProposalKind)
    scope = models.CharField(max_length=25, choices=Scope, blank=True)
    arrangement = models.CharField(
        max_length=15,
        choices=Arrangement,
        blank=True,
        help_text="Unilateral: declared by one side; bilateral or multilateral: agreed (or "
        "offered to be agreed) between two or more sides. Blank when the article does not say.",
    )
    talks_format = models.CharField(
        max_length=15, choices=TalksFormat, blank=True, help_text="Only for proposals of talks."
    )
    written = models.CharField(
        max_length=10,
        choices=Written,
        blank=True,
        help_text="Written: its terms are a text the sides signed or published; verbal: an "
        "announcement or an understanding. Blank when the article does not say.",
    )
    text_url = models.URLField(
        "text URL",
        max_length=1000,
        blank=True,
        help_text="Where the agreement's text is published (not a news article about it).",
    )
    stage = models.CharField(
        max_length=20,
        choices=Stage,
        blank=True,
        help_text="The stage of the peace process, as PA-X codes it. Blank when not coded.",
    )
    purposes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_purposes],
        help_text="Why it was called, any of several: humanitarian, peace_process, holiday, "
        "election, other. Empty when the article does not say.",
    )
    occasion = models.CharField(max_length=100, blank=True, help_text="e.g. Easter")
    proposed_start = models.DateField(null=True, blank=True)
    proposed_end = models.DateField(null=True, blank=True)
    duration_hours = models.PositiveIntegerField(null=True, blank=True)
    agreed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the sides agreed to it; an agreement that never took effect has this "
        "date and no effective one.",
    )
    effective_from = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # The exact bounds of the period, where the article gives the hour (events.times).
    starts_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The exact moment it starts, when the article gives the hour (“from 18:00 "
        "Moscow time”). Its date in the time zone is the first day: effective from, else "
        "proposed start.",
    )
    ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The exact moment it ends: no longer in effect from then. Its last day in "
        "effect (midnight ends the day before) is ended on, else proposed end.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[times.validate_time_zone],
        help_text="The IANA time zone the article's times are in, e.g. Europe/Moscow; the "
        "times are shown in it. Needed with a time.",
    )
    end_reason = models.CharField(max_length=15, choices=EndReason, blank=True)
    ended_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_proposals",
        help_text="Who ended it or withdrew from it, when the article names them.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.PROPOSED)
    monitoring = models.TextField(
        blank=True, help_text="The agreed monitoring or verification mechanism."
    )
    pax_agreement_id = models.PositiveIntegerField(
        "PA-X agreement ID",
        null=True,
        blank=True,
        help_text="The agreement's AgtId in the PA-X Peace Agreements Database.",
    )
    extends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="extended_by"
    )
    counters = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="countered_by"
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=NOT_IN_HISTORY)

    constraint_fields = {
        **Event.constraint_fields,
        "proposal_proposed_end_after_start": "proposed_end",
        "proposal_ended_after_effective": "ended_on",
        "proposal_duration_positive": "duration_hours",
        "proposal_ends_after_starts": "ends_at",
        "proposal_times_have_time_zone": "time_zone",
        "proposal_talks_format_only_on_talks": "talks_format",
        "proposal_agreed_not_after_end": "agreed_on",
        "proposal_unilateral_not_agreed": "agreed_on",
        "proposal_agreed_outcome": "agreed_on",
        "proposal_verbal_has_no_text": "text_url",
        "proposal_ended_by_once_ended": "ended_by",
        "proposal_extends_not_itself": "extends",
        "proposal_counters_not_itself": "counters",
        "proposal_replaces_not_itself": "replaces",
    }

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # in_effect_on looks proposals up by their periods.
            models.Index(fields=["effective_from", "ended_on"], name="proposal_effective"),
            models.Index(fields=["proposed_start", "proposed_end"], name="proposal_proposed"),
            models.Index(fields=["outcome"], name="proposal_outcome"),
            # The pax_agreement filter (PA-X's AgtId) looks proposals up by it.
            models.Index(
                fields=["pax_agreement_id"],
                condition=Q(pax_agreement_id__isnull=False),
                name="proposal_pax_agreement",
            ),
            # agreed_after / agreed_before.
            models.Index(fields=["agreed_on"], name="proposal_agreed_on"),
        ]
        constraints = [
            end_after_start(
                "proposed_start",
                "proposed_end",
                name="proposal_proposed_end_after_start",
                message="The proposed end cannot be before the proposed start.",
            ),
            end_after_start(
                "effective_from",
                "ended_on",
                name="proposal_ended_after_effective",
                message="It cannot have ended before it took effect.",
            ),
            end_after_start(
                "starts_at",
                "ends_at",
                name="proposal_ends_after_starts",
                message="It must end after it starts.",
                strictly=True,
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True) | ~Q(time_zone=""),
                name="proposal_times_have_time_zone",
                violation_error_message="Give the time zone the exact times are in.",
            ),
            models.CheckConstraint(
                condition=Q(duration_hours__isnull=True) | Q(duration_hours__gt=0),
                name="proposal_duration_positive",
                violation_error_message="The duration must be more than zero hours.",
            ),
            *(
                models.CheckConstraint(
                    condition=~Q(**{link: F("event_ptr")}),
                    name=f"proposal_{link}_not_itself",
                    violation_error_message=f"A proposal cannot {verb} itself.",
                )
                for link, verb in [
                    ("extends", "extend"),
                    ("counters", "counter"),
                    ("replaces", "replace"),
                ]
            ),
            models.CheckConstraint(
                condition=Q(talks_format="") | Q(proposal_kind="talks"),
                name="proposal_talks_format_only_on_talks",
                violation_error_message="A talks format applies only to proposals of talks.",
            ),
            # Agreed before it took effect, or after (a truce kept first and signed later), but
            # not after it ended: a later agreement is a proposal of its own that extends or
            # replaces it.
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(agreed_on__lte=F("ended_on")),
                name="proposal_agreed_not_after_end",
                violation_error_message="It cannot have been agreed after it ended: a later "
                "agreement is a proposal of its own, which extends or replaces this one.",
            ),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True) | ~Q(arrangement="unilateral"),
                name="proposal_unilateral_not_agreed",
                violation_error_message="A unilateral truce is declared, not agreed: leave the "
                "agreement date blank, or correct the arrangement.",
            ),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True)
                # Equalities, not IN: PostgreSQL prints an IN list's check differently once
                # restored from a dump (tests/test_pg_backup.py compares them).
                | ~(
                    Q(outcome="proposed") | Q(outcome="under_consideration") | Q(outcome="rejected")
                ),
                name="proposal_agreed_outcome",
                violation_error_message="An agreed proposal is not merely proposed, under "
                "consideration or rejected: correct the outcome or the agreement date.",
            ),
            models.CheckConstraint(
                condition=Q(text_url="") | ~Q(written="verbal"),
                name="proposal_verbal_has_no_text",
                violation_error_message="A verbal arrangement has no text to link to.",
            ),
            models.CheckConstraint(
                condition=Q(ended_by__isnull=True)
                | Q(ended_on__isnull=False)
                | ~Q(end_reason="")
                | Q(outcome="collapsed")
                | Q(outcome="withdrawn"),
                name="proposal_ended_by_once_ended",
                violation_error_message="Who ended it is given once it has ended: give the end "
                "date, the reason or the outcome too.",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self.localize_times()
        self.purposes = ordered_purposes(self.purposes)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        errors = {}
        try:
            self.localize_times()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            super().clean_fields({*(exclude or ()), *errors})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def localize_times(self) -> None:
        """Exact times typed without a UTC offset are read in the proposal's time zone."""
        errors = {}
        for name in times.TIME_FIELDS:
            moment = getattr(self, name)
            if isinstance(moment, datetime.datetime):
                try:
                    setattr(self, name, times.localize(moment, self.time_zone))
                except ValidationError as error:
                    errors[name] = error
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        super().clean()
        errors = times.time_errors({name: getattr(self, name) for name in times.PERIOD_FIELDS})
        if errors:
            raise ValidationError(errors)
        # The database refuses it too (migrations 0002 and 0006); here the editor learns why.
        if self.pk and self.conflict_id:
            elsewhere = self.linked_from().exclude(conflict_id=self.conflict_id).count()
            if elsewhere:
                raise ValidationError(
                    {
                        "conflict": f"{elsewhere} record(s) linking to this proposal belong to "
                        "its current conflict: a record and the proposals it links to are in "
                        "one conflict."
                    }
                )

    def linked_from(self) -> EventQuerySet:
        """The records that link to this proposal: answer it, accuse of violating it, were
        produced or discussed by talks, extend, counter or replace it."""
        return Event.objects.filter(
            Q(pk__in=Response.objects.filter(proposal=self).values("pk"))
            | Q(pk__in=ViolationAccusation.objects.filter(proposal=self).values("pk"))
            | Q(pk__in=Meeting.objects.filter(produced=self).values("pk"))
            | Q(pk__in=Meeting.objects.filter(discussed=self).values("pk"))
            | Q(pk__in=Proposal.objects.filter(extends=self).values("pk"))
            | Q(pk__in=Proposal.objects.filter(counters=self).values("pk"))
            | Q(pk__in=Proposal.objects.filter(replaces=self).values("pk"))
        )


class Response(Event):
    """One party's answer to one proposal."""

    KIND = Event.Kind.RESPONSE
    event_ptr = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_response",
    )

    class Stance(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WELCOMED = "welcomed", "Welcomed"
        CONSIDERING = "considering", "Considering"
        CONDITIONAL = "conditional", "Conditional"
        DISMISSED = "dismissed", "Dismissed"
        COUNTERED = "countered", "Countered"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="responses")
    # Looked up through response_responder (with the response's id): no index of its own.
    responder = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    stance = models.CharField(max_length=15, choices=Stance)
    conditions = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=NOT_IN_HISTORY)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["stance"], name="response_stance"),
            # An actor's responses (actor filters) read from the index alone.
            models.Index(fields=["responder", "event_ptr"], name="response_responder"),
        ]


class Meeting(Event):
    """Talks that took place."""

    KIND = Event.Kind.MEETING
    event_ptr = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_meeting",
    )

    class Format(models.TextChoices):
        DIRECT = "direct", "Direct"
        PARALLEL = "parallel", "Parallel"
        MULTILATERAL = "multilateral", "Multilateral"

    venue = models.CharField(max_length=200, blank=True)
    country = models.CharField(
        max_length=3, blank=True, validators=[validate_country_code], help_text="ISO 3166-1 alpha-3"
    )
    meeting_format = models.CharField(max_length=15, choices=Format, blank=True)
    outcome = models.TextField(blank=True)
    produced = models.ManyToManyField(
        Proposal,
        blank=True,
        related_name="produced_by",
        help_text="Proposals these talks produced.",
    )
    discussed = models.ManyToManyField(
        Proposal, blank=True, related_name="discussed_at", help_text="Proposals discussed."
    )

    history = HistoricalRecords(m2m_fields=[produced, discussed], excluded_fields=NOT_IN_HISTORY)

    class Meta:
        ordering = ["-date", "-pk"]


class ViolationAccusation(Event):
    """An accusation that a party violated a truce or agreement. Mutual ones are two records."""

    KIND = Event.Kind.ACCUSATION
    event_ptr = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_accusation",
    )

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        DENIED = "denied", "Denied"
        DISPUTED = "disputed", "Disputed"
        CONFIRMED = "confirmed", "Confirmed"

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accusations",
        help_text="The truce or agreement allegedly violated, when the article names one.",
    )
    incident_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    allegation = models.TextField(blank=True)
    verification = models.CharField(
        max_length=15, choices=Verification, default=Verification.UNVERIFIED
    )

    history = HistoricalRecords(excluded_fields=NOT_IN_HISTORY)

    class Meta:
        ordering = ["-date", "-pk"]


KIND_MODELS: dict[str, type[Event]] = {
    Event.Kind.PROPOSAL: Proposal,
    Event.Kind.RESPONSE: Response,
    Event.Kind.MEETING: Meeting,
    Event.Kind.ACCUSATION: ViolationAccusation,
}
KIND_RELATED_NAME = {kind: f"as_{kind}" for kind in KIND_MODELS}

# The participant roles each kind has (a response's responder is its own field).
KIND_ROLES: dict[type[Event], tuple[str, ...]] = {
    Proposal: (
        Participant.Role.PROPOSER,
        Participant.Role.ADDRESSEE,
        Participant.Role.MEDIATOR,
        Participant.Role.GUARANTOR,
        Participant.Role.SIGNATORY,
        Participant.Role.MONITOR,
    ),
    Response: (),
    Meeting: (Participant.Role.MEDIATOR, Participant.Role.HOST, Participant.Role.DELEGATION),
    ViolationAccusation: (Participant.Role.ACCUSER, Participant.Role.ACCUSED),
}


# The fields through which each kind links to proposals.
LINK_FIELDS: dict[type[Event], tuple[str, ...]] = {
    Proposal: ("extends", "counters", "replaces"),
    Response: ("proposal",),
    Meeting: ("produced", "discussed"),
    ViolationAccusation: ("proposal",),
}

# Dates may run a day ahead of the server's: editors and events are in other time zones.
DATE_SLACK = datetime.timedelta(days=1)


def event_label(event: Event) -> str:
    """How a message names an event: title, kind, id and status."""
    return (
        f"“{event.title}” ({event.get_kind_display().lower()} {event.pk}, "
        f"{event.get_editorial_status_display().lower()})"
    )


def link_errors(event: Event, links: dict) -> dict[str, list[str]]:
    """Why ``event`` may not link to these proposals (``{field: [proposals]}``): a record
    links only to proposals of its own conflict, and a published record only to published
    proposals."""
    errors: dict[str, list[str]] = {}
    for name, proposals in links.items():
        for proposal in proposals:
            if event.conflict_id and proposal.conflict_id != event.conflict_id:
                message = (
                    f"“{proposal}” belongs to another conflict ({proposal.conflict}): a record "
                    "links only to proposals of its own conflict."
                )
            elif (
                event.editorial_status == Event.Status.PUBLISHED
                and proposal.editorial_status != Event.Status.PUBLISHED
            ):
                message = (
                    f"“{proposal}” is {proposal.get_editorial_status_display().lower()}: a "
                    "published record links only to published proposals."
                )
            else:
                continue
            errors.setdefault(name, []).append(message)
    return errors


def _as_local_date(moment: datetime.datetime) -> datetime.date:
    return moment.date() if timezone.is_naive(moment) else timezone.localdate(moment)


def _dates_of(event: Event) -> dict[str, datetime.date]:
    days = {name: getattr(event, name, None) for name in ("date", "end_date", "incident_date")}
    return {name: day for name, day in days.items() if isinstance(day, datetime.date)}


def future_date_errors(event: Event) -> dict[str, list[str]]:
    """A date ahead of today (a day's slack for time zones) cannot have happened yet."""
    today = timezone.localdate()
    return {
        name: [f"{day.isoformat()} is in the future (today is {today})."]
        for name, day in _dates_of(event).items()
        if day > today + DATE_SLACK
    }


def event_date_errors(event: Event, sources) -> dict[str, list[str]]:
    """An event (or incident) dated after the newest article it cites was published (a day's
    slack for time zones): an article reports what happened before it."""
    published = [_as_local_date(s.published_at) for s in sources if s.published_at]
    if not published:
        return {}
    newest = max(published)
    dates = _dates_of(event)
    return {
        name: [
            f"{dates[name].isoformat()} is after the newest article it cites was published "
            f"({newest.isoformat()}): an article reports what happened before it."
        ]
        for name in ("date", "incident_date")
        if name in dates and dates[name] > newest + DATE_SLACK
    }


def linked_proposals(event: Event) -> list[Proposal]:
    """The proposals a kind's record refers to: what it answers, accuses of, produced…"""
    if isinstance(event, Proposal):
        return [p for p in (event.extends, event.counters, event.replaces) if p is not None]
    if isinstance(event, Response | ViolationAccusation):
        return [event.proposal] if event.proposal_id else []
    if isinstance(event, Meeting):
        return [*event.produced.all(), *event.discussed.all()]
    return []
