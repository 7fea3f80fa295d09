"""Who acts: states, governments, people, organizations, armed groups and media."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Now
from simple_history.models import HistoricalRecords

from lib.models import ConstraintErrorsOnFieldsMixin, end_after_start
from lib.text import slugify_name

from .validators import validate_country_code, validate_wikidata_id

# The editorial status of events the public API shows.
PUBLISHED = "published"


def lowered(names) -> list:
    """``names`` lowered as the unique indexes on Lower("name") lower them. Every database
    lowers ASCII alike, so those are lowered here; any other name is lowered by the database,
    whose case folding differs from Python's ("İ", a final "Σ")."""
    return [name.lower() if name.isascii() else Lower(Value(name)) for name in names]


class NameQuerySetMixin:
    def named(self, names) -> models.QuerySet:
        """Rows whose name is one of ``names``, ignoring case; one look-up in the unique
        index on Lower("name") however many names."""
        return self.alias(name_lower=Lower("name")).filter(name_lower__in=lowered(names))


class ActorQuerySet(NameQuerySetMixin, models.QuerySet):
    def matching_name(self, name: str) -> "ActorQuerySet":
        """Actors whose name or one of whose aliases is ``name``, ignoring case."""
        aliases = ActorAlias.objects.filter(actor=models.OuterRef("pk"), name__iexact=name)
        return self.filter(Q(name__iexact=name) | models.Exists(aliases))

    def shown_by_published(self) -> "ActorQuerySet":
        """Actors that published events show: as a participant, a response's responder, or a
        citation's speaker or relay. Their names and slugs are what readers and analysts'
        scripts know them by."""

        def shown(relation: str, event: str) -> models.Exists:
            model = Actor._meta.get_field(relation).related_model
            field = Actor._meta.get_field(relation).field.name
            return models.Exists(
                model.objects.filter(
                    **{field: models.OuterRef("pk"), f"{event}editorial_status": PUBLISHED}
                )
            )

        return self.filter(
            shown("participations", "event__")
            | shown("responses", "")
            | shown("quoted_in", "event__")
            | shown("relayed", "event__")
        )

    def by_slugs(self, slugs) -> dict[str, "Actor"]:
        """The actors that ``slugs`` name, by slug: a current slug, or an old one that still
        leads to the actor it was changed from (one query)."""
        rows = self.filter(Q(slug__in=slugs) | Q(previous_slugs__slug__in=slugs)).annotate(
            old_slug=F("previous_slugs__slug")
        )
        current: dict[str, Actor] = {}
        old: dict[str, Actor] = {}
        for actor in rows:
            actor = current.setdefault(actor.slug, actor)
            if actor.old_slug is not None:
                old[actor.old_slug] = actor
        found = {**old, **current}
        return {slug: found[slug] for slug in slugs if slug in found}


