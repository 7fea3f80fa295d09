"""Rules about actors that the admin and the API share, and merging duplicate actors."""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .models import Actor, ActorAlias, ActorPreviousSlug, Affiliation
from .pickers import actor_label

# What published events show of an actor: readers know it by its name, analysts' scripts by
# its slug.
ACTOR_PUBLIC_FIELDS = ("name", "slug")

LOCKED_MESSAGE = "Published events show this actor: a reviewer changes its {field}."


def actor_locked_for(user, actor: Actor) -> bool:
    """An actor that published events show keeps its name and slug unless a reviewer (a user
    who may publish events) changes them."""
    if actor.pk is None or user.has_perm("events.publish_event"):
        return False
    return actor.is_shown_by_published()


# Words as articles write names: "Rapid Support Forces", "al-Burhan", "U.S", "O'Neill".
WORD = re.compile(r"\w+(?:[-'’.]\w+)*")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
INITIALS = re.compile(r"(?:\w\.)+\w")
# The longest name looked up, in words ("Democratic Forces for the Liberation of Rwanda").
MAX_NAME_WORDS = 7


@dataclass
class NamedActor:
    actor: Actor
    words: str  # as the article writes them
    position: int  # where they first occur

    @property
    def label(self) -> str:
        """How the actor pickers show it."""
        return actor_label(self.actor)


def actors_named_in(text: str) -> list[NamedActor]:
    """The actors whose name or an alias occurs in ``text`` as whole words, in the order they
    first occur.

    Case is ignored, except for names written in capitals ("US", "RSF"), which match only in
    capitals (so "us" is not the United States). A possessive ("Sudan's") names its owner.
    Names are looked up through the unique index on their lowered form: two queries whatever
    the number of actors.
    """
    return actors_named_in_each([text])[0]


def actors_named_in_each(texts: list[str]) -> list[list[NamedActor]]:
    """``actors_named_in`` for each of ``texts``, in the same two queries for all of them (an
    event form shows every article it cites)."""
    found_in = [_written_names(text) for text in texts]
    names = {name for found in found_in for name in found}
    if not names:
        return [[] for _ in texts]
    stored = [(actor, actor.name) for actor in Actor.objects.named(names)]
    stored += [
        (alias.actor, alias.name)
        for alias in ActorAlias.objects.named(names).select_related("actor")
    ]
    return [_hits(found, stored) for found in found_in]


def _written_names(text: str) -> dict[str, list[tuple[str, int]]]:
    """Every run of up to MAX_NAME_WORDS words of ``text`` that may be a name, lowered: the
    ways it is written and where."""
    words = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    found: dict[str, list[tuple[str, int]]] = {}
    for i in range(len(words)):
        for n in range(1, MAX_NAME_WORDS + 1):
            # A name runs over spaces only, never over a comma or a full stop.
            if i + n > len(words):
                break
            if n > 1 and not text[words[i + n - 2][2] : words[i + n - 1][1]].isspace():
                break
            written = text[words[i][1] : words[i + n - 1][2]]
            candidates = {written, POSSESSIVE.sub("", written)}
            # Initials end with their full stop ("U.S.", "U.N."), which WORD leaves out.
            if INITIALS.fullmatch(written) and text[words[i + n - 1][2] :][:1] == ".":
                candidates.add(f"{written}.")
            for candidate in candidates:
                found.setdefault(" ".join(candidate.split()).lower(), []).append(
                    (" ".join(candidate.split()), words[i][1])
                )
    return found


def _hits(found, stored: list[tuple[Actor, str]]) -> list[NamedActor]:
    """The actors of ``stored`` (an actor and one of its names) that ``found`` holds."""
    hits: dict[int, NamedActor] = {}
    for actor, name in stored:
        occurrences = [
            (written, position)
            for written, position in found.get(name.lower(), [])
            if not name.isupper() or written == name
        ]
        if not occurrences:
            continue
        written, position = min(occurrences, key=lambda o: o[1])
        best = hits.get(actor.pk)
        if best is None or position < best.position:
            hits[actor.pk] = NamedActor(actor=actor, words=written, position=position)
    return sorted(hits.values(), key=lambda hit: (hit.position, hit.actor.name))


# --- merging duplicates ----------------------------------------------------------------------

MERGE_PERMISSION = "events.publish_event"


@dataclass
class ActorMerge:
    """What a merge moved to the kept actor, and the rows it merged (would have been twice)."""

    kept: Actor
    merged: list[str] = field(default_factory=list)  # the duplicates' names
    moved: Counter = field(default_factory=Counter)
    collapsed: Counter = field(default_factory=Counter)
    event_ids: set[int] = field(default_factory=set)

    def describe(self) -> str:
        moved = ", ".join(f"{n} {label}" for label, n in self.moved.items() if n) or "nothing"
        text = f"Merged {', '.join(self.merged)} into {self.kept.name}: moved {moved}."
        if self.collapsed:
            same = ", ".join(f"{n} {label}" for label, n in self.collapsed.items())
            text += f" Already the kept actor's, so merged: {same}."
        return text


