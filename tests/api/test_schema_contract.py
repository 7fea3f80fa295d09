"""The OpenAPI document as a contract clients are generated from: each error a request can get
is documented with its body, CSV is text, list rows may be tombstones, and parameters have
their real types and named enums. Real responses are validated against the document."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from openapi_schema_validator import OAS30ReadValidator

from actors.models import Actor
from events.api.pagination import PageNumberPagination
from events.api.urls import router
from events.models import Event, Participant
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ActorFactory, ParticipantFactory, ProposalFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
MAX_ID = 2**63 - 1


@pytest.fixture
def schema(anonymous) -> dict:
    response = anonymous.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def parameters(schema: dict, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


def check_response(schema: dict, path: str, method: str, response) -> None:
    """The response's status is documented for the operation, and its body is valid against
    the schema documented for its status and media type."""
    documented = schema["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path}: {status} is not documented"
    media_type = response["Content-Type"].split(";")[0]
    body_schema = documented[status]["content"][media_type]["schema"]
    body = response.json() if media_type == "application/json" else response.content.decode()
    # The document's components travel with the fragment, so that its $refs resolve.
    OAS30ReadValidator({**body_schema, "components": schema["components"]}).validate(body)


def test_the_document_is_generated_without_a_warning(tmp_path):
    # --fail-on-warn: an unresolved type, an enum name collision or a hash-named enum fails.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", tmp_path / "api.yaml")


# --- responses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, statuses",
    [
        ("get", "/events/", {"200", "400", "401", "404"}),
        ("get", "/events/{id}/", {"200", "400", "401", "404"}),
        ("get", "/events/export.csv", {"200", "400", "401"}),
        ("get", "/actors/{slug}/", {"200", "301", "400", "401", "404"}),
        ("get", "/conflicts/{slug}/counts/", {"200", "400", "401", "404"}),
        ("post", "/proposals/", {"201", "400", "401", "403", "404"}),
        ("put", "/proposals/{id}/", {"200", "400", "401", "403", "404", "412"}),
        ("patch", "/sources/{id}/", {"200", "400", "401", "403", "404", "412"}),
        ("delete", "/proposals/{id}/", {"204", "400", "401", "403", "404", "409", "412"}),
        ("post", "/proposals/{id}/publish/", {"200", "400", "401", "403", "404", "409", "412"}),
        ("patch", "/actors/{slug}/", {"200", "400", "401", "403", "404"}),
        ("delete", "/actors/{slug}/", {"204", "400", "401", "403", "404", "409"}),
    ],
)
def test_each_operation_documents_the_errors_it_can_answer(schema, method, path, statuses):
    assert set(schema["paths"][f"{API}{path}"][method]["responses"]) == statuses


def test_error_bodies_have_their_schemas(schema):
    components = schema["components"]["schemas"]
    responses = schema["paths"][f"{API}/proposals/{{id}}/publish/"]["post"]["responses"]

    body = {code: responses[code]["content"]["application/json"]["schema"] for code in responses}
    assert body["400"] == {"$ref": "#/components/schemas/ValidationError"}
    for code in ("401", "403", "404", "409", "412"):
        assert body[code] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert components["ErrorDetail"]["properties"] == {"detail": {"type": "string"}}
    errors = components["ValidationError"]
    assert errors["properties"]["non_field_errors"]["items"] == {"type": "string"}
    assert errors["properties"]["detail"] == {"type": "string"}
    assert errors["additionalProperties"]


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in router.registry])
def test_csv_is_documented_as_text_on_every_list_and_detail(schema, prefix):
    paths = [p for p in schema["paths"] if p.startswith(f"{API}/{prefix}/")]
    paths = [p for p in paths if "get" in schema["paths"][p]]
    rendered = 0
    for path in paths:
        response = schema["paths"][path]["get"]["responses"]["200"]
        if "text/csv" in response["content"]:
            rendered += 1
            assert response["content"]["text/csv"]["schema"]["type"] == "string", path
    # The list, its detail and its CSV export at least.
    assert rendered >= 2 + (f"{API}/{prefix}/export.csv" in paths)


@pytest.mark.parametrize(
    "prefix, row",
    [
        ("events", "Event"),
        ("proposals", "Proposal"),
        ("responses", "Response"),
        ("meetings", "Meeting"),
        ("accusations", "Accusation"),
    ],
)
def test_event_list_rows_are_records_or_tombstones(schema, prefix, row):
    page = schema["paths"][f"{API}/{prefix}/"]["get"]["responses"]["200"]["content"]
    results = resolve(schema, page["application/json"]["schema"])["properties"]["results"]

    assert results["items"] == {
        "oneOf": [
            {"$ref": f"#/components/schemas/{row}"},
            {"$ref": "#/components/schemas/Tombstone"},
        ]
    }


def test_a_tombstone_is_its_four_fields_and_no_other(schema):
    tombstone = schema["components"]["schemas"]["Tombstone"]

    assert set(tombstone["properties"]) == {"id", "kind", "editorial_status", "updated_at"}
    assert set(tombstone["required"]) == set(tombstone["properties"])
    assert tombstone["additionalProperties"] is False
    assert resolve(schema, tombstone["properties"]["editorial_status"])["enum"] == ["retracted"]
    assert tombstone["properties"]["kind"] == {"$ref": "#/components/schemas/EventKindEnum"}


def test_the_other_lists_have_plain_rows(schema):
    page = schema["paths"][f"{API}/actors/"]["get"]["responses"]["200"]["content"]
    results = resolve(schema, page["application/json"]["schema"])["properties"]["results"]

    assert results["items"] == {"$ref": "#/components/schemas/Actor"}


# --- real responses against the document ------------------------------------------------------


def test_a_sync_with_a_tombstone_is_valid_against_the_document(schema, anonymous, reviewer_api):
    since = timezone.now() - datetime.timedelta(minutes=1)
    kept = ProposalFactory(editorial_status=Event.Status.PUBLISHED)
    gone = ProposalFactory(editorial_status=Event.Status.RETRACTED)

    for prefix in ("events", "proposals"):
        response = anonymous.get(f"{API}/{prefix}/", {"updated_after": since.isoformat()})
        rows = {row["id"]: row for row in response.json()["results"]}
        assert set(rows) == {kept.pk, gone.pk}
        assert set(rows[gone.pk]) == {"id", "kind", "editorial_status", "updated_at"}
        check_response(schema, f"{API}/{prefix}/", "get", response)

        # A reviewer gets the retracted record whole: a row, not a tombstone.
        response = reviewer_api.get(f"{API}/{prefix}/", {"updated_after": since.isoformat()})
        assert "title" in {row["id"]: row for row in response.json()["results"]}[gone.pk]
        check_response(schema, f"{API}/{prefix}/", "get", response)


def test_csv_responses_are_valid_against_the_document(schema, anonymous):
    ProposalFactory(editorial_status=Event.Status.PUBLISHED)

    response = anonymous.get(f"{API}/events/", {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    check_response(schema, f"{API}/events/", "get", response)


def test_each_error_is_documented_with_its_body(schema, anonymous, analyst, reviewer_api):
    used = ActorFactory()
    draft = ProposalFactory(editorial_status=Event.Status.DRAFT)
    ParticipantFactory(event=draft, actor=used, role=Participant.Role.PROPOSER)
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    detail = f"{API}/proposals/{{id}}/"
    cases = [
        (400, "get", f"{API}/events/", reviewer_api.get(f"{API}/events/", {"kind": "nonsense"})),
        (400, "post", f"{API}/proposals/", reviewer_api.post(f"{API}/proposals/", {}, "json")),
        (401, "get", f"{API}/events/", anonymous.get(f"{API}/events/")),
        (403, "post", f"{API}/proposals/", analyst.post(f"{API}/proposals/", {}, "json")),
        (404, "get", detail, reviewer_api.get(f"{API}/proposals/{draft.pk + 1}/")),
        (404, "get", f"{API}/events/", reviewer_api.get(f"{API}/events/", {"page": 99})),
        (
            409,
            "delete",
            f"{API}/actors/{{slug}}/",
            reviewer_api.delete(f"{API}/actors/{used.slug}/"),
        ),
        (
            409,
            "post",
            f"{detail}publish/",
            reviewer_api.post(f"{API}/proposals/{draft.pk}/publish/"),
        ),
        (
            412,
            "patch",
            detail,
            reviewer_api.patch(
                f"{API}/proposals/{draft.pk}/", {"title": "New"}, "json", HTTP_IF_MATCH='"old"'
            ),
        ),
    ]
    for status, method, path, response in cases:
        assert response.status_code == status, (path, response.content)
        check_response(schema, path, method, response)


# --- parameters -------------------------------------------------------------------------------


def list_filters():
    """(prefix, filter name, filter) of every list's FilterSet."""
    for prefix, viewset, _ in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, filter_ in (filterset.base_filters if filterset else {}).items():
            yield prefix, name, filter_


