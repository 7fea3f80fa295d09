"""Atom feeds of a list's filters: ``…/feed.atom?<filters>`` on the timeline and on each kind.

A feed is what a reader subscribes to, so it shows published records only, whoever asks (a
signed-in editor's feed too: a feed reader would show drafts to whoever reads over the
editor's shoulder), and retracted records are no entries (``updated_after`` brings no
tombstones). Every filter of the list applies, through the same FilterSet and the same strict
checks of every parameter; ``ordering`` and ``fields`` are 400s (a feed is ordered by
``updated_at`` and its entries have fixed fields), and ``limit`` (1 to ``MAX_LIMIT``) says
how many entries, ``DEFAULT_LIMIT`` without it.

The entries are the newest records by ``updated_at`` then id. Each links to the record's API
detail (also its id), and its summary holds the event's summary and its first citation's
quote with the article. The queries are those of a list page: the rows, then one per
prefetch (participants, citations, …), however many entries.

Anonymous reads get ``ETag``/``Last-Modified`` and 304s from lib/httpcache.py, as every read
of the API.
"""

import datetime
import re
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from lib.filters import EMPTY, REPEATED, positive_int

from ..models import Event, Participant
from .exports import JSONErrorsOnly
from .serializers import KIND_ENDPOINTS

ATOM_MEDIA_TYPE = "application/atom+xml"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LIMIT_PARAM = "limit"
# Parameters that choose no entry: not in the feed's title nor its link to the list.
NOT_FILTERS = (LIMIT_PARAM, "format")
# Parameters of a list that mean nothing to a feed: refused rather than ignored.
REFUSED = {
    "ordering": "A feed is ordered by updated_at, newest first: leave ordering out.",
    "fields": "A feed's entries have fixed fields: leave fields out.",
}
TITLE = "Ceasefire tracker"
# The feed's <updated> when it has no entry: fixed, so that an empty feed reads the same.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Who an entry's author is, by kind (a response's author is its responder).
AUTHOR_ROLES = {
    Event.Kind.PROPOSAL: Participant.Role.PROPOSER,
    Event.Kind.MEETING: Participant.Role.HOST,
    Event.Kind.ACCUSATION: Participant.Role.ACCUSER,
}
# What XML 1.0 cannot hold (control characters, noncharacters): dropped from any text.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DATE_LENGTH = {Event.Precision.DAY: 10, Event.Precision.MONTH: 7, Event.Precision.YEAR: 4}


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


class TrackerFeed(Atom1Feed):
    def latest_post_date(self):
        # Django's default for a feed without entries is the time now.
        return super().latest_post_date() if self.items else EPOCH


def dated(event) -> str:
    """The event's date as precise as it is known: 2025-04-19, 2025-03 or 2025."""
    return event.date.isoformat()[: DATE_LENGTH.get(event.date_precision, 10)]


def authors(event) -> list[str]:
    """The names of who made the record: proposers, accusers, a meeting's host, a
    response's responder (prefetched or joined by the list's queryset)."""
    if event.kind == Event.Kind.RESPONSE:
        response = event if hasattr(event, "responder_id") else event.as_response
        return [response.responder.name] if response.responder else []
    role = AUTHOR_ROLES.get(event.kind)
    return [p.actor.name for p in event.participants.all() if p.role == role]


def citation_html(citation) -> str:
    """A quote and where it comes from: who said it, who relayed it, the article."""
    said = []
    if citation.speaker is not None:
        said.append(citation.speaker.name)
    if citation.via is not None:
        said.append(f"via {citation.via.name}")
    source = citation.source
    article = (
        format_html('<a href="{}">{}</a>', source.url, source.title)
        if source.url
        else format_html("{}", source.title)
    )
    if source.published_at:
        article = format_html("{}, {}", article, source.published_at.date().isoformat())
    by = format_html("{}, ", " ".join(said)) if said else ""
    return format_html("<blockquote>“{}”</blockquote><p>— {}{}</p>", citation.quote, by, article)


