"""docs/codebook.md documents every field the API shows: a field added to a record without
its codebook entry (its meaning and its anchors' equivalent) fails here."""

from pathlib import Path

import pytest

from actors.api.serializers import ActorSerializer
from events.api.serializers import (
    KIND_SERIALIZERS,
    CitationSerializer,
    ConflictSerializer,
    EventSerializer,
)

CODEBOOK = Path(__file__).resolve().parent.parent / "docs" / "codebook.md"
SERIALIZERS = [EventSerializer, *KIND_SERIALIZERS.values(), CitationSerializer, ConflictSerializer]
SERIALIZERS.append(ActorSerializer)


def shown_fields(serializer_class) -> set[str]:
    return {name for name, field in serializer_class().fields.items() if not field.write_only}


FIELDS = sorted({name for s in SERIALIZERS for name in shown_fields(s)})


@pytest.mark.parametrize("name", FIELDS)
def test_every_field_of_the_api_is_in_the_codebook(name):
    assert f"`{name}`" in CODEBOOK.read_text(), f"docs/codebook.md does not document `{name}`"


def test_the_check_notices_a_field_the_codebook_does_not_name():
    assert "`no_such_field`" not in CODEBOOK.read_text()
    assert "proposal_kind" in FIELDS  # the fields are read from the serializers
