"""A conflict's timeline (``/conflicts/<slug>/timeline/``) as server-rendered SVG: one lane
per main actor, a mark per published event.

The layout is computed here, in plain functions the tests call directly; the template
(front/timeline.html) only draws what ``build_timeline`` returns.

- Lanes (``assign_lanes``): the conflict's parties first, then the mediators and hosts of the
  events shown, then any other actor an event is placed by, then "Others" — at most MAX_LANES
  in all, the last ones collapsing into "Others". An event by a person goes on the lane of the
  state or organization the person is affiliated with on the event's date (Putin's on
  Russia's); a mediated proposal with no proposer on its mediator's.
- The x-scale (``Scale``) maps days to pixels: a day is a slot of ``per_day`` pixels.
- Marks (``item_for``): a proposal is a bar over its effective period (solid), else over its
  proposed period (hatched), else a mark at its date; responses, accusations and meetings are
  marks (a meeting over several days a bar). A date known to the month only is a faint dashed
  span over that month with the kind's mark at its start. Bars partly in the range are clipped.
- Clustering (``cluster``): on one lane, marks of one kind starting less than CLUSTER_PX after
  the first of a group join it; a group of CLUSTER_MIN or more is drawn as one mark with its
  count, linking to the API's list of those events.
- Rows (``place_rows``): marks and their labels go in rows of their lane so that none overlap;
  a lane has at most MAX_ROWS rows, beyond which labels are left out.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import Actor, Affiliation
from events.models import Citation, Conflict, Event, Meeting, Participant, Proposal, Response

from .charts import Period
from .links import api_list, public

# Geometry, in SVG user units (pixels at 100% zoom).
WIDTH = 1340
PLOT_LEFT = 150
PLOT_RIGHT = 1160  # labels may run on to WIDTH
AXIS_HEIGHT = 30
ROW_HEIGHT = 24
LANE_PAD = 6
MAX_ROWS = 5
MAX_LANES = 8
LABEL_CHARS = 46
CHAR_WIDTH = 6.6  # of the 12px sans-serif labels, on average
LABEL_GAP = 5
MARK_SIZE = 6  # a point mark's half-width
CLUSTER_PX = 4
CLUSTER_MIN = 3
MAX_TICKS = 24
MIN_WEEK_PX = 35  # narrower weeks have no day ticks
QUOTE_CHARS = 300
# A longer range is refused: its month axis would be illegible and its scale meaningless.
MAX_RANGE_DAYS = 366 * 50

PARTY, MEDIATOR, OTHER = "party", "mediator", "other"
OTHERS = "others"
KIND_PLURALS = {
    Event.Kind.PROPOSAL: "proposals",
    Event.Kind.RESPONSE: "responses",
    Event.Kind.MEETING: "meetings",
    Event.Kind.ACCUSATION: "accusations",
}
DETAIL_ROUTES = {
    Event.Kind.PROPOSAL: "proposal-detail",
    Event.Kind.RESPONSE: "response-detail",
    Event.Kind.MEETING: "meeting-detail",
    Event.Kind.ACCUSATION: "accusation-detail",
}
# The roles that place an event on a lane, by kind, in order of preference.
LANE_ROLES = {
    Event.Kind.PROPOSAL: (Participant.Role.PROPOSER, Participant.Role.MEDIATOR),
    Event.Kind.RESPONSE: (Participant.Role.RESPONDER,),
    Event.Kind.MEETING: (
        Participant.Role.MEDIATOR,
        Participant.Role.HOST,
        Participant.Role.DELEGATION,
    ),
    Event.Kind.ACCUSATION: (Participant.Role.ACCUSER,),
}
MEDIATOR_ROLES = (Participant.Role.MEDIATOR, Participant.Role.HOST)


def default_range(conflict: Conflict) -> tuple[datetime.date, datetime.date]:
    """The span of the conflict's published events (their dates and proposals' periods),
    padded on each side by a twentieth of it, at least a week. One query."""
    span = (
        Event.objects.published()
        .filter(conflict=conflict)
        .aggregate(
            first=Min("date"),
            first_start=Min("as_proposal__effective_from"),
            first_proposed=Min("as_proposal__proposed_start"),
            last=Max("period_end"),
            last_end=Max("as_proposal__ended_on"),
            last_proposed=Max("as_proposal__proposed_end"),
        )
    )
    firsts = [span[key] for key in ("first", "first_start", "first_proposed") if span[key]]
    lasts = [span[key] for key in ("last", "last_end", "last_proposed") if span[key]]
    if not firsts:
        today = datetime.date.today()
        return today - datetime.timedelta(days=60), today
    first, last = min(firsts), max(lasts)
    pad = max(7, (last - first).days // 20)
    return shift(first, -pad), shift(last, pad)


def shift(day: datetime.date, days: int) -> datetime.date:
    """``day`` moved by ``days``, stopping at the calendar's ends."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.min if days < 0 else datetime.date.max


