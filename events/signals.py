"""Keep ``updated_at`` of events true when what their rows show changes elsewhere.

An event's API row carries its actors' slugs and its citations' source URLs; when those change,
the events showing them count as changed, so that ``updated_after`` mirrors fetch them again.
"""

from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from actors.models import Actor

from .models import Event, Source

# The fields of each model that event rows show.
SHOWN = {Source: ("url", "archive_url", "title"), Actor: ("slug",)}


def _events_showing(instance):
    if isinstance(instance, Source):
        return Event.objects.filter(citations__source=instance)
    return Event.objects.filter(
        Q(participants__actor=instance)
        | Q(citations__speaker=instance)
        | Q(citations__via=instance)
        | Q(as_response__responder=instance)
    )


@receiver(pre_save, sender=Source)
@receiver(pre_save, sender=Actor)
def remember_shown_values(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._shown_before = (
        sender.objects.filter(pk=instance.pk).values_list(*SHOWN[sender]).first()
    )


@receiver(post_save, sender=Source)
@receiver(post_save, sender=Actor)
def touch_events_showing(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_shown_before", None)
    if raw or created or before is None:
        return
    if before != tuple(getattr(instance, name) for name in SHOWN[sender]):
        ids = _events_showing(instance).values("pk")
        Event.objects.filter(pk__in=ids).update(updated_at=timezone.now())