# What a merge moves, by the words the merge page and its message use.
PARTICIPATIONS = "participations"
SPEAKER = "citations as speaker"
VIA = "citations as relay (via)"
RESPONSES = "responses as responder"
PARTIES = "conflicts as a party"
OUTLET = "articles as outlet"
AS_PERSON = "affiliations as a person"
AS_ORGANIZATION = "affiliations as the organization"
ALIASES = "aliases"
OLD_SLUGS = "old slugs"
# Fields of the kept actor a duplicate fills when the kept one has none.
FILLED_FIELDS = ("country", "description", "wikidata_id", "ucdp_actor_id")


def actor_references(actor: Actor) -> dict[str, int]:
    """What points to ``actor``: what merging it into another actor moves."""
    from events.models import Citation, ConflictParty, Participant, Response, Source

    return {
        PARTICIPATIONS: Participant.objects.filter(actor=actor).count(),
        SPEAKER: Citation.objects.filter(speaker=actor).count(),
        VIA: Citation.objects.filter(via=actor).count(),
        RESPONSES: Response.objects.filter(responder=actor).count(),
        PARTIES: ConflictParty.objects.filter(actor=actor).count(),
        OUTLET: Source.objects.filter(outlet=actor).count(),
        AS_PERSON: Affiliation.objects.filter(person=actor).count(),
        AS_ORGANIZATION: Affiliation.objects.filter(organization=actor).count(),
        ALIASES: actor.aliases.count(),
        OLD_SLUGS: actor.previous_slugs.count(),
    }


def _save_moved(row, user, reason: str, fields: list[str]) -> None:
    """One row written with its history (who, and why), not a bulk update without one."""
    row._history_user = user
    row._change_reason = reason
    row.save(update_fields=fields)


def _move(result, row, name: str, label: str, user, reason: str, collides: bool) -> None:
    """Point ``row``'s ``name`` to the kept actor; delete it instead when the kept actor
    already has the same row (``collides``)."""
    if collides:
        _deleted(row, user, reason)
        result.collapsed[label] += 1
    else:
        setattr(row, name, result.kept)
        _save_moved(row, user, reason, [name])
        result.moved[label] += 1


def _deleted(row, user, reason: str) -> None:
    row._history_user = user
    row._change_reason = reason
    row.delete()


def _merge_refusal(kept: Actor, duplicate: Actor) -> str | None:
    """Why ``duplicate`` cannot become ``kept`` (rules a move would break), or None."""
    from events.models import Participant

    if kept.kind != Actor.Kind.PERSON and duplicate.affiliations.exists():
        return (
            f"{duplicate.name} is affiliated as a person and {kept.name} is a "
            f"{kept.get_kind_display().lower()}: keep a person, or end those affiliations first."
        )
    if kept.kind == Actor.Kind.PERSON and duplicate.members.exclude(person=kept).exists():
        return (
            f"People are affiliated with {duplicate.name} and {kept.name} is a person: keep "
            "the organization, or move those affiliations first."
        )
    if kept.kind != Actor.Kind.MEDIA and duplicate.articles.exists():
        return (
            f"{duplicate.name} is the outlet of articles and {kept.name} is a "
            f"{kept.get_kind_display().lower()}: an outlet is a media organization."
        )
    roles = (Participant.Role.ACCUSER, Participant.Role.ACCUSED)
    accusations = Participant.objects.filter(actor=kept, role__in=roles)
    crossed = (
        Participant.objects.filter(actor=duplicate, role__in=roles)
        .filter(
            models.Exists(
                accusations.filter(event=models.OuterRef("event")).exclude(
                    role=models.OuterRef("role")
                )
            )
        )
        .select_related("event")
        .first()
    )
    if crossed is not None:
        return (
            f"In “{crossed.event.title}” (event {crossed.event_id}) {duplicate.name} and "
            f"{kept.name} accuse each other: merged, the actor would accuse itself. Correct that "
            "record first."
        )
    return None