# Reading the events: a constant number of queries, whatever their number.


def timeline_events(conflict: Conflict, first: datetime.date, last: datetime.date) -> list[Event]:
    """The conflict's published events any part of which falls in [first, last] (their dated
    period, or a proposal's period as ``proposal_period`` reads it), oldest first. Three
    queries: the events with their kind's row and responder, their participants with their
    actors, their citations."""
    effective = (
        Q(effective_from__isnull=False, effective_from__lte=last)
        & (Q(ended_on__gte=first) | Q(ended_on__isnull=True))
        & (Q(ended_on__isnull=False) | Q(proposed_end__isnull=True) | Q(proposed_end__gte=first))
    )
    proposed = Q(
        effective_from__isnull=True, proposed_start__isnull=False, proposed_start__lte=last
    ) & (Q(proposed_end__isnull=True) | Q(proposed_end__gte=first))
    by_period = Proposal.objects.filter(conflict=conflict).filter(effective | proposed)
    published = Event.objects.published().filter(conflict=conflict)
    events = (
        (published.overlapping(first, last) | published.filter(pk__in=by_period.values("pk")))
        .select_related("as_proposal", "as_response__responder", "as_meeting", "as_accusation")
        .prefetch_related(
            # The lanes' actors: one query for every event's participants.
            Prefetch("participants", queryset=Participant.objects.select_related("actor")),
            # The tooltips' first quotes: one query for every event's citations.
            Prefetch("citations", queryset=Citation.objects.only("id", "event_id", "quote")),
        )
        .order_by("date", "id")
    )
    return list(events)


def meeting_links(events: list[Event]) -> dict[int, list[int]]:
    """The proposals each meeting among ``events`` produced or discussed, by meeting id
    (two queries, none without meetings)."""
    ids = [event.pk for event in events if event.kind == Event.Kind.MEETING]
    links = defaultdict(list)
    if ids:
        for through in (Meeting.produced.through, Meeting.discussed.through):
            for meeting, proposal in through.objects.filter(meeting__in=ids).values_list(
                "meeting", "proposal"
            ):
                links[meeting].append(proposal)
    return links


def affiliations_of(events: list[Event]) -> dict[int, list[Affiliation]]:
    """The affiliations of the people taking part in ``events``, by person id (one query,
    none without people)."""
    people = {
        actor.pk
        for event in events
        for actor, _role in placing_actors(event)
        if actor.kind == Actor.Kind.PERSON
    }
    by_person = defaultdict(list)
    if people:
        rows = Affiliation.objects.filter(person__in=people).select_related("organization")
        for affiliation in rows.order_by("id"):
            by_person[affiliation.person_id].append(affiliation)
    return by_person


# Lanes.


def placing_actors(event: Event) -> list[tuple[Actor, str]]:
    """The actors that may place ``event`` on a lane, with their roles, most telling first:
    a proposal's proposers then mediators, a response's responder, an accusation's accusers,
    a meeting's mediators, hosts, then delegations; and every mediator or host."""
    if event.kind == Event.Kind.RESPONSE:
        return [(event.as_response.responder, Participant.Role.RESPONDER)]
    roles = LANE_ROLES[event.kind]
    wanted = set(roles) | set(MEDIATOR_ROLES)
    found = [(p.actor, p.role) for p in event.participants.all() if p.role in wanted]
    order = {role: index for index, role in enumerate(dict.fromkeys((*roles, *MEDIATOR_ROLES)))}
    return sorted(found, key=lambda pair: (order[pair[1]], pair[0].name))