class Actor(ConstraintErrorsOnFieldsMixin, models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT = "government", "Government"
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        ARMED_GROUP = "armed_group", "Armed group"
        MEDIA = "media", "Media"

    # Enough for every transliteration and metonym an actor goes by; a list beyond this is a
    # mistake (or an attack on the form), not curation.
    MAX_ALIASES = 100

    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text=(
            "Stable public key used by the API, e.g. russia; made from the name when left "
            "blank. Changing it later keeps the old one leading here."
        ),
    )
    name = models.CharField(
        max_length=200,
        help_text="The name most articles use; no other actor has it as a name or an alias.",
    )
    kind = models.CharField(max_length=20, choices=Kind)
    country = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_country_code],
        help_text="ISO 3166-1 alpha-3 code, e.g. RUS.",
    )
    description = models.TextField(blank=True)
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[validate_wikidata_id],
        help_text="Q followed by digits, e.g. Q159.",
    )
    ucdp_actor_id = models.PositiveIntegerField(
        "UCDP actor ID",
        null=True,
        blank=True,
        help_text="The actor's id in UCDP's actor list (side_a_id / side_b_id in its datasets).",
    )
    gw_code = models.PositiveSmallIntegerField(
        "Gleditsch–Ward code",
        null=True,
        blank=True,
        help_text=(
            "A state's number in Gleditsch and Ward's list of independent states (UCDP's "
            "gwno), e.g. 365 for Russia; states only."
        ),
    )
    # updated_after (incremental sync) on the API's lists.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    constraint_fields = {
        "actor_unique_wikidata_id": "wikidata_id",
        "actor_unique_name_ci": "name",
        "actor_unique_gw_code": "gw_code",
        "actor_gw_code_range": "gw_code",
        "actor_gw_code_only_states": "gw_code",
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="actor_unique_wikidata_id",
                violation_error_message="Another actor already has this Wikidata ID.",
            ),
            # A Gleditsch–Ward number names one state (a successor state has its own).
            models.UniqueConstraint(
                fields=["gw_code"],
                name="actor_unique_gw_code",
                violation_error_message="Another actor already has this Gleditsch–Ward code.",
            ),
            models.CheckConstraint(
                condition=Q(gw_code__isnull=True) | Q(gw_code__gte=2, gw_code__lte=999),
                name="actor_gw_code_range",
                violation_error_message=(
                    "A Gleditsch–Ward code is a number from 2 to 999 (e.g. 2 for the United "
                    "States, 365 for Russia)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gw_code__isnull=True) | Q(kind="state"),
                name="actor_gw_code_only_states",
                violation_error_message="Only a state has a Gleditsch–Ward code.",
            ),
            # One name names one actor, whatever its case; also serves the name-versus-alias
            # checks (ActorAlias.clean, the API's alias validation, the database trigger).
            models.UniqueConstraint(
                Lower("name"),
                name="actor_unique_name_ci",
                violation_error_message=(
                    "Another actor already has this name (ignoring case). If it is the same "
                    "actor, use that one; otherwise tell them apart, e.g. “Georgia (country)”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_slug()
        old_slug = None
        # Also for an instance made from a history record (restore): adding, yet stored.
        if self.pk is not None:
            old_slug = Actor.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **kwargs)
        if old_slug is not None and old_slug != self.slug:
            self._slug_changed(old_slug)

    def clean_fields(self, exclude=None) -> None:
        # Filled before the uniqueness checks, so that a clash names the slug.
        self.fill_slug()
        super().clean_fields(exclude)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.name:
            alias = ActorAlias.objects.named([self.name]).exclude(actor_id=self.pk)
            alias = alias.select_related("actor").first()
            if alias is not None:
                errors["name"] = (
                    f"“{alias.name}” is an alias of {alias.actor.name}: a name or an alias "
                    "names one actor. Use that actor, or remove the alias from it first."
                )
        if self.name and not self.slug:
            errors["slug"] = "No slug can be made from this name: enter one (letters a–z)."
        if self.slug:
            previous = ActorPreviousSlug.objects.filter(slug=self.slug).exclude(actor_id=self.pk)
            previous = previous.select_related("actor").first()
            if previous is not None:
                errors["slug"] = (
                    f"“{self.slug}” used to be the slug of {previous.actor.name} and still "
                    "leads there: choose another."
                )
        if self.pk is not None and self.kind:
            error = self._affiliation_forbidding_kind()
            if error:
                errors["kind"] = error
        if errors:
            raise ValidationError(errors)

    def fill_slug(self) -> None:
        """A blank slug is made from the name ("Israel–Hamas war" → israel-hamas-war)."""
        if not self.slug and self.name:
            self.slug = slugify_name(self.name)

    def _affiliation_forbidding_kind(self) -> str:
        """Why this actor cannot have its kind, given its stored affiliations (or "")."""
        if self.kind != self.Kind.PERSON:
            affiliation = self.affiliations.select_related("organization").first()
            if affiliation is not None:
                return (
                    f"This actor is affiliated as a person ({affiliation.role} of "
                    f"{affiliation.organization.name}): it stays a person while it has "
                    "affiliations."
                )
        else:
            membership = self.members.select_related("person").first()
            if membership is not None:
                return (
                    f"People are affiliated with this actor ({membership.person.name}, "
                    f"{membership.role}): a person cannot be the organization of an "
                    "affiliation."
                )
        return ""

    def _slug_changed(self, old_slug: str) -> None:
        """An old slug that published events showed keeps leading to this actor (API filters
        and links in analysts' scripts); taking an old slug back makes it current again."""
        ActorPreviousSlug.objects.filter(actor=self, slug=self.slug).delete()
        if self.is_shown_by_published():
            ActorPreviousSlug.objects.get_or_create(slug=old_slug, defaults={"actor": self})

    def is_shown_by_published(self) -> bool:
        return (
            self.pk is not None and Actor.objects.filter(pk=self.pk).shown_by_published().exists()
        )


class ActorPreviousSlug(models.Model):
    """A slug an actor had while published events showed it. It still names the actor: the
    API's filters accept it and ``/api/v1/actors/<old slug>/`` redirects to the actor."""

    slug = models.SlugField(max_length=100, unique=True)
    # An actor's old slugs go with it; an actor that published events show cannot be deleted.
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="previous_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.actor.slug}"


class ActorAliasQuerySet(NameQuerySetMixin, models.QuerySet):
    pass


class ActorAlias(ConstraintErrorsOnFieldsMixin, models.Model):
    """Another name an actor goes by in articles: a transliteration or a metonym (Kremlin)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    objects = ActorAliasQuerySet.as_manager()
    history = HistoricalRecords()

    constraint_fields = {"alias_unique_name_ci": "name"}

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]
        constraints = [
            # One alias names one actor, whatever its case; also serves alias look-ups.
            models.UniqueConstraint(
                Lower("name"),
                name="alias_unique_name_ci",
                violation_error_message="This alias already names an actor.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.actor}"

    def clean(self) -> None:
        if not self.name:
            return
        other = Actor.objects.named([self.name]).exclude(pk=self.actor_id).first()
        if other is not None:
            raise ValidationError({"name": alias_names_actor_message(self.name, other)})


def alias_names_actor_message(alias: str, actor: Actor) -> str:
    return (
        f"“{alias}” is the name of another actor ({actor.name}, {actor.slug}): a name or an "
        "alias names one actor."
    )


def not_a_person_message(actor: Actor) -> str:
    return (
        f"{actor.name} is a {actor.get_kind_display().lower()}: only a person is affiliated "
        "with a state or organization."
    )


class AffiliationQuerySet(models.QuerySet):
    def on(self, day) -> "AffiliationQuerySet":
        """Affiliations that held on ``day``; an open start or end means 'always'."""
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
        )


class Affiliation(ConstraintErrorsOnFieldsMixin, models.Model):
    """A person's role in a state or organization over time (Putin — President — Russia)."""

    person = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="affiliations")
    organization = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=200, help_text="e.g. President, presidential spokesperson")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    objects = AffiliationQuerySet.as_manager()
    history = HistoricalRecords()

    constraint_fields = {
        "affiliation_end_after_start": "end_date",
        "affiliation_not_self": "organization",
    }

    class Meta:
        ordering = ["person__name", "start_date"]
        constraints = [
            end_after_start(
                "start_date",
                "end_date",
                name="affiliation_end_after_start",
                message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(person=F("organization")),
                name="affiliation_not_self",
                violation_error_message="An actor cannot be affiliated with itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.role} — {self.organization}"

    def held_on(self, day) -> bool:
        """Whether it held on ``day``: AffiliationQuerySet.on's rule, for rows already read."""
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or self.end_date >= day
        )

    def clean(self) -> None:
        errors = {}
        person, organization = self._actor("person"), self._actor("organization")
        if person is not None and person.kind != Actor.Kind.PERSON:
            errors["person"] = not_a_person_message(person)
        if organization is not None and organization.kind == Actor.Kind.PERSON:
            errors["organization"] = (
                f"{organization.name} is a person: a person is affiliated with a state, "
                "government, organization, armed group or media, not with another person."
            )
        if errors:
            raise ValidationError(errors)

    def _actor(self, field: str) -> Actor | None:
        # The admin's inline sets an actor not saved yet (its id still None).
        try:
            return getattr(self, field)
        except Actor.DoesNotExist:
            return None