@pytest.mark.parametrize(
    "prefix, name, filter_",
    [f for f in list_filters() if "choices" in f[2].extra],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_choice_filters_are_arrays_of_a_named_enum(schema, prefix, name, filter_):
    parameter = parameters(schema, f"{API}/{prefix}/")[name]

    assert parameter["schema"]["type"] == "array"
    assert (parameter["style"], parameter["explode"]) == ("form", False)
    items = parameter["schema"]["items"]
    assert set(items) == {"$ref"}, "an enum component, not an inline enum"
    assert resolve(schema, items)["enum"] == [value for value, _ in filter_.extra["choices"]]


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in router.registry])
def test_list_valued_filters_are_comma_separated_arrays(schema, prefix):
    documented = parameters(schema, f"{API}/{prefix}/")
    arrays = {name for name, p in documented.items() if p["schema"].get("type") == "array"}

    for name in arrays:
        assert documented[name]["style"] == "form"
        assert documented[name]["explode"] is False
        assert documented[name]["schema"]["minItems"] == 1
    # Slugs (actors, conflicts), choices and ordering are lists wherever a list has them.
    assert {"actor", "conflict", "kind", "ordering", "proposer"} & documented.keys() <= arrays


def test_kinds_of_events_and_of_actors_are_distinct_readable_enums(schema):
    components = schema["components"]["schemas"]

    assert components["EventKindEnum"]["enum"] == list(Event.Kind.values)
    assert components["ActorKindEnum"]["enum"] == list(Actor.Kind.values)
    assert parameters(schema, f"{API}/events/")["kind"]["schema"]["items"] == {
        "$ref": "#/components/schemas/EventKindEnum"
    }
    assert parameters(schema, f"{API}/actors/")["kind"]["schema"]["items"] == {
        "$ref": "#/components/schemas/ActorKindEnum"
    }
    # The fields use the same components as the filters.
    assert components["Event"]["properties"]["kind"]["allOf"] == [
        {"$ref": "#/components/schemas/EventKindEnum"}
    ]
    assert components["Actor"]["properties"]["kind"] == {
        "$ref": "#/components/schemas/ActorKindEnum"
    }