def resolve(
    actor: Actor, day: datetime.date, affiliations: dict, preferred: list[int] = ()
) -> Actor:
    """The state or organization whose lane ``actor``'s acts on ``day`` go on: for a person
    affiliated with one on that day, that one (of several, the first in ``preferred``); else
    the actor itself."""
    held = [a.organization for a in affiliations.get(actor.pk, ()) if a.held_on(day)]
    if not held:
        return actor
    rank = {pk: index for index, pk in enumerate(preferred)}
    return min(held, key=lambda org: rank.get(org.pk, len(rank)))


@dataclass
class Lane:
    key: str
    label: str
    role: str  # party, mediator, other or others
    actors: list = field(default_factory=list)
    y: float = 0
    height: float = 0
    rows: int = 1

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


def assign_lanes(
    parties: list[Actor], events: list[Event], affiliations: dict, max_lanes: int = MAX_LANES
) -> tuple[list[Lane], dict[int, tuple[str, str, Actor | None]]]:
    """The lanes, in order, and for each event id its lane key, the role that placed it and
    the actor (after affiliation) it was placed by.

    Parties come first, then mediators and hosts (by first appearance), then the other
    actors events are placed by (by first appearance), then "Others" for events no one
    places and for the lanes beyond ``max_lanes``. Lanes other than parties' with no event
    are left out."""
    party_ids = [party.pk for party in parties]
    mediators: dict[int, Actor] = {}
    for event in events:
        for actor, role in placing_actors(event):
            if role in MEDIATOR_ROLES:
                lane_actor = resolve(actor, event.date, affiliations, party_ids)
                if lane_actor.pk not in party_ids:
                    mediators.setdefault(lane_actor.pk, lane_actor)
    preferred = [*party_ids, *mediators]
    placed: dict[int, tuple[Actor | None, str]] = {}
    others: dict[int, Actor] = {}
    for event in events:
        candidates = [
            (actor, role) for actor, role in placing_actors(event) if role in LANE_ROLES[event.kind]
        ]
        if not candidates:
            placed[event.pk] = (None, "")
            continue
        # The first role present places it (a meeting's mediator before its delegations);
        # of several proposers or accusers, the first on a party's or mediator's lane.
        first_role = candidates[0][1]
        resolved = [
            (resolve(actor, event.date, affiliations, preferred), role)
            for actor, role in candidates
            if role == first_role
        ]
        lane_actor, role = min(
            resolved,
            key=lambda pair: preferred.index(pair[0].pk) if pair[0].pk in preferred else 1e9,
        )
        placed[event.pk] = (lane_actor, role)
        if lane_actor.pk not in preferred:
            others.setdefault(lane_actor.pk, lane_actor)
    used = {actor.pk for actor, _role in placed.values() if actor is not None}
    lanes = [Lane(f"actor-{a.pk}", a.name, PARTY, [a]) for a in parties]
    lanes += [
        Lane(f"actor-{a.pk}", a.name, MEDIATOR, [a]) for a in mediators.values() if a.pk in used
    ]
    lanes += [Lane(f"actor-{a.pk}", a.name, OTHER, [a]) for a in others.values()]
    needs_others = any(actor is None for actor, _role in placed.values())
    if len(lanes) > max_lanes or needs_others:
        keep = max_lanes - 1 if len(lanes) >= max_lanes else len(lanes)
        collapsed = [actor for lane in lanes[keep:] for actor in lane.actors]
        lanes = [*lanes[:keep], Lane(OTHERS, "Others", OTHERS, collapsed)]
    lane_of_actor = {actor.pk: lane.key for lane in lanes for actor in lane.actors}
    assignment = {
        pk: (lane_of_actor.get(actor.pk, OTHERS) if actor else OTHERS, role, actor)
        for pk, (actor, role) in placed.items()
    }
    return lanes, assignment


# The x-scale.


