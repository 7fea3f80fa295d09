"""A meeting's lists of proposals are bounded: each id costs a look-up."""

import pytest

from events.api.fields import BoundedManyRelatedField
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ConflictFactory, ProposalFactory

pytestmark = pytest.mark.django_db

LIMIT = BoundedManyRelatedField.MAX_LINKS


def meeting(conflict, **fields) -> dict:
    return {"conflict": conflict.slug, "date": "2025-03-11", "title": "Talks", **fields}


@pytest.mark.parametrize("field", ["produced", "discussed"])
def test_one_proposal_more_than_the_limit_is_a_400_naming_the_list(editor_api, field):
    conflict = ConflictFactory()
    ids = list(range(1, LIMIT + 2))
    response = editor_api.post(
        "/api/v1/meetings/", meeting(conflict, **{field: ids}), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {field: [f"At most {LIMIT} records; this list has {LIMIT + 1}."]}


@pytest.mark.parametrize("field", ["produced", "discussed"])
def test_a_list_at_the_limit_is_accepted(editor_api, field):
    conflict = ConflictFactory()
    ids = [ProposalFactory(conflict=conflict).pk for _ in range(LIMIT)]
    response = editor_api.post(
        "/api/v1/meetings/", meeting(conflict, **{field: ids}), format="json"
    )
    assert response.status_code == 201, response.content
    assert sorted(response.json()[field]) == sorted(ids)