@transaction.atomic
def merge_actors(kept: Actor, duplicates, user) -> ActorMerge:
    """Merge ``duplicates`` into ``kept``: everything that points to a duplicate points to the
    kept actor, the duplicate's name becomes its alias and its slugs its old slugs (they keep
    leading to it in the API), then the duplicate is deleted.

    A row that would be there twice after the move (the same actor in the same role on an
    event, a party twice to a conflict, an alias equal to the kept name) is merged into the
    kept actor's. Each moved row gets a version in its history saying so, by ``user``; the
    kept actor's history records the merge, and each duplicate's ends with its deletion
    ("Merged into …"). The duplicates' own versions stay under their ids: moved into the kept
    actor's history they would offer its old names and slugs to History → Restore.

    Only reviewers (who may publish events) merge. Every actor concerned is locked first.
    """
    from events.models import Citation, ConflictParty, Event, Participant, Response, Source
    from events.search import refresh_documents_naming

    if not user.has_perm(MERGE_PERMISSION):
        raise PermissionDenied("Only reviewers merge actors.")
    ids = [a.pk for a in duplicates if a.pk != kept.pk]
    if not ids:
        raise ValidationError("Choose at least one duplicate besides the actor to keep.")
    locked = {
        a.pk: a
        for a in Actor.objects.select_for_update().filter(pk__in=[kept.pk, *ids]).order_by("pk")
    }
    if kept.pk not in locked or len(locked) != len(set(ids)) + 1:
        raise ValidationError("An actor to merge was deleted meanwhile: select them again.")
    kept = locked[kept.pk]
    result = ActorMerge(kept=kept)
    for duplicate in (locked[pk] for pk in sorted(set(ids))):
        refusal = _merge_refusal(kept, duplicate)
        if refusal:
            raise ValidationError(refusal)
        reason = f"{duplicate.name} ({duplicate.slug}) merged into {kept.name} ({kept.slug})"
        result.merged.append(duplicate.name)

        def move(row, name: str, label: str, collides: bool = False) -> None:
            _move(result, row, name, label, user, reason, collides)  # noqa: B023 (used here)

        for row in Participant.objects.filter(actor=duplicate):
            result.event_ids.add(row.event_id)
            same = Participant.objects.filter(event_id=row.event_id, actor=kept, role=row.role)
            move(row, "actor", PARTICIPATIONS, same.exists())
        for name, label in (("speaker", SPEAKER), ("via", VIA)):
            for row in Citation.objects.filter(**{name: duplicate}):
                result.event_ids.add(row.event_id)
                move(row, name, label)
        for row in Response.objects.filter(responder=duplicate):
            result.event_ids.add(row.pk)
            move(row, "responder", RESPONSES)
        for row in ConflictParty.objects.filter(actor=duplicate):
            same = ConflictParty.objects.filter(conflict_id=row.conflict_id, actor=kept)
            move(row, "actor", PARTIES, same.exists())
        for row in Source.objects.filter(outlet=duplicate):
            move(row, "outlet", OUTLET)
        sides = (("person", "organization", AS_PERSON), ("organization", "person", AS_ORGANIZATION))
        for side, other, label in sides:
            for row in Affiliation.objects.filter(**{side: duplicate}):
                counterpart = getattr(row, f"{other}_id")
                twin = Affiliation.objects.filter(
                    **{side: kept, other: counterpart},
                    role=row.role,
                    start_date=row.start_date,
                    end_date=row.end_date,
                )
                # The duplicate affiliated with the kept actor, or the same affiliation.
                move(row, side, label, counterpart == kept.pk or twin.exists())
        for row in ActorAlias.objects.filter(actor=duplicate):
            move(row, "actor", ALIASES, row.name.lower() == kept.name.lower())
        result.moved[OLD_SLUGS] += ActorPreviousSlug.objects.filter(actor=duplicate).update(
            actor=kept
        )

        name, slug = duplicate.name, duplicate.slug
        _deleted(duplicate, user, f"Merged into {kept.name} ({kept.slug})")
        for blank in FILLED_FIELDS:  # after the delete: a Wikidata ID is unique
            if getattr(kept, blank) in ("", None) and getattr(duplicate, blank) not in ("", None):
                setattr(kept, blank, getattr(duplicate, blank))
        # Free now: the duplicate's name and slug keep leading to the kept actor.
        ActorPreviousSlug.objects.create(actor=kept, slug=slug)
        result.moved[OLD_SLUGS] += 1
        if name.lower() != kept.name.lower() and not kept.aliases.named([name]).exists():
            alias = ActorAlias(actor=kept, name=name)
            alias._history_user = user
            alias._change_reason = reason
            alias.save()
            result.moved[ALIASES] += 1

    kept._history_user = user
    kept._change_reason = f"Merged {', '.join(result.merged)} into this actor"
    kept.save()
    # The events that showed a duplicate now show the kept actor's slug: changed for mirrors.
    Event.objects.filter(pk__in=result.event_ids).update(updated_at=timezone.now())
    # q finds the kept actor's events by the duplicates' names, now its aliases.
    refresh_documents_naming([kept.pk])
    return result
