"""Keep what events derive from other rows true when those rows change.

An event's API row carries its actors' slugs and its citations' source URLs; when those change,
the events showing them count as changed, so that ``updated_after`` mirrors fetch them again.

An event's search document (events.search) holds its citations' quotes, its actors' names
and aliases and its locations' names: a change of any of them rewrites the documents of the
events concerned.
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from actors.models import Actor, ActorAlias
from lib.dataversion import data_changed

from .models import Citation, Event, Location, Participant, Source
from .search import refresh_documents_naming, refresh_search_documents

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


# --- the data version ------------------------------------------------------------------------

# The apps whose rows the API shows: any write of theirs is a new data version.
CURATED_APPS = {"events", "actors"}


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def new_data_version(sender, using=None, **kwargs):
    """Every path that writes curated data (the admin, the API, imports, merges, workflow
    steps, deletes) saves or deletes a row of these apps or changes one of their links: the
    HTTP validators and the cached aggregates (lib/dataversion.py) change with it."""
    if sender._meta.app_label in CURATED_APPS:
        data_changed(using)


# --- search documents ------------------------------------------------------------------------


@receiver(post_save)
def refresh_loaded_event(sender, instance, raw=False, **kwargs):
    # Event.save refreshes; a fixture (loaddata) writes rows without it.
    if raw and isinstance(instance, Event):
        refresh_search_documents([instance.pk])


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
@receiver(post_save, sender=Participant)
@receiver(post_delete, sender=Participant)
@receiver(post_save, sender=Location)
@receiver(post_delete, sender=Location)
def refresh_event_of_row(sender, instance, **kwargs):
    # A row deleted with its event (a cascade) refreshes an event about to go, or gone: an
    # UPDATE of no row.
    refresh_search_documents([instance.event_id])


@receiver(pre_save, sender=Actor)
@receiver(pre_save, sender=ActorAlias)
def remember_searched_values(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    fields = ("name",) if sender is Actor else ("name", "actor_id")
    instance._searched_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


@receiver(post_save, sender=Actor)
def refresh_events_naming_actor(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_searched_before", None)
    if not created and (raw or before is None or before["name"] != instance.name):
        refresh_documents_naming([instance.pk])


@receiver(post_save, sender=ActorAlias)
@receiver(post_delete, sender=ActorAlias)
def refresh_events_naming_alias(sender, instance, **kwargs):
    before = getattr(instance, "_searched_before", None) or {}
    actors = {instance.actor_id, before.get("actor_id", instance.actor_id)}
    refresh_documents_naming(actors)
