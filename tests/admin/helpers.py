"""Build the POST data an editor's browser sends from an event's admin form."""


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


def proposal_form(conflict, participants=(), citations=(), **fields) -> dict:
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
    return data