@dataclass
class Scale:
    first: datetime.date
    last: datetime.date
    left: float = PLOT_LEFT
    right: float = PLOT_RIGHT

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def per_day(self) -> float:
        return (self.right - self.left) / self.days

    def x(self, day: datetime.date) -> float:
        """Where ``day``'s slot starts (days outside the range are clamped to its edges)."""
        day = min(max(day, self.first), shift(self.last, 1))
        return round(self.left + (day - self.first).days * self.per_day, 2)

    def span(self, start: datetime.date, end: datetime.date | None) -> tuple[float, float]:
        """From the start of ``start``'s slot to the end of ``end``'s (None: open, to the
        range's end), clipped to the range."""
        end_x = self.right if end is None or end >= self.last else self.x(shift(end, 1))
        return self.x(start), end_x

    def middle(self, day: datetime.date) -> float:
        return round(self.x(day) + self.per_day / 2, 2)

    def ticks(self) -> list[dict]:
        """The first day of every month in the range (of every second, third, … month when
        there are more than MAX_TICKS), with its x and label; a label names the year on the
        first tick and in January."""
        months = []
        month = self.first.replace(day=1)
        while month <= self.last:
            if month >= self.first:
                months.append(month)
            if month.year == datetime.MAXYEAR and month.month == 12:
                break
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120, 600) if len(months) <= MAX_TICKS * s)
        shown = months[::step]
        return [
            {
                "x": self.x(month),
                "label": f"{month:%b %Y}" if index == 0 or month.month == 1 else f"{month:%b}",
            }
            for index, month in enumerate(shown)
        ]

    def day_ticks(self) -> list[dict]:
        """The 8th, 15th and 22nd of each month, labelled with their day, when a week is at
        least MIN_WEEK_PX wide: the days of a short range read off the axis."""
        if self.per_day * 7 < MIN_WEEK_PX:
            return []
        days = (shift(self.first, n) for n in range(1, self.days))  # the edge has no tick
        return [{"x": self.x(day), "label": str(day.day)} for day in days if day.day in (8, 15, 22)]


# Marks.


def proposal_period(proposal: Proposal) -> tuple[str, datetime.date | None, datetime.date | None]:
    """How a proposal is drawn: ("effective", from, to) over its effective period
    (effective_from to ended_on, else proposed_end; no end: open), else ("proposed", start,
    end) over its proposed period, else ("", None, None)."""
    if proposal.effective_from:
        return "effective", proposal.effective_from, proposal.ended_on or proposal.proposed_end
    if proposal.proposed_start:
        return "proposed", proposal.proposed_start, proposal.proposed_end
    return "", None, None


@dataclass
class Item:
    """One event as the layout sees it."""

    event: Event
    lane: str
    role: str
    actor: Actor | None
    shape: str  # bar, hatched, month, point
    colour: str  # a CSS class suffix: an outcome, a stance, accusation or meeting
    x0: float  # where the mark starts (clustering and rows go by it)
    x1: float  # where the bar, span or mark ends
    links: list[int] = field(default_factory=list)  # ids of proposals it is about


def item_for(event: Event, scale: Scale, lane: str, role: str, actor, links) -> Item:
    kind = event.kind
    colour = kind
    if kind == Event.Kind.PROPOSAL:
        colour = event.as_proposal.outcome
    elif kind == Event.Kind.RESPONSE:
        colour = event.as_response.stance
    shape, start, end = "point", event.date, event.date
    if kind == Event.Kind.PROPOSAL:
        period, first, last = proposal_period(event.as_proposal)
        if period:
            shape, start, end = ("bar" if period == "effective" else "hatched"), first, last
    if shape == "point" and event.end_date and event.end_date > event.date:
        shape, end = "bar", event.end_date  # talks over several days
    if shape == "point" and event.date_precision != Event.Precision.DAY:
        shape, end = "month", event.period_end
    if shape == "point":
        middle = scale.middle(event.date)
        x0, x1 = middle - MARK_SIZE, middle + MARK_SIZE
    else:
        x0, x1 = scale.span(start, end)
        x1 = max(x1, x0 + 3)  # a bar is visible even when clipped to a sliver
    return Item(event, lane, role, actor, shape, colour, x0, x1, links)


