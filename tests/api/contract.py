"""What DESIGN.md's API contract names, shared by the tests that check it."""

from events.models import Participant

# DESIGN.md, "The REST API (contract)": the filters of the timeline.
CONTRACT_FILTERS = {
    "conflict",
    "actor",
    *(role.value for role in Participant.Role),
    "include_affiliates",
    "date_after",
    "date_before",
    "kind",
    "proposal_kind",
    "scope",
    "outcome",
    "stance",
    "in_effect_on",
    "q",
    "ordering",
    "updated_after",
}