def test_enum_names_are_words_and_each_choice_set_has_one_name(schema):
    enums = {name: s["enum"] for name, s in schema["components"]["schemas"].items() if "enum" in s}

    assert [name for name in enums if not re.fullmatch(r"[A-Z][A-Za-z]*Enum", name)] == []
    values = [tuple(sorted(map(str, v))) for v in enums.values()]
    assert len(values) == len(set(values))


def test_ordering_is_an_enum_of_its_keys_both_ways(schema):
    components = schema["components"]["schemas"]
    events = parameters(schema, f"{API}/events/")["ordering"]["schema"]["items"]
    actors = parameters(schema, f"{API}/actors/")["ordering"]["schema"]["items"]

    assert events == {"$ref": "#/components/schemas/EventOrderingEnum"}
    assert components["EventOrderingEnum"]["enum"] == [
        *("date", "-date", "updated_at", "-updated_at", "title", "-title", "id", "-id")
    ]
    assert actors == {"$ref": "#/components/schemas/ActorOrderingEnum"}
    assert components["ActorOrderingEnum"]["enum"] == ["name", "-name", "slug", "-slug"]
    # Every event endpoint orders by the same keys: one enum.
    for prefix in ("proposals", "responses", "meetings", "accusations"):
        assert parameters(schema, f"{API}/{prefix}/")["ordering"]["schema"]["items"] == events