def links_of(event: Event, meetings: dict[int, list[int]]) -> list[int]:
    """The proposals an event is about: a response's or accusation's proposal, a meeting's
    produced and discussed ones, a proposal's extended, countered or replaced one."""
    if event.kind == Event.Kind.RESPONSE:
        return [event.as_response.proposal_id]
    if event.kind == Event.Kind.ACCUSATION:
        return [event.as_accusation.proposal_id] if event.as_accusation.proposal_id else []
    if event.kind == Event.Kind.MEETING:
        return meetings.get(event.pk, [])
    proposal = event.as_proposal
    return [pk for pk in (proposal.extends_id, proposal.counters_id, proposal.replaces_id) if pk]


def cluster(items: list[Item], threshold: float = CLUSTER_PX) -> list[list[Item]]:
    """``items`` of one lane grouped: by kind, in the order of their start, an item starting
    less than ``threshold`` pixels after the first of the current group joins it. Groups of
    CLUSTER_MIN or more are drawn as one mark; smaller ones come back as one group per item."""
    groups: list[list[Item]] = []
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.event.kind].append(item)
    for kind_items in by_kind.values():
        kind_items.sort(key=lambda item: (item.x0, item.event.date, item.event.pk))
        current: list[Item] = []
        for item in kind_items:
            if current and item.x0 - current[0].x0 < threshold:
                current.append(item)
                continue
            groups.extend(_split(current))
            current = [item]
        groups.extend(_split(current))
    groups.sort(key=lambda group: (group[0].x0, group[0].event.pk))
    return groups


def _split(group: list[Item]) -> list[list[Item]]:
    return [group] if len(group) >= CLUSTER_MIN else [[item] for item in group]


@dataclass
class Mark:
    """What is drawn: one event, or a cluster of events of one kind on one lane."""

    items: list[Item]
    href: str
    label: str
    title: str
    row: int = 0
    label_x: float = 0
    label_anchor: str = "start"
    show_label: bool = True
    y: float = 0  # the row's middle

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def is_cluster(self) -> bool:
        return len(self.items) > 1

    @property
    def kind(self) -> str:
        return self.first.event.kind

    @property
    def x0(self) -> float:
        return min(item.x0 for item in self.items)

    @property
    def x1(self) -> float:
        return self.x0 + 2 * MARK_SIZE + 10 if self.is_cluster else self.first.x1

    @property
    def anchor_x(self) -> float:
        """Where lines to and from this mark meet it: a point's middle, a bar's start."""
        if self.is_cluster:
            return self.x0 + MARK_SIZE + 5
        return self.x0 + MARK_SIZE if self.first.shape in ("point", "month") else self.x0

    # Geometry of the drawing, around the row's middle ``y``.

    @property
    def glyph_x(self) -> float:
        """The middle of the kind's mark: a point's, or at the start of a month's span."""
        if self.first.shape == "month":
            return self.x0 + MARK_SIZE + 1
        return (self.first.x0 + self.first.x1) / 2

    @property
    def glyph(self) -> str:
        """The kind's mark: a circle (proposal), a triangle (response), a cross (accusation)
        or a square (meeting); the points of its polygon, none for a circle."""
        x, y, r = self.glyph_x, self.y, MARK_SIZE
        if self.kind == Event.Kind.RESPONSE:
            points = [(x - r, y + r - 1), (x + r, y + r - 1), (x, y - r)]
        elif self.kind == Event.Kind.ACCUSATION:
            a, b = r, r / 2.6  # arm length, half-thickness
            points = [
                (x - a, y - a + b), (x - a + b, y - a), (x, y - b), (x + a - b, y - a),
                (x + a, y - a + b), (x + b, y), (x + a, y + a - b), (x + a - b, y + a),
                (x, y + b), (x - a + b, y + a), (x - a, y + a - b), (x - b, y),
            ]  # fmt: skip
        elif self.kind == Event.Kind.MEETING:
            s = r - 1
            points = [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
        else:
            return ""
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in points)

    @property
    def bar_width(self) -> float:
        return self.x1 - self.x0

    @property
    def label_width(self) -> float:
        return len(self.label) * CHAR_WIDTH

    @property
    def extent(self) -> tuple[float, float]:
        """The pixels this mark and its label take on its row."""
        if not self.show_label:
            return self.x0, self.x1
        if self.label_anchor == "end":
            return self.label_x - self.label_width, self.x1
        return self.x0, max(self.x1, self.label_x + self.label_width)


