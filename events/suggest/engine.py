"""Records suggested from an article's text, each in the write API's shape, with its reasons.

The engine reads one sentence at a time, and within it each clause (", while …", ", which …",
"—"): the words of ``rules.yaml`` say what a clause reports (a truce, talks, an agreement, an
accusation, an answer), the actors named in it (through names and aliases) say who, and the
date words say when. Nothing is written: an editor posts the body to create a draft.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from actors.models import Actor, ActorAlias, Affiliation
from actors.services import actors_named_in_each

from ..models import Conflict, Event, Location, Participant, Proposal, Response, Source
from .dates import ResolvedDate, resolve_date
from .rules import Rules, load_rules
from .sentences import Sentence, split_sentences

ENDPOINTS = {
    Event.Kind.PROPOSAL: "/api/v1/proposals/",
    Event.Kind.RESPONSE: "/api/v1/responses/",
    Event.Kind.MEETING: "/api/v1/meetings/",
    Event.Kind.ACCUSATION: "/api/v1/accusations/",
}
# Where a sentence turns to another subject: ", while Zelenskyy called for …", ", which Ukraine
# had accepted", "— an agreement both sides later accused each other of violating".
CLAUSE_BREAK = re.compile(
    r",\s+(?=(?:while|whereas|although|though|but|which|and\s+(?:later|then))\b)"
    r"|,\s+and\s+(?=[A-Z])"  # ", and Hamas said …": another subject
    r"|;\s+|\s*[—–]\s*|\s+--\s+",
    re.IGNORECASE,
)
WORD = re.compile(r"[\w’'-]+")
# Words after which an actor is an object, not the one acting ("talks with Kyiv").
PREPOSITIONS = {
    "with", "to", "from", "against", "in", "at", "on", "by", "of", "toward", "towards", "for",
    "about", "into", "over", "between", "among", "than", "after", "following",
}  # fmt: skip
# Where a noun phrase begins: looking back from a trigger, these end the search for its
# determiner ("the possibility of extending | the pause").
PHRASE_BOUNDARY = PREPOSITIONS | {"and", "or", "but", "extending", "extend", "violating"}
NEW_DETERMINERS = {"a", "an", "another", "new", "fresh"}
POSSESSIVE_END = re.compile(r"['’]s?$")
# How far (characters) a person's name may follow a state's to be its descriptor: "Russian
# President Vladimir Putin".
DESCRIPTOR_GAP = 40
TITLE_LENGTH = 300
# A response's title: "Ukraine dismisses “Easter truce”".
STANCE_VERBS = {
    "accepted": "accepts",
    "rejected": "rejects",
    "welcomed": "welcomes",
    "considering": "considers",
    "conditional": "accepts with conditions",
    "dismissed": "dismisses",
    "countered": "counters",
}
assert set(STANCE_VERBS) == set(Response.Stance.values)


@dataclass
class Mention:
    """One occurrence of an actor in a sentence."""

    actor: Actor
    start: int  # within the sentence
    end: int
    words: str

    @property
    def possessive(self) -> bool:
        """Written as an owner: "Zelenskyy’s proposal"."""
        return self.words.endswith(("’s", "'s"))


@dataclass
class Clause:
    sentence: Sentence
    start: int  # within the sentence
    end: int
    mentions: list[Mention]
    # Where what the clause speaks of is named: the previous clause's start for "which
    # Ukraine had accepted", else its own.
    about: int = 0

    @property
    def text(self) -> str:
        return self.sentence.text[self.start : self.end]


@dataclass
class Suggestion:
    """A record being built; ``as_dict`` gives the shape the API serves."""

    kind: str
    sentence: Sentence
    date: ResolvedDate
    fields: dict
    roles: dict[str, list[Actor]]
    triggers: list[str]
    reasons: list[str]
    title: str = ""
    citations: list[Sentence] = field(default_factory=list)
    responder: Actor | None = None
    about: tuple[int, int] | None = None  # the words naming the proposal, in the sentence

    def as_dict(self, source: Source, conflict: Conflict | None) -> dict:
        body: dict = {"title": self.title[:TITLE_LENGTH]}
        body["date"] = self.date.date.isoformat()
        body["date_precision"] = self.date.precision
        if conflict is not None:
            body["conflict"] = conflict.slug
        # Choices as their plain values: the body is JSON.
        body.update({name: _plain(value) for name, value in self.fields.items()})
        for role, actors in self.roles.items():
            body[role] = [actor.slug for actor in actors]
        if self.responder is not None:
            body["responder"] = self.responder.slug
        body["citations"] = [
            {"source": source.pk, "quote": sentence.text}
            for sentence in [self.sentence, *self.citations]
        ]
        return {
            "kind": self.kind,
            "endpoint": ENDPOINTS[self.kind],
            "body": body,
            "quote": self.sentence.text,
            "sentence": self.sentence.index,
            "triggers": list(dict.fromkeys(self.triggers)),
            "explanation": "; ".join([*self.reasons, self.date.explain()]) + ".",
        }


@dataclass
class SourceSuggestions:
    source: Source
    actors: list[dict]
    new_actors: list[dict]
    records: list[dict]
    conflict: Conflict | None = None

    def as_json(self) -> dict:
        return {
            "source": self.source.pk,
            "actors": self.actors,
            "new_actors": self.new_actors,
            "records": self.records,
        }


def suggest_for_source(source: Source, rules: Rules | None = None) -> SourceSuggestions:
    """What an editor may curate from ``source``: the known actors it names, capitalized names
    that are no actor, and the records its sentences report (each in the write API's shape).

    Queries: two for the actors named, one for the persons' affiliations, one for the
    conflict, and one for the proposals an answer or an accusation may name.
    """
    return _Reader(source, rules or load_rules()).read()


class _Reader:
    def __init__(self, source: Source, rules: Rules):
        self.source = source
        self.rules = rules
        published = source.published_at or source.created_at
        self.published = (
            published.date() if published is not None else datetime.date.today()
        )  # an unsaved source without a date: read as of today

    # --- the article --------------------------------------------------------------------

    def read(self) -> SourceSuggestions:
        seen: set[str] = set()
        sentences = []
        for sentence in split_sentences(self.source.body or ""):
            if sentence.text not in seen:  # a scraped article repeats its lead
                seen.add(sentence.text)
                sentences.append(sentence)
        named = actors_named_in_each([s.text for s in sentences]) if sentences else []
        article_actors: dict[int, tuple[Actor, str]] = {}
        for found in named:
            for hit in found:
                article_actors.setdefault(hit.actor.pk, (hit.actor, hit.words))
        names = self._names([actor for actor, _ in article_actors.values()])
        self.mentions = {}
        persons: list[Actor] = []  # named in full so far: their surname alone names them next
        for sentence, found in zip(sentences, named, strict=True):
            actors = list(dict.fromkeys([hit.actor for hit in found] + persons))
            self.mentions[sentence.index] = _mentions(sentence.text, actors, names)
            persons += [
                hit.actor
                for hit in found
                if hit.actor.kind == Actor.Kind.PERSON and hit.actor not in persons
            ]
        self.sides = self._sides([actor for actor, _ in article_actors.values()])
        self.conflict = self._conflict({self.side(a) for a, _ in article_actors.values()})
        self.parties = list(self.conflict.parties.all()) if self.conflict else []

        suggestions: list[Suggestion] = []
        previous: tuple[Sentence, ResolvedDate] | None = None
        for sentence in sentences:
            date = resolve_date(sentence.text, self.published)
            if date is None:
                date = ResolvedDate(self.published, "day", "")
                # "Last month, Russia rejected …. U.S. officials held …": the next sentence
                # of the paragraph tells of that month too.
                if previous is not None and previous[0].paragraph == sentence.paragraph:
                    date = previous[1]
                previous = None
            elif date.precision != Event.Precision.DAY:
                previous = (sentence, date)
            else:
                previous = None
            for clause in self._clauses(sentence):
                for suggestion in self._read_clause(clause, date):
                    suggestions.append(suggestion)
        records = self._merged(suggestions, _headline(sentences))
        self._link_proposals(records)
        return SourceSuggestions(
            source=self.source,
            actors=[
                {"slug": actor.slug, "name": actor.name, "words": words}
                for actor, words in article_actors.values()
            ],
            new_actors=self._new_actors(sentences),
            records=[record.as_dict(self.source, self.conflict) for record in records],
            conflict=self.conflict,
        )

    def _names(self, actors: list[Actor]) -> dict[int, list[re.Pattern]]:
        """Every name each actor goes by (name, aliases, and a person's surname), longest
        first, as the pattern that finds it: whole words, a possessive, any case unless
        written in capitals ("RSF")."""
        names: dict[int, list[str]] = {actor.pk: [actor.name] for actor in actors}
        for alias in ActorAlias.objects.filter(actor__in=actors).order_by("pk"):
            names[alias.actor_id].append(alias.name)
        for actor in actors:
            if actor.kind == Actor.Kind.PERSON and len(actor.name.split()) > 1:
                names[actor.pk].append(actor.name.split()[-1])
        return {
            pk: [_name_pattern(name) for name in sorted(set(found), key=len, reverse=True)]
            for pk, found in names.items()
        }

    def _sides(self, actors: list[Actor]) -> dict[int, Actor]:
        """Each person's state or organization (on the publication date): the side they act
        for."""
        persons = [a.pk for a in actors if a.kind == Actor.Kind.PERSON]
        if not persons:
            return {}
        sides = {}
        affiliations = (
            Affiliation.objects.on(self.published)
            .filter(person__in=persons)
            .select_related("organization")
            .order_by("start_date")
        )
        for affiliation in affiliations:
            sides.setdefault(affiliation.person_id, affiliation.organization)
        return sides

    def side(self, actor: Actor) -> Actor:
        return self.sides.get(actor.pk, actor)

    def _conflict(self, sides: set[Actor]) -> Conflict | None:
        """The conflict most of the article's actors are parties to; none when two tie."""
        if not sides:
            return None
        candidates = list(
            Conflict.objects.filter(parties__in=sides)
            .annotate(named=Count("parties"))
            .order_by("-named", "slug")
            .prefetch_related(Prefetch("parties", queryset=Actor.objects.order_by("name")))[:2]
        )
        if not candidates or (len(candidates) == 2 and candidates[0].named == candidates[1].named):
            return None
        return candidates[0]

    def _clauses(self, sentence: Sentence) -> list[Clause]:
        bounds = [0]
        for match in CLAUSE_BREAK.finditer(sentence.text):
            bounds += [match.start(), match.end()]
        bounds.append(len(sentence.text))
        clauses = []
        for start, end in zip(bounds[::2], bounds[1::2], strict=True):
            mentions = [m for m in self.mentions[sentence.index] if start <= m.start < end]
            clause = Clause(sentence, start, end, mentions, start)
            if clauses and re.match(r"(?:which|that|who)\b", clause.text, re.IGNORECASE):
                clause.about = clauses[-1].start
            clauses.append(clause)
        return clauses

    # --- one clause ---------------------------------------------------------------------

    def _read_clause(self, clause: Clause, date: ResolvedDate) -> list[Suggestion]:
        rules = self.rules
        text = clause.text
        found: list[Suggestion] = []
        accusation = rules.accusation_triggers.search(text)
        if accusation:
            found += self._accusations(clause, date, accusation)
        agreement = rules.agreement_triggers.search(text)
        if agreement and not self._negated(text, agreement.start()):
            found += self._agreement(clause, date, agreement)
        for stance, words in rules.stances.items():
            match = words.search(text)
            if match and not (agreement and _overlaps(match, agreement)):
                response = self._response(clause, date, stance, match)
                if response is not None:
                    found.append(response)
                break
        if not accusation:
            talks = self._first_new(clause, rules.talks_triggers)
            if talks is not None:
                found += self._talks(clause, date, talks)
        if not accusation and not agreement:
            truce = self._first_new(clause, rules.proposal_triggers)
            if truce is not None:
                found += self._truce(clause, date, truce)
            elif not any(words.search(text) for words in rules.stances.values()):
                found += self._extension(clause, date)
        return found

    def _extension(self, clause: Clause, date) -> list[Suggestion]:
        """A call to extend a truce the article named before: a new proposal."""
        extension = self.rules.extensions.search(clause.text)
        truce = (
            self.rules.proposal_triggers.search(clause.text, extension.end()) if extension else None
        )
        if truce is None or self._negated(clause.text, extension.start()):
            return []
        if not clause.mentions:
            return []
        reasons = [f"“{extension.group()}” … “{truce.group()}” proposes to extend a truce"]
        triggers = [extension.group(), truce.group()]
        fields = self._proposal_fields(clause, reasons, triggers)
        return [self._offer(clause, date, extension, fields, triggers, reasons)]

    def _first_new(self, clause: Clause, words) -> re.Match | None:
        """The first trigger of ``words`` that reports something new: not "the truce" (a
        proposal already named), not denied ("have not held any talks")."""
        text = clause.text
        for match in words.finditer(text):
            before = WORD.findall(text[: match.start()])
            if self._negated(text, match.start()) or self._refers_back(before):
                continue
            return match
        return None

    def _refers_back(self, words_before: list[str]) -> bool:
        """Whether the noun phrase ending at a trigger starts with "the", "this", "any"…"""
        for word in reversed(words_before[-5:]):
            lowered = word.lower()
            if lowered in NEW_DETERMINERS:
                return False
            if _whole_word(self.rules.back_references, word):
                return True
            if (
                lowered in PHRASE_BOUNDARY
                or word[0].isupper()
                or _whole_word(self.rules.talks_held, word)
            ):
                return False  # the phrase began after this word (a name, a verb)
        return False

    def _negated(self, text: str, position: int) -> bool:
        """A negation among the six words before ``position``, unless it belongs to a
        stance's words ("not ruling it out")."""
        words = list(WORD.finditer(text[:position]))[-6:]
        if not words:
            return False
        stance_spans = [
            match.span() for found in self.rules.stances.values() for match in found.finditer(text)
        ]
        start = words[0].start()
        for match in self.rules.negations.finditer(text, start, position):
            if not any(s <= match.start() < e for s, e in stance_spans):
                return True
        return False

    # actors of a clause

    def _doers(self, clause: Clause, before: int | None = None) -> list[Mention]:
        """Mentions that may be who acts: not a news outlet, not the object of a preposition
        ("talks with Kyiv"), before ``before`` when given."""
        doers = []
        for mention in clause.mentions:
            if mention.actor.kind == Actor.Kind.MEDIA:
                continue
            if before is not None and mention.start >= clause.start + before:
                continue
            previous = WORD.findall(clause.sentence.text[: mention.start])[-1:]
            if previous and previous[0].lower() in PREPOSITIONS and not mention.possessive:
                continue
            doers.append(mention)
        return doers

    def _subject(self, clause: Clause, position: int, reported: bool = True) -> Mention | None:
        """Who acts in the clause, before ``position`` (in the clause): the first doer, or
        the first after a reporting verb ("Peskov confirmed that Putin …"); a state's
        descriptor gives way to its person ("Russian President Vladimir Putin")."""
        doers = self._doers(clause, position)
        if not doers:
            return None
        subject = doers[0]
        said = None
        for match in self.rules.reporting.finditer(clause.text[:position]):
            said = clause.start + match.end()
        if reported and said is not None:
            after = [m for m in doers if m.start >= said]
            if after:
                subject = after[0]
        return self._person_for(clause, subject, doers)

    def _person_for(self, clause: Clause, mention: Mention, doers: list[Mention]) -> Mention:
        """The person a state's name describes ("Russian President Vladimir Putin"), or
        ``mention`` itself."""
        if mention.actor.kind == Actor.Kind.PERSON:
            return mention
        for other in doers:
            gap = clause.sentence.text[mention.end : other.start]
            if (
                other.actor.kind == Actor.Kind.PERSON
                and 0 < len(gap) <= DESCRIPTOR_GAP
                and not re.search(r"[,;:.“”\"]", gap)
            ):
                return other
        return mention

    def _nearest_before(self, clause: Clause, position: int) -> Mention | None:
        doers = self._doers(clause, position)
        if not doers:
            return None
        # "Ukrainian President Volodymyr Zelenskyy": the person, not the demonym.
        return self._person_for(clause, doers[-1], doers)

    def _both_sides(self, text: str) -> re.Match | None:
        return self.rules.both_sides.search(text) if self.parties else None

    def _others(self, actor: Actor | None) -> list[Actor]:
        """The conflict's parties other than ``actor``'s side."""
        side = self.side(actor) if actor is not None else None
        return [party for party in self.parties if party != side]

    def _sentence_mentions(self, clause: Clause) -> list[Mention]:
        return self.mentions[clause.sentence.index]

    # --- each kind ----------------------------------------------------------------------

    def _accusations(self, clause: Clause, date, trigger) -> list[Suggestion]:
        text = clause.text
        mutual = self.rules.mutual.search(text)
        both = self._both_sides(text)
        reasons = [f"“{trigger.group()}” reports an accusation of a violation"]
        triggers = [trigger.group()]
        pairs: list[tuple[Actor, Actor]] = []
        if mutual:
            triggers.append(mutual.group())
            if both:
                triggers.append(both.group())
                sides = self.parties[:2]
                reasons.append(
                    f"“{both.group()}”: the conflict's parties, "
                    f"“{mutual.group()}”: each accuses the other"
                )
            else:
                sides = list(dict.fromkeys(self.side(m.actor) for m in clause.mentions))[:2]
                reasons.append(f"“{mutual.group()}”: each named side accuses the other")
            if len(sides) == 2:
                pairs = [(sides[0], sides[1]), (sides[1], sides[0])]
        else:
            # "Hamas said Israeli strikes had breached the deal": who says it accuses.
            accuser = self._subject(clause, trigger.start(), reported=False)
            if accuser is None:
                return []
            accused = [
                m.actor
                for m in clause.mentions
                if m.start > accuser.start
                and self.side(m.actor) != self.side(accuser.actor)
                and m.actor.kind != Actor.Kind.MEDIA
            ]
            if accused:
                reasons.append(f"accuser {accuser.actor.name}: the subject; accused: named after")
                pairs = [(accuser.actor, accused[0])]
            elif self._others(accuser.actor):
                other = self._others(accuser.actor)[0]
                reasons.append(
                    f"accuser {accuser.actor.name}: the subject; accused {other.name}: the "
                    "conflict's other party"
                )
                pairs = [(accuser.actor, other)]
        found = []
        for accuser, accused in pairs:
            found.append(
                Suggestion(
                    Event.Kind.ACCUSATION,
                    clause.sentence,
                    date,
                    {},
                    {"accusers": [accuser], "accused": [accused]},
                    list(triggers),
                    list(reasons),
                    f"{accuser.name} accuses {accused.name} of a violation",
                    about=(clause.about, clause.end),
                )
            )
        return found

    def _proposal_fields(self, clause: Clause, reasons: list, triggers: list) -> dict:
        """Kind, scope, a unilateral arrangement, duration and occasion from the sentence's
        words."""
        rules = self.rules
        text = clause.sentence.text
        fields: dict = {}
        for scope, words in rules.scopes.items():
            match = words.search(clause.text) or words.search(text)
            if match:
                fields["scope"] = scope
                triggers.append(match.group())
                reasons.append(f"“{match.group()}”: scope {Proposal.Scope(scope).label.lower()}")
                break
        kind = Proposal.ProposalKind.CEASEFIRE
        if fields.get("scope") not in (None, Proposal.Scope.COMPREHENSIVE):
            kind = Proposal.ProposalKind.PARTIAL_CEASEFIRE
        for choice, words in rules.proposal_kinds.items():
            match = words.search(text)
            if match:
                kind = choice
                triggers.append(match.group())
                break
        fields["proposal_kind"] = kind
        unilateral = rules.unilateral.search(text)
        if unilateral:
            fields["arrangement"] = Proposal.Arrangement.UNILATERAL.value
            triggers.append(unilateral.group())
            reasons.append(f"“{unilateral.group()}”: unilateral")
        duration = self._duration(text)
        if duration is not None:
            fields["duration_hours"], words = duration
            triggers.append(words)
            reasons.append(f"“{words}”: {fields['duration_hours']} hours")
        occasion = rules.occasions.search(text)
        if occasion:
            fields["occasion"] = occasion.group()
            fields["purposes"] = [Proposal.Purpose.HOLIDAY]
            reasons.append(f"“{occasion.group()}”: the occasion")
        return fields

    def _duration(self, text: str) -> tuple[int, str] | None:
        numbers = "|".join(sorted(self.rules.duration_numbers, key=len, reverse=True))
        units = "|".join(sorted(self.rules.duration_units, key=len, reverse=True))
        match = re.search(
            rf"\b(?P<number>\d+|{numbers})[\s-]+(?P<unit>{units})\b", text, re.IGNORECASE
        )
        if match is None:
            return None
        number = match.group("number").lower()
        count = int(number) if number.isdigit() else self.rules.duration_numbers[number]
        return count * self.rules.duration_units[match.group("unit").lower()], match.group()

    def _proposer(self, clause: Clause, position: int) -> tuple[Mention | None, str]:
        """Who proposes: "a proposal by Trump", "Zelenskyy's proposal", else the subject."""
        for mention in clause.mentions:
            previous = WORD.findall(clause.sentence.text[: mention.start])[-1:]
            if previous and previous[0].lower() == "by" and mention.actor.kind != "media":
                return mention, f"proposer {mention.actor.name}: “by {mention.words}”"
        for mention in clause.mentions:
            if mention.possessive and mention.start < clause.start + position:
                return mention, f"proposer {mention.actor.name}: “{mention.words}”"
        if any(words.search(clause.text[:position]) for words in self.rules.stances.values()):
            return None, ""  # "Netanyahu rejected calls for a ceasefire": not his proposal
        subject = self._subject(clause, position)
        if subject is not None:
            return subject, f"proposer {subject.actor.name}: the subject"
        speaker = self._speaker(clause.sentence)
        if speaker is not None:
            return speaker, f"proposer {speaker.actor.name}: the speaker"
        return None, ""

    def _speaker(self, sentence: Sentence) -> Mention | None:
        """Whose words the sentence quotes: the actor just before or after a reporting word
        ("…,” Putin said", "said Putin")."""
        mentions = [m for m in self.mentions[sentence.index] if m.actor.kind != Actor.Kind.MEDIA]
        for match in self.rules.reporting.finditer(sentence.text):
            for mention in mentions:
                gap = (
                    sentence.text[mention.end : match.start()]
                    if mention.end <= match.start()
                    else sentence.text[match.end() : mention.start]
                )
                if len(WORD.findall(gap)) <= 1 and not re.search(r"[.;“”\"]", gap):
                    return self._person_for(_whole(sentence, self.mentions), mention, mentions)
        return None

    def _addressees(self, clause: Clause, proposer: Actor | None) -> tuple[list[Actor], str]:
        """Those named after "with" or "to" (not the proposer's side), else the conflict's
        other parties."""
        named = []
        words: list[str] = []  # the words they were named after, for the explanation
        between = re.search(r"\bbetween\b", clause.text, re.IGNORECASE)
        for mention in clause.mentions:
            previous = WORD.findall(clause.sentence.text[: mention.start])[-2:]
            if previous and previous[-1].lower() == "the":  # "a truce to the RSF"
                previous = previous[:-1]
            previous = previous[-1:]
            # "talks between Burhan and Hemedti": both are addressed.
            if between and mention.start >= clause.start + between.end() and previous:
                previous = ["between"]
            if (
                previous
                and previous[0].lower() in ("with", "to", "toward", "towards", "between")
                and mention.actor.kind != Actor.Kind.MEDIA
                and (proposer is None or self.side(mention.actor) != self.side(proposer))
            ):
                named.append(mention.actor)
                words.append(previous[0].lower())
        if named:
            named = list(dict.fromkeys(named))
            after = " or ".join(f"“{word}”" for word in dict.fromkeys(words))
            return named, f"addressed to {', '.join(a.name for a in named)}: named after {after}"
        others = self._others(proposer)
        if others:
            return others, f"addressed to {', '.join(a.name for a in others)}: the conflict's " + (
                "other party" if len(others) == 1 else "parties"
            )
        return [], ""

    def _truce(self, clause: Clause, date, trigger) -> list[Suggestion]:
        if not self._sentence_mentions(clause):
            return []  # a truce nobody is named in: nothing an editor could file
        reasons = [f"“{trigger.group()}” proposes a truce"]
        triggers = [trigger.group()]
        fields = self._proposal_fields(clause, reasons, triggers)
        _starting(fields, date, reasons)
        offer = self._offer(clause, date, trigger, fields, triggers, reasons)
        answered = any(words.search(clause.text) for words in self.rules.stances.values())
        if answered and not offer.roles["proposers"]:
            return []  # the truce an answer is about, by nobody named: the answer says it
        return [offer]

    def _offer(self, clause: Clause, date, trigger, fields, triggers, reasons) -> Suggestion:
        """A proposal someone makes: its proposer and addressees from the clause."""
        proposer, why = self._proposer(clause, trigger.start())
        addressees, why_addressed = self._addressees(clause, proposer.actor if proposer else None)
        reasons += [reason for reason in (why, why_addressed) if reason]
        return Suggestion(
            Event.Kind.PROPOSAL,
            clause.sentence,
            date,
            fields,
            {"proposers": [proposer.actor] if proposer else [], "addressees": addressees},
            triggers,
            reasons,
            _proposal_title(fields, proposer.actor if proposer else None),
        )

    def _talks(self, clause: Clause, date, trigger) -> list[Suggestion]:
        rules = self.rules
        text = clause.text
        held = rules.talks_held.search(text)
        if held:
            return self._meeting(clause, date, trigger, held)
        if not self._sentence_mentions(clause):
            return []
        reasons = [f"“{trigger.group()}” proposes talks"]
        triggers = [trigger.group()]
        fields: dict = {"proposal_kind": Proposal.ProposalKind.TALKS}
        for talks_format, words in rules.talks_formats.items():
            match = words.search(clause.sentence.text)
            if match:
                fields["talks_format"] = talks_format
                triggers.append(match.group())
                reasons.append(f"“{match.group()}”: {talks_format} talks")
                break
        return [self._offer(clause, date, trigger, fields, triggers, reasons)]

    def _venue(self, clause: Clause) -> tuple[str, Actor | None]:
        """The place after "in" or "at": a named actor (a state hosts), else capitalized
        words."""
        for mention in clause.mentions:
            previous = WORD.findall(clause.sentence.text[: mention.start])[-1:]
            if previous and self.rules.venue_words.search(previous[0]):
                if mention.actor.kind in (Actor.Kind.STATE, Actor.Kind.GOVERNMENT):
                    return mention.actor.name, mention.actor
        match = re.search(
            r"\b(?:in|at)\s+((?:[A-Z][\w’'-]+\s?)+)", clause.text
        )  # "in Istanbul", "at Camp David"
        if match:
            return match.group(1).strip(), None
        return "", None

    def _meeting(self, clause: Clause, date, trigger, held) -> list[Suggestion]:
        rules = self.rules
        text = clause.text
        if rules.generic.search(" ".join(WORD.findall(text[: trigger.start()])[-2:])):
            return []
        reasons = [f"“{trigger.group()}” with “{held.group()}” reports talks held"]
        triggers = [trigger.group(), held.group()]
        fields: dict = {}
        venue, host = self._venue(clause)
        if venue:
            fields["venue"] = venue
            reasons.append(f"venue {venue}")
        if host is not None and host.country:
            fields["country"] = host.country
        if venue:
            # The venue is the talks' place too (their first location): a state named as the
            # venue is a place of country precision.
            place = {"name": venue}
            if host is not None and host.country:
                place.update(country=host.country, precision=Location.Precision.COUNTRY.value)
            fields["locations"] = [place]
        for meeting_format, words in rules.meeting_formats.items():
            match = words.search(text)
            if match:
                fields["meeting_format"] = meeting_format
                triggers.append(match.group())
                reasons.append(f"“{match.group()}”: {meeting_format} talks")
                break
        roles: dict[str, list[Actor]] = {"hosts": [host] if host else []}
        both = self._both_sides(text)
        delegations: list[Actor] = []
        if both:
            delegations = list(self.parties)
            triggers.append(both.group())
            reasons.append(f"delegations: “{both.group()}”, the conflict's parties")
        named = [m.actor for m in clause.mentions if m.actor != host and m.actor.kind != "media"]
        for actor in named:
            if self.side(actor) in self.parties and actor not in delegations:
                delegations.append(actor)
        if len({self.side(a) for a in delegations}) < 2 and len(self.parties) >= 2:
            # Talks are between the parties, even when the sentence names one of them.
            delegations += [p for p in self.parties if p not in delegations]
            reasons.append("delegations: the conflict's parties")
        mediators = [
            actor
            for actor in dict.fromkeys(named)
            if self.side(actor) not in self.parties and actor not in delegations
        ]
        if not named and not both and host is None:
            return []
        roles["delegations"] = delegations
        roles["mediators"] = mediators
        if mediators:
            reasons.append(
                f"mediators {', '.join(a.name for a in mediators)}: named, no party to the conflict"
            )
        where = f" in {venue}" if venue else ""
        names = " and ".join(a.name for a in delegations[:2]) or "Talks"
        return [
            Suggestion(
                Event.Kind.MEETING,
                clause.sentence,
                date,
                fields,
                roles,
                triggers,
                reasons,
                f"{names} talks{where}".strip() if delegations else f"Talks{where}",
            )
        ]

    def _agreement(self, clause: Clause, date, trigger) -> list[Suggestion]:
        reasons = [f"“{trigger.group()}” reports an agreement reached"]
        triggers = [trigger.group()]
        fields = self._proposal_fields(clause, reasons, triggers)
        fields["outcome"] = Proposal.Outcome.ACCEPTED
        in_effect = self.rules.in_effect.search(clause.sentence.text)
        if in_effect:
            fields["outcome"] = Proposal.Outcome.IN_EFFECT
            triggers.append(in_effect.group())
            reasons.append(f"“{in_effect.group()}”: in effect")
        _starting(fields, date, reasons)
        truce = self.rules.proposal_triggers.search(clause.text)
        if truce:
            triggers.append(truce.group())
        elif self.rules.talks_triggers.search(clause.text) is None and "scope" not in fields:
            fields["proposal_kind"] = Proposal.ProposalKind.OTHER
        named = [
            m.actor for m in self._sentence_mentions(clause) if m.actor.kind != Actor.Kind.MEDIA
        ]
        _, host = self._venue(_whole(clause.sentence, self.mentions))
        parties = [a for a in dict.fromkeys(self.side(a) for a in named) if a in self.parties]
        if len(parties) < 2:
            parties = list(self.parties) or parties
            if parties:
                reasons.append("between the conflict's parties")
        mediators = [
            a for a in dict.fromkeys(named) if self.side(a) not in self.parties and a != host
        ]
        if not parties and not mediators:
            return []
        if mediators:
            reasons.append(f"mediators {', '.join(a.name for a in mediators)}: no party")
        roles = {"addressees": parties, "mediators": mediators}
        return [
            Suggestion(
                Event.Kind.PROPOSAL,
                clause.sentence,
                date,
                fields,
                roles,
                triggers,
                reasons,
                "Agreement: " + _proposal_title(fields, None),
            )
        ]

    def _response(self, clause: Clause, date, stance: str, match) -> Suggestion | None:
        text = clause.text
        after = WORD.findall(text[match.end() :])[:1]
        if after and self.rules.generic.search(after[0]):
            return None  # "welcomes any peace initiative": no proposal in particular
        answered = re.split(
            r"[,.;:—–]|\b(?:as|because|saying|since|after|but)\b", text[match.end() :], maxsplit=1
        )[0]
        if WORD.search(answered) and not self.rules.answer_objects.search(answered):
            return None  # "dismissed his remarks": an answer to no proposal
        responder = self._nearest_before(clause, match.start())
        if responder is None:
            return None
        return Suggestion(
            kind=Event.Kind.RESPONSE,
            sentence=clause.sentence,
            date=date,
            fields={"stance": stance},
            roles={},
            responder=responder.actor,
            triggers=[match.group()],
            reasons=[
                f"“{match.group()}”: stance {stance}",
                f"responder {responder.actor.name}: named before it",
            ],
            title=f"{responder.actor.name} {STANCE_VERBS[stance]}",
            about=(clause.about, clause.end),
        )

    # --- the article's suggestions together ----------------------------------------------

    def _merged(self, suggestions: list[Suggestion], headline: Sentence | None) -> list[Suggestion]:
        """One suggestion per record: a proposal named again (the same kind by the same side,
        nothing said differently) gets the later sentence as another citation. A headline
        only adds its citation to what the article's sentences report: its few words ("push
        Israel and Hamas toward a truce") do not say who does what."""
        kept: list[Suggestion] = []
        body = [s for s in suggestions if s.sentence != headline]
        for suggestion in body + [s for s in suggestions if s.sentence == headline]:
            twin = next((k for k in kept if self._same_record(k, suggestion)), None)
            if twin is None:
                if suggestion.sentence != headline:
                    kept.append(suggestion)
                continue
            if suggestion.sentence != twin.sentence and suggestion.sentence not in twin.citations:
                twin.citations.append(suggestion.sentence)
            for name, value in suggestion.fields.items():
                twin.fields.setdefault(name, value)
            for role, actors in suggestion.roles.items():
                if not twin.roles.get(role):
                    twin.roles[role] = actors
            if suggestion.date.words and not twin.date.words:
                twin.date = suggestion.date
            twin.triggers += suggestion.triggers
            twin.reasons.append(f"also in sentence {suggestion.sentence.index}")
        return kept

    def _same_record(self, a: Suggestion, b: Suggestion) -> bool:
        if a.kind != b.kind:
            return False
        if a.kind == Event.Kind.PROPOSAL:
            if a.fields.get("proposal_kind") != b.fields.get("proposal_kind"):
                return False
            for name in ("scope", "duration_hours", "talks_format", "outcome"):
                if name in a.fields and name in b.fields and a.fields[name] != b.fields[name]:
                    return False
            sides_a = {self.side(x) for x in a.roles.get("proposers", [])}
            sides_b = {self.side(x) for x in b.roles.get("proposers", [])}
            return bool(sides_a) and sides_a == sides_b
        if a.kind == Event.Kind.RESPONSE:
            return (
                a.responder == b.responder
                and a.fields == b.fields
                and abs(a.sentence.index - b.sentence.index) <= 1
            )
        if a.kind == Event.Kind.MEETING:
            return a.fields.get("venue") == b.fields.get("venue") and a.roles == b.roles
        return a.sentence == b.sentence and a.roles == b.roles

    def _link_proposals(self, records: list[Suggestion]) -> None:
        """An answer or an accusation names the proposal in the database it is about: of the
        conflict, the one whose words the sentence repeats most, nearest in date."""
        answering = [r for r in records if r.kind in (Event.Kind.RESPONSE, Event.Kind.ACCUSATION)]
        if not answering or self.conflict is None:
            return
        earliest = min(r.date.date for r in answering) - datetime.timedelta(days=366)
        proposals = list(
            Proposal.objects.filter(conflict=self.conflict, date__gte=earliest)
            .exclude(editorial_status=Event.Status.RETRACTED)
            .prefetch_related(
                Prefetch("participants", queryset=Participant.objects.select_related("actor"))
            )
        )
        for record in answering:
            best, best_score = None, (0, 0)
            for proposal in proposals:
                if proposal.date > record.date.date + datetime.timedelta(days=31):
                    continue
                score = self._naming_score(record, proposal)
                key = (score, -abs((record.date.date - proposal.date).days))
                if score > 0 and key > best_score:
                    best, best_score = proposal, key
            if best is not None:
                record.fields["proposal"] = best.pk
                if record.kind == Event.Kind.RESPONSE:
                    record.title = f"{record.title} “{best.title}”"
                record.reasons.append(
                    f"about the proposal “{best.title}” (id {best.pk}): its words and actors"
                )
            elif record.kind == Event.Kind.RESPONSE:
                record.reasons.append("no proposal in the database matches: choose it")

    def _naming_score(self, record: Suggestion, proposal: Proposal) -> int:
        """How many of ``proposal``'s words and actors the words ``record`` is about repeat
        (its clause: "welcomed extending the pause" does not name the 30-day truce of the
        sentence's next clause); under 2 is no naming."""
        start, end = record.about or (0, len(record.sentence.text))
        text = record.sentence.text[start:end]
        lowered = text.lower()
        score = 0
        duration = self._duration(text)
        if duration and proposal.duration_hours == duration[0]:
            score += 2
        if proposal.occasion and proposal.occasion.lower() in lowered:
            score += 2
        if proposal.scope:
            words = self.rules.scopes.get(proposal.scope)
            if words is not None and words.search(text):
                score += 1
        talks = self.rules.talks_triggers.search(text) is not None
        if talks == (proposal.proposal_kind == Proposal.ProposalKind.TALKS):
            score += 1
        named = {m.actor.pk for m in self.mentions[record.sentence.index] if start <= m.start < end}
        for participant in proposal.participants.all():
            if participant.role == Participant.Role.PROPOSER and participant.actor_id in named:
                score += 2
        return score if score >= 2 else 0

    def _new_actors(self, sentences: list[Sentence]) -> list[dict]:
        """Capitalized names that match no actor, with the first sentence naming them."""
        found: dict[str, dict] = {}
        for sentence in sentences:
            covered = [(m.start, m.end) for m in self.mentions[sentence.index]]
            for match in NAME_RUN.finditer(sentence.text):
                name = _trimmed_name(match.group())
                if not name or any(s <= match.start() < e for s, e in covered):
                    continue
                # Where the name's first word is (the run may begin with a title).
                start = match.start() + match.group().index(name.split()[0])
                if start == 0 and " " not in name:
                    continue  # a sentence's first word is capitalized anyway
                if name.lower() in found or any(
                    s < start + len(name) and start < e for s, e in covered
                ):
                    continue
                found[name.lower()] = {
                    "name": name,
                    "sentence": sentence.index,
                    "quote": sentence.text,
                }
        return list(found.values())


def _overlaps(a: re.Match, b: re.Match) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def _mentions(text: str, actors: list[Actor], names: dict[int, list[re.Pattern]]) -> list[Mention]:
    """Every occurrence of each of ``actors`` in ``text`` by any of its ``names``; one inside
    a longer name ("Russian" in "Russian state TV") is dropped."""
    mentions = []
    for actor in actors:
        for pattern in names.get(actor.pk, []):
            for match in pattern.finditer(text):
                mentions.append(Mention(actor, match.start(), match.end(), match.group()))
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in mentions:
        if any(k.start <= mention.start and mention.end <= k.end for k in kept):
            continue
        kept.append(mention)
    return kept


def _headline(sentences: list[Sentence]) -> Sentence | None:
    """The article's first line when it is a headline: a paragraph of its own without a full
    stop."""
    if len(sentences) < 2 or sentences[1].paragraph == sentences[0].paragraph:
        return None
    return sentences[0] if sentences[0].text[-1] not in '.!?”"' else None


def _whole_word(words, word: str) -> bool:
    match = words.search(word)
    return match is not None and match.group() == word


def _starting(fields: dict, date: ResolvedDate, reasons: list[str]) -> None:
    """ "From midnight": proposed to start the next day."""
    if date.starts_next_day:
        fields["proposed_start"] = (date.date + datetime.timedelta(days=1)).isoformat()
        reasons.append(f"“{date.words}”: proposed to start the next day")


def _plain(value):
    return str(value) if isinstance(value, str) else value


def _whole(sentence: Sentence, mentions: dict) -> Clause:
    """The sentence as one clause."""
    return Clause(sentence, 0, len(sentence.text), mentions[sentence.index])


def _name_pattern(name: str) -> re.Pattern:
    spaced = r"\s+".join(re.escape(word) for word in name.split())
    flags = 0 if name.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){spaced}(?:['’]s)?(?![\w])", flags)


def _proposal_title(fields: dict, proposer: Actor | None) -> str:
    kind = Proposal.ProposalKind(fields["proposal_kind"]).label.lower()
    parts = []
    if fields.get("duration_hours"):
        hours = fields["duration_hours"]
        parts.append(f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour")
    if fields.get("occasion"):
        parts.append(fields["occasion"])
    if fields.get("talks_format"):
        parts.append(fields["talks_format"])
    parts.append(kind)
    scope = fields.get("scope")
    if scope and scope != Proposal.Scope.COMPREHENSIVE:
        parts.append(f"on {Proposal.Scope(scope).label.lower()}")
    what = " ".join(parts)
    what = what[0].upper() + what[1:]
    return f"{proposer.name}: {what}" if proposer is not None else what


# Runs of capitalized words ("Rapid Support Forces", "Camp David"), joined by "of", "the"…
NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]*[\w])(?:\s+(?:(?:of|the|de|al)\s+)?[A-Z][\w’'.-]*[\w])*")
# Words that are capitalized without being names: titles and a sentence's openers.
NOT_NAMES = {
    "the", "a", "an", "this", "that", "these", "those", "when", "while", "however", "later",
    "according", "both", "last", "speaking", "president", "prime", "minister", "foreign",
    "secretary", "spokesperson", "spokesman", "spokeswoman", "general", "we", "i", "he", "she",
    "they", "it", "for", "first", "time", "in", "on", "at", "after", "before", "but", "and",
    "his", "her", "their", "our", "mr", "mrs", "ms", "dr", "said", "says", "expresses",
    "willingness", "bilateral", "talks", "with", "postimage", "is", "as", "since", "if",
    *(d.lower() for d in __import__("calendar").day_name),
    *(m.lower() for m in __import__("calendar").month_name if m),
}  # fmt: skip


def _trimmed_name(run: str) -> str:
    """``run`` without leading and trailing words that are no name ("President Vladimir
    Putin" → "Vladimir Putin"), possessive dropped."""
    words = run.split()
    while words and words[0].lower().strip(".") in NOT_NAMES:
        words.pop(0)
    while words and words[-1].lower().strip(".") in NOT_NAMES | {"of", "the", "and", "for"}:
        words.pop()
    name = " ".join(words)
    return POSSESSIVE_END.sub("", name) if name.endswith(("’s", "'s")) else name
