"""Build the POST data an editor's browser sends from an event's admin form, and the records a
suggested draft is made of."""

import datetime

from tests.factories import ActorFactory, ConflictFactory, SourceFactory


def inline_management(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = "" if value is None else str(value)
    return data


def proposal_form(conflict, participants=(), citations=(), locations=(), **fields) -> dict:
    data = {
        "conflict": conflict.pk,
        "title": "Easter truce",
        "summary": "",
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal_kind": "ceasefire",
        "outcome": "proposed",
        **fields,
    }
    data.update(
        inline_management(
            "participants", [{"actor": a.pk, "role": role} for a, role in participants]
        )
    )
    data.update(
        inline_management("citations", [{"source": s.pk, "quote": quote} for s, quote in citations])
    )
    data.update(inline_management("locations", list(locations)))
    return data


def suggested_proposal_body(source, quote: str, **changes) -> dict:
    """A proposal as the suggestion engine writes it: the write API's POST body, citing
    ``quote`` in ``source`` (a conflict russia-ukraine-war, actors russia and ukraine)."""
    return {
        "title": "Russia declares a 30-hour ceasefire",
        "conflict": "russia-ukraine-war",
        "date": "2025-04-19",
        "date_precision": "day",
        "proposal_kind": "ceasefire",
        "arrangement": "unilateral",
        "duration_hours": 30,
        "proposers": ["russia"],
        "addressees": ["ukraine"],
        "citations": [{"source": source.pk, "quote": quote}],
        **changes,
    }


def suggestion_world(body: str, **source) -> dict:
    """The conflict and actors ``suggested_proposal_body`` names, and an article of ``body``
    published on 2025-04-20."""
    return {
        "conflict": ConflictFactory(name="Russia Ukraine war", slug="russia-ukraine-war"),
        "russia": ActorFactory(name="Russia"),
        "ukraine": ActorFactory(name="Ukraine"),
        "source": SourceFactory(
            body=body, published_at=datetime.datetime(2025, 4, 20, tzinfo=datetime.UTC), **source
        ),
    }
