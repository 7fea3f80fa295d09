"""Who acts: states, governments, people, organizations, armed groups and media."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Now
from simple_history.models import HistoricalRecords

from lib.models import ConstraintErrorsOnFieldsMixin

from .validators import validate_country_code, validate_wikidata_id


class ActorQuerySet(models.QuerySet):
    def matching_name(self, name: str) -> "ActorQuerySet":
        """Actors whose name or one of whose aliases is ``name``, ignoring case."""
        aliases = ActorAlias.objects.filter(actor=models.OuterRef("pk"), name__iexact=name)
        return self.filter(Q(name__iexact=name) | models.Exists(aliases))


class Actor(ConstraintErrorsOnFieldsMixin, models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT = "government", "Government"
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        ARMED_GROUP = "armed_group", "Armed group"
        MEDIA = "media", "Media"

    slug = models.SlugField(
        max_length=100, unique=True, help_text="Stable public key used by the API, e.g. russia."
    )
    name = models.CharField(max_length=200, help_text="The name most articles use.")
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
    ucdp_actor_id = models.PositiveIntegerField("UCDP actor ID", null=True, blank=True)
    # updated_after (incremental sync) on the API's lists.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    constraint_fields = {"actor_unique_wikidata_id": "wikidata_id"}

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="actor_unique_wikidata_id",
                violation_error_message="Another actor already has this Wikidata ID.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActorAlias(ConstraintErrorsOnFieldsMixin, models.Model):
    """Another name an actor goes by in articles: a transliteration or a metonym (Kremlin)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

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
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(person=F("organization")),
                name="affiliation_not_self",
                violation_error_message="An actor cannot be affiliated with itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.role} — {self.organization}"