def truncate(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def day_label(event: Event) -> str:
    if event.date_precision == Event.Precision.MONTH:
        return f"{event.date:%B %Y}"
    if event.date_precision == Event.Precision.YEAR:
        return f"{event.date:%Y}"
    return f"{event.date.day} {event.date:%b %Y}"


def describe(event: Event) -> str:
    """The tooltip of one event's mark: title, kind and date, what came of it, first quote."""
    what = event.get_kind_display()
    if event.kind == Event.Kind.PROPOSAL:
        what += f", {event.as_proposal.get_outcome_display().lower()}"
    elif event.kind == Event.Kind.RESPONSE:
        what += f", {event.as_response.get_stance_display().lower()}"
    lines = [event.title, f"{what} · {day_label(event)}"]
    if event.kind == Event.Kind.PROPOSAL:
        period, start, end = proposal_period(event.as_proposal)
        if period:
            until = f"{end.day} {end:%b %Y}" if end else "open-ended"
            lines.append(f"{period.capitalize()} period: {start.day} {start:%b %Y} – {until}")
    citations = list(event.citations.all())
    if citations:
        first = min(citations, key=lambda citation: citation.pk)
        lines.append(f"“{truncate(first.quote, QUOTE_CHARS)}”")
    return "\n".join(lines)


def single_mark(item: Item) -> Mark:
    event = item.event
    href = reverse(DETAIL_ROUTES[event.kind], args=[event.pk])
    chars = LABEL_CHARS
    if item.shape == "month":  # the label is inside the month's span: as long as it holds
        inside = item.x1 - item.x0 - 2 * MARK_SIZE - 2 * LABEL_GAP
        chars = max(chars, int(inside / CHAR_WIDTH))
    return Mark([item], href, truncate(event.title, chars), describe(event))


def cluster_mark(items: list[Item], conflict: Conflict, lane: Lane) -> Mark:
    """One mark for many events: its link is the API's list of the events of its kind by
    the lane's actors (their affiliated people included) in its dates."""
    kind = items[0].event.kind
    first = min(item.event.date for item in items)
    last = max(item.event.period_end for item in items)
    roles = {item.role for item in items}
    actors = {item.actor.slug for item in items if item.actor} or {
        actor.slug for actor in lane.actors
    }
    role = roles.pop() if len(roles) == 1 else "actor"
    href = api_list(
        "events",
        conflict=conflict.slug,
        kind=kind,
        **{role or "actor": ",".join(sorted(actors))},
        include_affiliates="true",
        date_after=first.isoformat(),
        date_before=last.isoformat(),
    )
    label = f"{len(items)} {KIND_PLURALS[kind]}"
    title = f"{label} on {lane.label}'s lane, {first.isoformat()} to {last.isoformat()}"
    return Mark(items, href, label, title)


def place_rows(marks: list[Mark], right: float = WIDTH, max_rows: int = MAX_ROWS) -> int:
    """Put each of a lane's ``marks`` (in order of start) on the first row where it and its
    label overlap nothing; its label goes right of it, else left when it would run past
    ``right``. A mark that fits nowhere with its label goes without it, on the row ending
    first. Returns the number of rows used."""
    ends: list[float] = []  # the first free pixel of each row
    for mark in sorted(marks, key=lambda m: (m.x0, m.first.event.pk)):
        mark.show_label = True
        placements = [("start", _label_start(mark))]
        if _label_start(mark) + mark.label_width > right:
            placements.insert(0, ("end", mark.x0 - LABEL_GAP))
        row = None
        for anchor, label_x in placements:
            mark.label_anchor, mark.label_x = anchor, label_x
            left, _end = mark.extent
            row = next((i for i, end in enumerate(ends) if end + LABEL_GAP <= left), None)
            if row is None and len(ends) < max_rows:
                row = len(ends)
                ends.append(-1e9)
            if row is not None:
                break
        if row is None:
            mark.show_label = False
            row = min(range(len(ends)), key=lambda i: ends[i])
        mark.row = row
        ends[row] = max(ends[row], mark.extent[1])
    return max(1, len(ends))


def _label_start(mark: Mark) -> float:
    """Labels follow a mark or bar; a month's faint span holds its label after its mark."""
    if mark.first.shape == "month" and not mark.is_cluster:
        return mark.x0 + 2 * MARK_SIZE + LABEL_GAP
    return mark.x1 + LABEL_GAP


# The whole picture.


def build_timeline(conflict: Conflict, first: datetime.date, last: datetime.date) -> dict:
    """Everything the template draws for ``conflict``'s published events in [first, last]."""
    events = timeline_events(conflict, first, last)
    parties = [link.actor for link in conflict.party_links.select_related("actor").order_by("id")]
    affiliations = affiliations_of(events)
    meetings = meeting_links(events)
    lanes, assignment = assign_lanes(parties, events, affiliations)
    scale = Scale(first, last)
    items_by_lane = defaultdict(list)
    for event in events:
        lane, role, actor = assignment[event.pk]
        item = item_for(event, scale, lane, role, actor, links_of(event, meetings))
        items_by_lane[lane].append(item)

    marks: list[Mark] = []
    y = AXIS_HEIGHT
    for lane in lanes:
        lane_marks = [
            cluster_mark(group, conflict, lane) if len(group) > 1 else single_mark(group[0])
            for group in cluster(items_by_lane[lane.key])
        ]
        lane.rows = place_rows(lane_marks)
        lane.y, lane.height = y, lane.rows * ROW_HEIGHT + 2 * LANE_PAD
        for mark in lane_marks:
            mark.y = lane.y + LANE_PAD + mark.row * ROW_HEIGHT + ROW_HEIGHT / 2
        marks += lane_marks
        y += lane.height

    mark_of = {item.event.pk: mark for mark in marks for item in mark.items}
    lines = {}
    # Lines from single marks only: from clusters they would be a tangle saying little.
    for mark in marks:
        if mark.is_cluster:
            continue
        for item in mark.items:
            for proposal in item.links:
                target = mark_of.get(proposal)
                if target is not None and target is not mark:
                    lines[(id(mark), id(target))] = {
                        "x1": mark.anchor_x,
                        "y1": mark.y,
                        "x2": target.anchor_x,
                        "y2": target.y,
                        "kind": mark.kind,
                    }
    outcomes = {m.first.colour for m in marks if m.kind == Event.Kind.PROPOSAL}
    stances = {m.first.colour for m in marks if m.kind == Event.Kind.RESPONSE}
    return {
        "width": WIDTH,
        "height": y + 4,
        "plot_left": PLOT_LEFT,
        "plot_right": PLOT_RIGHT,
        "axis_y": AXIS_HEIGHT,
        "lanes": lanes,
        "marks": marks,
        "lines": list(lines.values()),
        "ticks": scale.ticks(),
        "day_ticks": scale.day_ticks(),
        "event_count": len(events),
        "outcomes": [(v, label) for v, label in Proposal.Outcome.choices if v in outcomes],
        "all_outcomes": Proposal.Outcome.choices,
        "stances": [(value, label) for value, label in Response.Stance.choices if value in stances],
    }


def range_errors(period: Period) -> dict[str, str]:
    """What is wrong with the range, by parameter: the period's own errors (a malformed date,
    ``to`` before ``from``), else a range too long to draw."""
    if period.errors:
        return period.errors
    if (period.before - period.after).days > MAX_RANGE_DAYS:
        return {"to": "The range from “from” to “to” is longer than 50 years."}
    return {}


@public
def conflict_timeline(request, slug):
    conflict = get_object_or_404(Conflict, slug=slug)
    query = {name: request.GET.get(name, "").strip() for name in ("from", "to")}
    if not (query["from"] and query["to"]):
        # A date left out or empty is the default range's (shown in the form).
        for name, day in zip(("from", "to"), default_range(conflict), strict=True):
            query[name] = query[name] or day.isoformat()
    period = Period.from_query(query)
    errors = range_errors(period)
    context = {"conflict": conflict, "values": period.values, "errors": errors}
    if errors:
        return render(request, "front/timeline.html", context, status=400)
    first, last = period.after, period.before
    context.update(first=first, last=last, timeline=build_timeline(conflict, first, last))
    return render(request, "front/timeline.html", context)
