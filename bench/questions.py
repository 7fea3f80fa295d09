"""The analysts' questions of the benchmark, each asked three ways.

- the API over HTTP (a path of /api/v1/);
- the floor: one hand-written PostgreSQL statement that returns the same page as JSON built in
  the database (json_agg / json_build_object), role lists and citations included;
- the peer: one SQL statement for Datasette's JSON (or CSV) API over the SQLite copy made by
  bench/to_sqlite.py (the same table names, published events only).

Every parameter is picked from the data (the conflict with the most published events, its most
frequent state, ...), so that the questions find rows whichever generator filled the database.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

PAGE = 50  # the API's default page size
CSV_PAGE = 1000  # the API's largest page
DEEP_PAGE = 200
# The API's exact count limit (API_EXACT_COUNT_LIMIT, which bench/run.py sets to this): a
# JSON page's count is exact up to it, null beyond.
COUNT_LIMIT = 10_000

# The tables a timeline row joins: its conflict, its kind's row, a response's responder.
KIND_JOINS = """
    JOIN events_conflict c ON c.id = e.conflict_id
    LEFT JOIN events_proposal pr ON pr.event_ptr_id = e.id
    LEFT JOIN events_response rs ON rs.event_ptr_id = e.id
    LEFT JOIN actors_actor ra ON ra.id = rs.responder_id
    LEFT JOIN events_violationaccusation va ON va.event_ptr_id = e.id"""
# The proposal a row is about (EventSerializer's ``proposal``), in both dialects.
ROW_PROPOSAL = """COALESCE(rs.proposal_id, va.proposal_id, CASE WHEN e.kind = 'meeting' THEN
        COALESCE((SELECT min(proposal_id) FROM events_meeting_produced WHERE meeting_id = e.id),
                 (SELECT min(proposal_id) FROM events_meeting_discussed WHERE meeting_id = e.id))
        END)"""

# What a row of the timeline shows, built by PostgreSQL (EventSerializer's fields). ``e`` is
# the event; the kinds' tables and the responder are joined by FLOOR_JOINS.
FLOOR_ROW = f"""json_build_object(
    'id', e.id, 'kind', e.kind,
    'url', %(base)s || CASE e.kind WHEN 'proposal' THEN 'proposals' WHEN 'response' THEN
        'responses' WHEN 'meeting' THEN 'meetings' ELSE 'accusations' END || '/' || e.id || '/',
    'conflict', c.slug, 'date', e.date, 'date_precision', e.date_precision,
    'end_date', e.end_date, 'title', e.title, 'summary', e.summary,
    'editorial_status', e.editorial_status,
    'proposal_kind', pr.proposal_kind, 'outcome', pr.outcome,
    'proposal', {ROW_PROPOSAL},
    'responder', ra.slug, 'stance', rs.stance,
    'proposers', COALESCE(roles.r -> 'proposer', '[]'),
    'addressees', COALESCE(roles.r -> 'addressee', '[]'),
    'mediators', COALESCE(roles.r -> 'mediator', '[]'),
    'hosts', COALESCE(roles.r -> 'host', '[]'),
    'accusers', COALESCE(roles.r -> 'accuser', '[]'),
    'accused', COALESCE(roles.r -> 'accused', '[]'),
    'delegations', COALESCE(roles.r -> 'delegation', '[]'),
    'citations', COALESCE(cit.c, '[]'),
    'created_at', e.created_at, 'updated_at', e.updated_at)"""

FLOOR_JOINS = (
    KIND_JOINS
    + """
    LEFT JOIN LATERAL (
        SELECT json_object_agg(role, slugs) AS r FROM (
            SELECT p.role, json_agg(a.slug ORDER BY p.id) AS slugs
            FROM events_participant p JOIN actors_actor a ON a.id = p.actor_id
            WHERE p.event_id = e.id GROUP BY p.role) AS by_role) AS roles ON true
    LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object(
            'source', s.id, 'source_title', s.title, 'source_url', s.url,
            'archive_url', s.archive_url, 'quote', ct.quote, 'speaker', sp.slug, 'via', v.slug)
            ORDER BY ct.id) AS c
        FROM events_citation ct JOIN events_source s ON s.id = ct.source_id
        LEFT JOIN actors_actor sp ON sp.id = ct.speaker_id
        LEFT JOIN actors_actor v ON v.id = ct.via_id
        WHERE ct.event_id = e.id) AS cit ON true"""
)

# A kind's endpoint also shows the kind's own fields.
KIND_EXTRA = {
    "proposal": "to_jsonb(pr) - 'event_ptr_id'",
    "accusation": "to_jsonb(va) - 'event_ptr_id'",
}


def floor_page(
    where: str, limit: int, offset: int = 0, kind: str | None = None, counted: bool = True
) -> str:
    """One statement: the page of published events matching ``where`` (about ``e``), newest
    first, built by PostgreSQL. ``counted`` (a JSON page): an object with the page's
    ``count`` as the API gives it (exact up to COUNT_LIMIT rows, counted over that many plus
    one at most, else null) and its ``results``; otherwise the array of rows (a CSV page,
    which has no count)."""
    row = FLOOR_ROW
    if kind:
        row = f"({row}::jsonb || {KIND_EXTRA[kind]})"
    rows = f"COALESCE(json_agg({row} ORDER BY e.date DESC, e.id DESC), '[]')"
    if counted:
        rows = f"""json_build_object('count', (
            SELECT NULLIF(count(*), {COUNT_LIMIT + 1}) FROM (
                SELECT 1 FROM events_event e
                WHERE e.editorial_status = 'published' AND {where}
                LIMIT {COUNT_LIMIT + 1}) AS capped), 'results', {rows})"""
    return f"""SELECT {rows}::text
        FROM (SELECT e.id FROM events_event e
              WHERE e.editorial_status = 'published' AND {where}
              ORDER BY e.date DESC, e.id DESC LIMIT {limit} OFFSET {offset}) AS page
        JOIN events_event e ON e.id = page.id {FLOOR_JOINS}"""


def floor_rows(where: str) -> str:
    """Every published event matching ``where``, one JSON row each, newest first (the floor
    of a streamed export)."""
    return f"""SELECT {FLOOR_ROW}::text FROM events_event e {FLOOR_JOINS}
        WHERE e.editorial_status = 'published' AND {where}
        ORDER BY e.date DESC, e.id DESC"""


# The same row in SQLite's JSON functions, one subquery per role list, as a Datasette user
# would write it.
def _sqlite_role(role: str) -> str:
    return f"""json((SELECT json_group_array(slug) FROM (SELECT a.slug FROM events_participant p
        JOIN actors_actor a ON a.id = p.actor_id
        WHERE p.event_id = e.id AND p.role = '{role}' ORDER BY p.id)))"""


PEER_ROW = f"""json_object(
    'id', e.id, 'kind', e.kind, 'conflict', c.slug, 'date', e.date,
    'date_precision', e.date_precision, 'end_date', e.end_date, 'title', e.title,
    'summary', e.summary, 'editorial_status', e.editorial_status,
    'proposal_kind', pr.proposal_kind, 'outcome', pr.outcome,
    'proposal', {ROW_PROPOSAL},
    'responder', ra.slug, 'stance', rs.stance,
    'proposers', {_sqlite_role("proposer")}, 'addressees', {_sqlite_role("addressee")},
    'mediators', {_sqlite_role("mediator")}, 'hosts', {_sqlite_role("host")},
    'accusers', {_sqlite_role("accuser")}, 'accused', {_sqlite_role("accused")},
    'delegations', {_sqlite_role("delegation")},
    'citations', json((SELECT json_group_array(json_object(
        'source', s.id, 'source_title', s.title, 'source_url', s.url,
        'archive_url', s.archive_url, 'quote', ct.quote, 'speaker', sp.slug, 'via', v.slug))
        FROM (SELECT * FROM events_citation WHERE event_id = e.id ORDER BY id) AS ct
        JOIN events_source s ON s.id = ct.source_id
        LEFT JOIN actors_actor sp ON sp.id = ct.speaker_id
        LEFT JOIN actors_actor v ON v.id = ct.via_id)),
    'created_at', e.created_at, 'updated_at', e.updated_at)"""

PEER_JOINS = KIND_JOINS


def peer_page(where: str, limit: int, offset: int = 0) -> str:
    """The page in SQLite: one row per event, its id and its JSON (the copy holds published
    events only)."""
    return f"""SELECT e.id, {PEER_ROW} AS row
        FROM (SELECT id FROM events_event e WHERE {where}
              ORDER BY e.date DESC, e.id DESC LIMIT {limit} OFFSET {offset}) AS page
        JOIN events_event e ON e.id = page.id {PEER_JOINS}
        ORDER BY e.date DESC, e.id DESC"""


@dataclass
class Question:
    """One analyst's question. ``answer`` says how to read an answer: ``page`` (JSON rows),
    ``csv`` (a CSV page), ``counts`` or ``matrix`` (an aggregate's cells), ``export`` (a whole
    streamed export: rows/s, not latencies)."""

    name: str
    path: str
    answer: str
    floor_sql: str | None = None
    floor_params: dict = field(default_factory=dict)
    peer_sql: str | None = None
    peer_params: dict = field(default_factory=dict)
    peer_format: str = "json"
    # A table Datasette streams, filtered by ``peer_params``, instead of ``peer_sql``.
    peer_table: str | None = None
    # Page sizes whose queries are counted in-process (lists only).
    page_sizes: tuple[int, ...] = ()


# Participant conditions, shared by the floor and the peer (the same SQL in both dialects).
INVOLVING = """(EXISTS (SELECT 1 FROM events_participant p
                        WHERE p.event_id = e.id AND p.actor_id = {actor})
                OR EXISTS (SELECT 1 FROM events_response r
                           WHERE r.event_ptr_id = e.id AND r.responder_id = {actor}))"""
IN_ROLE = """EXISTS (SELECT 1 FROM events_participant p
                     WHERE p.event_id = e.id AND p.role = '{role}' AND p.actor_id = {actor})"""
ACCUSER_WITH_AFFILIATES = """e.kind = 'accusation' AND EXISTS (
    SELECT 1 FROM events_participant p WHERE p.event_id = e.id AND p.role = 'accuser'
    AND (p.actor_id = {org} OR EXISTS (
        SELECT 1 FROM actors_affiliation f
        WHERE f.person_id = p.actor_id AND f.organization_id = {org}
          AND (f.start_date IS NULL OR f.start_date <= e.date)
          AND (f.end_date IS NULL OR f.end_date >= e.date))))"""
TOOK_EFFECT = "('accepted', 'partially_accepted', 'in_effect', 'expired', 'collapsed')"
IN_EFFECT_ON = f"""e.id IN (SELECT event_ptr_id FROM events_proposal
    WHERE outcome IN {TOOK_EFFECT} AND (
        (effective_from IS NOT NULL AND effective_from <= {{day}}
         AND (ended_on IS NULL OR ended_on >= {{day}}))
        OR (effective_from IS NULL AND proposed_start IS NOT NULL AND proposed_start <= {{day}}
            AND (proposed_end IS NULL OR proposed_end >= {{day}}))))"""


def _both(template: str, **names: str) -> tuple[str, str]:
    """A condition in psycopg's (%(name)s) and in SQLite's (:name) placeholders."""
    return (
        template.format(**{k: f"%({v})s" for k, v in names.items()}),
        template.format(**{k: f":{v}" for k, v in names.items()}),
    )


@dataclass
class Parameters:
    """What the questions ask about, picked from the data."""

    conflict: str
    conflict_id: int
    actor: str
    actor_id: int
    after: datetime.date
    before: datetime.date
    organization: str
    organization_id: int
    proposer: str
    proposer_id: int
    day: datetime.date
    word: str
    published: int


def pick_parameters(cursor) -> Parameters:
    """The most frequent conflict of the published events, its most frequent state, the year
    around its median date, the organization with the most affiliated people, the most
    frequent proposer, a day in the middle of the truces that took effect, and a word of the
    titles found in a few percent of them."""

    def one(sql: str, params=()):
        cursor.execute(sql, params)
        return cursor.fetchone()

    published = one("SELECT count(*) FROM events_event WHERE editorial_status = 'published'")[0]
    if not published:
        raise SystemExit("The database holds no published events to ask about.")
    conflict_id, conflict = one(
        """SELECT c.id, c.slug FROM events_event e JOIN events_conflict c ON c.id = e.conflict_id
           WHERE e.editorial_status = 'published' GROUP BY c.id, c.slug
           ORDER BY count(*) DESC, c.slug LIMIT 1"""
    )
    actor_id, actor = one(
        """SELECT a.id, a.slug FROM events_participant p
           JOIN events_event e ON e.id = p.event_id JOIN actors_actor a ON a.id = p.actor_id
           WHERE e.conflict_id = %s AND e.editorial_status = 'published' AND a.kind = 'state'
           GROUP BY a.id, a.slug ORDER BY count(*) DESC, a.slug LIMIT 1""",
        [conflict_id],
    )
    (middle,) = one(
        """SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY date) FROM events_event
           WHERE conflict_id = %s AND editorial_status = 'published'""",
        [conflict_id],
    )
    organization_id, organization = one(
        """SELECT a.id, a.slug FROM actors_affiliation f JOIN actors_actor a
           ON a.id = f.organization_id GROUP BY a.id, a.slug
           ORDER BY count(*) DESC, a.slug LIMIT 1"""
    )
    proposer_id, proposer = one(
        """SELECT a.id, a.slug FROM events_participant p JOIN actors_actor a ON a.id = p.actor_id
           WHERE p.role = 'proposer' GROUP BY a.id, a.slug ORDER BY count(*) DESC, a.slug
           LIMIT 1"""
    )
    day = one(
        f"""SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY effective_from)
            FROM events_proposal WHERE outcome IN {TOOK_EFFECT}"""
    )[0] or datetime.date(2020, 6, 15)
    return Parameters(
        conflict=conflict,
        conflict_id=conflict_id,
        actor=actor,
        actor_id=actor_id,
        after=datetime.date(middle.year, 1, 1),
        before=datetime.date(middle.year, 12, 31),
        organization=organization,
        organization_id=organization_id,
        proposer=proposer,
        proposer_id=proposer_id,
        day=day,
        word=pick_word(cursor),
        published=published,
    )


def pick_word(cursor, sample: int = 2000, share: float = 0.03) -> str:
    """A word of the titles (5 letters or more, not an English stop word) found in about
    ``share`` of a sample of them: a search that finds a few percent of the events."""
    cursor.execute(
        "SELECT title FROM events_event WHERE editorial_status = 'published' ORDER BY id LIMIT %s",
        [sample],
    )
    titles = [row[0] for row in cursor.fetchall()]
    frequency = Counter(
        word for title in titles for word in {w.lower() for w in re.findall(r"[A-Za-z]{5,}", title)}
    )
    for word, _ in sorted(
        frequency.items(), key=lambda item: (abs(item[1] / len(titles) - share), item[0])
    ):
        cursor.execute("SELECT to_tsvector('english', %s) <> ''::tsvector", [word])
        if cursor.fetchone()[0]:
            return word
    raise SystemExit("No word of the titles to search for.")


def questions(p: Parameters) -> list[Question]:
    """The fixed mix of analysts' questions, with the data's parameters."""
    values = {
        "conflict_id": p.conflict_id,
        "actor_id": p.actor_id,
        "after": p.after.isoformat(),
        "before": p.before.isoformat(),
        "organization_id": p.organization_id,
        "proposer_id": p.proposer_id,
        "day": p.day.isoformat(),
        "word": p.word,
    }

    def page(name, path, condition, *, kind=None, limit=PAGE, offset=0, **names):
        """A page of events matching ``condition`` (a template whose {placeholders} are
        ``names``' parameters), in both dialects."""
        floor_where, peer_where = _both(condition, **names)
        params = {name: values[name] for name in names.values()}
        csv_page = limit == CSV_PAGE
        return Question(
            name,
            path,
            "csv" if csv_page else "page",
            floor_page(floor_where, limit, offset, kind, counted=not csv_page),
            params,
            peer_page(peer_where, limit, offset),
            params,
            peer_format="csv" if csv_page else "json",
            page_sizes=() if csv_page else (PAGE,) if offset else (PAGE, CSV_PAGE),
        )

    by_conflict = {"conflict_id": p.conflict_id}
    deep_page = max(1, min(DEEP_PAGE, (p.published - 1) // PAGE + 1))
    dates = urlencode(
        {"conflict": p.conflict, "actor": p.actor, "date_after": p.after, "date_before": p.before}
    )
    search = page(f"q={p.word}", f"/api/v1/events/?q={p.word}", "TRUE")
    search.floor_sql = floor_page(
        """to_tsvector('english'::regconfig, COALESCE(e.search_document, ''))
           @@ websearch_to_tsquery('english'::regconfig, %(word)s)""",
        PAGE,
    )
    search.peer_sql = peer_page(
        "e.id IN (SELECT rowid FROM events_event_fts WHERE events_event_fts MATCH :word)", PAGE
    )
    search.floor_params = search.peer_params = {"word": p.word}
    return [
        page(
            "timeline of a conflict",
            f"/api/v1/events/?conflict={p.conflict}",
            "e.conflict_id = {c}",
            c="conflict_id",
        ),
        page(
            "conflict+actor+dates",
            f"/api/v1/events/?{dates}",
            "e.conflict_id = {c} AND e.period_end >= {a} AND e.date <= {b} AND " + INVOLVING,
            c="conflict_id",
            a="after",
            b="before",
            actor="actor_id",
        ),
        page(
            "accuser+affiliates",
            f"/api/v1/accusations/?accuser={p.organization}&include_affiliates=true",
            ACCUSER_WITH_AFFILIATES,
            kind="accusation",
            org="organization_id",
        ),
        page(
            "role: proposer",
            f"/api/v1/events/?proposer={p.proposer}",
            IN_ROLE.replace("{role}", "proposer"),
            actor="proposer_id",
        ),
        page(
            "proposals in_effect_on",
            f"/api/v1/proposals/?in_effect_on={p.day}",
            IN_EFFECT_ON,
            kind="proposal",
            day="day",
        ),
        search,
        page(
            f"deep page {deep_page}",
            f"/api/v1/events/?page={deep_page}",
            "TRUE",
            offset=(deep_page - 1) * PAGE,
        ),
        page(
            f"csv page of {CSV_PAGE}",
            f"/api/v1/events/?conflict={p.conflict}&page_size={CSV_PAGE}&format=csv",
            "e.conflict_id = {c}",
            limit=CSV_PAGE,
            c="conflict_id",
        ),
        Question(
            "counts by kind and month",
            f"/api/v1/conflicts/{p.conflict}/counts/",
            "counts",
            """SELECT COALESCE(json_agg(json_build_object('month', month, 'kind', kind,
                                                         'count', n) ORDER BY month, kind),
                               '[]')::text
               FROM (SELECT to_char(date, 'YYYY-MM') AS month, kind, count(*) AS n
                     FROM events_event e WHERE e.editorial_status = 'published'
                       AND e.conflict_id = %(conflict_id)s GROUP BY 1, 2) AS cells""",
            by_conflict,
            """SELECT substr(date, 1, 7) AS month, kind, count(*) AS count FROM events_event
               WHERE conflict_id = :conflict_id GROUP BY 1, 2 ORDER BY 1, 2""",
            by_conflict,
        ),
        Question(
            "accusation matrix",
            f"/api/v1/conflicts/{p.conflict}/accusation-matrix/",
            "matrix",
            """SELECT COALESCE(json_agg(json_build_object('accuser', accuser, 'accused', accused,
                                                         'count', n) ORDER BY accuser, accused),
                               '[]')::text
               FROM (SELECT a1.slug COLLATE "C" AS accuser, a2.slug COLLATE "C" AS accused,
                            count(*) AS n
                     FROM events_event e
                     JOIN events_participant p1 ON p1.event_id = e.id AND p1.role = 'accuser'
                     JOIN events_participant p2 ON p2.event_id = e.id AND p2.role = 'accused'
                     JOIN actors_actor a1 ON a1.id = p1.actor_id
                     JOIN actors_actor a2 ON a2.id = p2.actor_id
                     WHERE e.editorial_status = 'published' AND e.kind = 'accusation'
                       AND e.conflict_id = %(conflict_id)s GROUP BY 1, 2) AS cells""",
            by_conflict,
            """SELECT a1.slug AS accuser, a2.slug AS accused, count(*) AS count
               FROM events_event e
               JOIN events_participant p1 ON p1.event_id = e.id AND p1.role = 'accuser'
               JOIN events_participant p2 ON p2.event_id = e.id AND p2.role = 'accused'
               JOIN actors_actor a1 ON a1.id = p1.actor_id
               JOIN actors_actor a2 ON a2.id = p2.actor_id
               WHERE e.kind = 'accusation' AND e.conflict_id = :conflict_id
               GROUP BY 1, 2 ORDER BY 1, 2""",
            by_conflict,
        ),
    ]


def export_question(p: Parameters) -> Question:
    """The whole streamed export of the biggest conflict."""
    where_fl, _ = _both("e.conflict_id = {c}", c="conflict_id")
    return Question(
        "export.csv of a conflict",
        f"/api/v1/events/export.csv?conflict={p.conflict}",
        "export",
        floor_rows(where_fl),
        {"conflict_id": p.conflict_id},
        peer_params={"conflict_id__exact": p.conflict_id, "_sort_desc": "date", "_size": "max"},
        peer_format="csv",
        peer_table="events_event",
    )