def entry_html(event) -> str:
    """An entry's summary as HTML: the event's date and conflict, its summary, and the first
    citation's quote with its source."""
    parts = [format_html("<p>{} · {}</p>", dated(event), event.conflict.name)]
    if event.summary:
        parts.append(linebreaks(event.summary, autoescape=True))
    citations = list(event.citations.all())
    if citations:
        parts.append(citation_html(citations[0]))
    return "".join(parts)


class FeedMixin:
    """``feed.atom`` for an event list viewset: its newest published records matching the
    request's filters, as an Atom feed."""

    # The parameters an action reads itself (lib/filters.py); the feed sets its own.
    extra_query_params: tuple[str, ...] = ()

    def _feed_limit(self) -> int:
        values = self.request.query_params.getlist(LIMIT_PARAM)
        if not values:
            return DEFAULT_LIMIT
        if len(values) > 1:
            raise ValidationError({LIMIT_PARAM: [REPEATED]})
        if not values[0].strip():
            raise ValidationError({LIMIT_PARAM: [EMPTY]})
        try:
            return positive_int(values[0], MAX_LIMIT)
        except forms.ValidationError as error:
            raise ValidationError({LIMIT_PARAM: list(error.messages)}) from error

    def _feed_entries(self) -> list:
        """The entries' records, every error of the request in one 400."""
        errors = {}
        limit = rows = None
        try:
            rows = self.filter_queryset(self.get_queryset())
        except ValidationError as error:
            errors.update(error.detail)
        try:
            limit = self._feed_limit()
        except ValidationError as error:
            errors.update(error.detail)
        params = self.request.query_params
        errors.update({name: [why] for name, why in REFUSED.items() if name in params})
        if errors:
            raise ValidationError(errors)
        return list(rows.order_by("-updated_at", "-pk")[:limit])

    def _feed_title(self) -> str:
        listed = self.request.path.rstrip("/").split("/")[-2]
        parts = [] if listed == "events" else [listed]
        parts += [
            f"{name}={','.join(values)}"
            for name, values in self.request.query_params.lists()
            if name not in NOT_FILTERS
        ]
        return f"{TITLE} — {', '.join(parts) or 'all events'}"

    def _feed_entry(self, feed, event) -> None:
        url = self.request.build_absolute_uri(
            reverse(f"{KIND_ENDPOINTS[event.kind]}-detail", args=[event.pk])
        )
        names = authors(event)
        feed.add_item(
            title=xml_text(f"{event.get_kind_display()}: {event.title}"),
            link=url,
            unique_id=url,
            description=xml_text(entry_html(event)),
            updateddate=event.updated_at,
            author_name=xml_text(", ".join(names)) if names else None,
            categories=[event.kind, event.conflict.slug],
        )

    @extend_schema(
        filters=True,
        request=None,
        parameters=[
            OpenApiParameter(
                LIMIT_PARAM,
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                description=f"How many entries, the newest (default {DEFAULT_LIMIT}).",
            ),
            # The feed's order and fields are its own.
            OpenApiParameter("ordering", exclude=True),
        ],
        responses={(200, ATOM_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR)},
        description=(
            "The newest published records matching the list's filters, as an Atom feed to "
            "subscribe to: newest first by updated_at, each entry linking to the record's "
            "detail, with its summary and first citation. Drafts, records in review and "
            "retracted records are never entries, whoever asks."
        ),
    )
    @action(
        detail=False,
        url_path="feed.atom",
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=JSONErrorsOnly,
        # Read by the view (events/api/views.py): published rows only, no tombstones.
        published_only=True,
        extra_query_params=(LIMIT_PARAM,),
    )
    def feed_atom(self, request, *args, **kwargs):
        entries = self._feed_entries()
        here = request.build_absolute_uri()
        shown = [(k, v) for k, v in request.query_params.lists() if k not in NOT_FILTERS]
        listed = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
        feed = TrackerFeed(
            title=xml_text(self._feed_title()),
            link=f"{listed}?{urlencode(shown, doseq=True)}" if shown else listed,
            description="",
            feed_url=here,
            feed_guid=here,
            author_name=TITLE,
        )
        for event in entries:
            self._feed_entry(feed, event)
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        return response
