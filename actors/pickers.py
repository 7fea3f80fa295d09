"""The admin's actor pickers: the right actor first, each option with its kind and country.

Every link to an actor in the admin (participants, a citation's speaker and relay, a
response's responder, conflict parties, affiliations, a source's outlet) is picked from these
options instead of Django's name-sorted substring matches:

- ranked for the term typed: an exact name or alias first (ignoring case and a leading
  "the": "kremlin" is "the Kremlin"), then names and aliases starting with it, then those
  with a word starting with it, then any other match; ties by name; each actor once, by its
  best match;
- an option reads ``Russia · State · RUS`` (name · kind · country as stored; without a
  country ``Hamas · Armed group``); found by an alias it reads
  ``the Kremlin → Russia · State · RUS``; the value chosen reads the plain label;
- a term with no exact match ends the last page with ``Add actor “<term>”…`` for
  users who may add actors: ``static/actors/actor_pickers.js`` opens Django's add-actor
  popup with the name filled in, and the actor saved there becomes the picker's value.
"""

import json
from urllib.parse import urlencode

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce, Least, Lower
from django.http import JsonResponse
from django.urls import reverse

from lib.pickers import Picker, PickerUrlsMixin, PickerView

from .models import Actor, ActorAlias

# How well a name or an alias matches the term, best first.
EXACT, PREFIX, WORD_PREFIX, SUBSTRING, OTHER = range(5)

# What starts a word within a name: "Belarus–Russia Union State", "Georgia (country)".
WORD_STARTS = (" ", "-", "–", "(")

# The value of the option that adds an actor; no actor's id.
ADD_VALUE = "add"


def actor_label(actor: Actor) -> str:
    """How an actor reads in a picker: ``Russia · State · RUS``, ``Hamas · Armed group``.

    Reads only the actor's own fields: a row's loaded actor is labelled without a query.
    """
    return " · ".join(filter(None, [actor.name, actor.get_kind_display(), actor.country]))


ACTOR_PICKER = Picker(model=Actor, label=actor_label, js="actors/actor_pickers.js")


def exactly(field: str, term: str) -> Q:
    """``field`` is ``term`` ignoring case, or ``term`` after "the " ("kremlin" is "the
    Kremlin": editors type the name without the article)."""
    return Q(**{f"{field}__iexact": term}) | Q(**{f"{field}__iexact": f"the {term}"})


def match_rank(field: str, term: str) -> Case:
    """How ``field`` matches ``term`` (ignoring case): EXACT … SUBSTRING, else OTHER."""
    word_prefix = Q()
    for start in WORD_STARTS:
        word_prefix |= Q(**{f"{field}__icontains": start + term})
    return Case(
        When(exactly(field, term), then=Value(EXACT)),
        When(Q(**{f"{field}__istartswith": term}), then=Value(PREFIX)),
        When(word_prefix, then=Value(WORD_PREFIX)),
        When(Q(**{f"{field}__icontains": term}), then=Value(SUBSTRING)),
        default=Value(OTHER),
        output_field=IntegerField(),
    )


def ranked(actors: QuerySet, term: str) -> QuerySet:
    """``actors`` best match for ``term`` first, then by name.

    Each actor is annotated with ``name_rank``, ``rank`` (that of its name or its best
    matching alias, whichever is better) and ``alias_name``, its best matching alias: one
    query, with two subqueries per actor over its aliases (plain SQL that SQLite and
    PostgreSQL both run).
    """
    term = term.strip()
    if not term:
        return actors.order_by(Lower("name"), "pk")
    best_aliases = (
        ActorAlias.objects.filter(actor=OuterRef("pk"), name__icontains=term)
        .annotate(rank=match_rank("name", term))
        .order_by("rank", Lower("name"), "pk")
    )
    alias_rank = Coalesce(Subquery(best_aliases.values("rank")[:1]), Value(OTHER))
    return actors.annotate(
        name_rank=match_rank("name", term),
        rank=Least(match_rank("name", term), alias_rank),
        alias_name=Subquery(best_aliases.values("name")[:1]),
    ).order_by("rank", Lower("name"), "pk")


class ActorAutocompleteView(PickerView):
    """The actor pickers' options: Django's autocomplete (its parameters, its permission
    checks, its search as the set of actors found) ranked and labelled as above."""

    picker = ACTOR_PICKER

    def get_queryset(self):
        found = super().get_queryset()
        # The actors Django's search finds (names, aliases, slugs, Wikidata IDs), once each
        # (the alias join repeats them) and without the changelist's alias prefetch.
        actors = Actor.objects.filter(pk__in=found.values("pk"))
        return ranked(actors, self.term)

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = result["text"]
        if getattr(obj, "rank", OTHER) < getattr(obj, "name_rank", OTHER):
            result["text"] = f"{obj.alias_name} → {label}"
        # What the chosen value reads (actor_pickers.js): the label, without the alias.
        return {**result, "label": label}

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        body = json.loads(response.content)
        if body["pagination"]["more"]:
            return response
        add = self.add_option()
        if add is None:
            return response
        # The last option of the last page.
        return JsonResponse({**body, "results": [*body["results"], add]})

    def add_option(self) -> dict | None:
        """``Add actor “<term>”…`` when no actor has the term as its name or an alias (as
        ``exactly`` matches) and the user may add actors; its ``add_url`` opens the
        add-actor popup with the name."""
        name = self.term.strip()
        if not name or not self.model_admin.has_add_permission(self.request):
            return None
        # An exact match (it would be the first option): the actor is there already.
        if Actor.objects.filter(exactly("name", name) | exactly("aliases__name", name)).exists():
            return None
        params = {
            "_popup": 1,
            "_to_field": Actor._meta.pk.attname,
            "name": name,
            **self._required_values(),
        }
        add_url = reverse(f"{self.admin_site.name}:actors_actor_add")
        return {
            "id": ADD_VALUE,
            "text": f"Add actor “{name}”…",
            "add_url": f"{add_url}?{urlencode(params)}",
        }

    def _required_values(self) -> dict:
        """The values the link field requires of an actor (a source's outlet is media),
        filled in the add form too."""
        limit = self.source_field.get_limit_choices_to()
        if not isinstance(limit, dict):
            return {}
        fields = {field.name for field in Actor._meta.concrete_fields}
        return {key: value for key, value in limit.items() if key in fields}


class ActorAutocompleteMixin(PickerUrlsMixin):
    """For ActorAdmin: serves the actor pickers' options at ``…/actor/autocomplete/``."""

    picker_view = ActorAutocompleteView
