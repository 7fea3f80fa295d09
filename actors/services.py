"""Rules about actors that the admin and the API share."""

from .models import Actor

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
