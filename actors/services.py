"""Rules about actors that the admin and the API share."""

import re
from dataclasses import dataclass

from .models import Actor, ActorAlias
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
            for candidate in candidates:
                found.setdefault(" ".join(candidate.split()).lower(), []).append(
                    (" ".join(candidate.split()), words[i][1])
                )
    if not found:
        return []
    hits: dict[int, NamedActor] = {}

    def consider(actor: Actor, stored: str) -> None:
        occurrences = [
            (written, position)
            for written, position in found.get(stored.lower(), [])
            if not stored.isupper() or written == stored
        ]
        if not occurrences:
            return
        written, position = min(occurrences, key=lambda o: o[1])
        best = hits.get(actor.pk)
        if best is None or position < best.position:
            hits[actor.pk] = NamedActor(actor=actor, words=written, position=position)

    for actor in Actor.objects.named(found):
        consider(actor, actor.name)
    for alias in ActorAlias.objects.named(found).select_related("actor"):
        consider(alias.actor, alias.name)
    return sorted(hits.values(), key=lambda hit: (hit.position, hit.actor.name))