@pytest.mark.parametrize("prefix", ["events", "actors", "sources", "participants"])
def test_pages_and_page_sizes_have_their_bounds(schema, prefix):
    documented = parameters(schema, f"{API}/{prefix}/")

    assert documented["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert documented["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": PageNumberPagination.max_page_size,
    }
    assert PageNumberPagination.max_page_size == 1000


@pytest.mark.parametrize("page_size, count", [(1, 1), (1000, 3)])
def test_the_documented_page_sizes_are_accepted_at_their_bounds(anonymous, page_size, count):
    ProposalFactory.create_batch(3, editorial_status=Event.Status.PUBLISHED)

    response = anonymous.get(f"{API}/events/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


def test_ids_in_paths_are_integers_from_one(schema):
    documented = parameters(schema, f"{API}/proposals/{{id}}/")

    assert documented["id"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10**18 - 1,
    }


def test_reads_need_no_token_and_writes_do(schema):
    assert {} in schema["paths"][f"{API}/events/"]["get"]["security"]
    assert {} not in schema["paths"][f"{API}/proposals/"]["post"]["security"]


def test_request_bodies_are_json(schema):
    body = schema["paths"][f"{API}/proposals/"]["post"]["requestBody"]["content"]

    assert list(body) == ["application/json"]


def test_reads_requiring_a_token_are_documented_so(settings, anonymous):
    settings.API_READ_REQUIRES_TOKEN = True

    document = json.loads(anonymous.get("/api/schema/", {"format": "json"}).content)

    assert {} not in document["paths"][f"{API}/events/"]["get"]["security"]


@pytest.mark.parametrize(
    "prefix, name",
    [("events", "id"), ("events", "thread"), ("responses", "proposal"), ("proposals", "id")],
)
def test_id_filters_are_arrays_of_positive_64_bit_integers(schema, prefix, name):
    parameter = parameters(schema, f"{API}/{prefix}/")[name]

    assert parameter["schema"]["items"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    assert (parameter["style"], parameter["explode"]) == ("form", False)


@pytest.mark.parametrize("value, status", [(1, 200), (MAX_ID, 200), (0, 400), (MAX_ID + 1, 400)])
def test_id_filters_take_exactly_the_documented_range(anonymous, value, status):
    proposal = ProposalFactory(editorial_status=Event.Status.PUBLISHED)

    response = anonymous.get(f"{API}/events/", {"id": value})

    assert response.status_code == status, response.content
    if status == 200:
        assert [row["id"] for row in response.json()["results"]] == (
            [proposal.pk] if proposal.pk == value else []
        )


def test_an_error_asked_as_csv_is_the_documented_json(schema, anonymous):
    response = anonymous.get(f"{API}/events/", {"format": "csv", "kind": "nonsense"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    check_response(schema, f"{API}/events/", "get", response)


@pytest.mark.parametrize(
    "path",
    ["/events/", "/proposals/{id}/", "/proposals/export.csv", "/actors/", "/participants/"],
)
def test_field_selection_is_documented_on_reads(schema, path):
    parameter = parameters(schema, f"{API}{path}")["fields"]

    assert parameter["schema"]["type"] == "array"
    assert (parameter["style"], parameter["explode"]) == ("form", False)


def test_field_selection_is_not_offered_on_writes_and_aggregates(schema):
    assert "fields" not in parameters(schema, f"{API}/proposals/", "post")
    assert "fields" not in parameters(schema, f"{API}/conflicts/{{slug}}/counts/")


def test_a_documented_field_selection_answers_those_fields(anonymous):
    proposal = ProposalFactory(editorial_status=Event.Status.PUBLISHED)

    response = anonymous.get(f"{API}/events/", {"fields": "id,title"})

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": proposal.pk, "title": proposal.title}]
