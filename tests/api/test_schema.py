"""The OpenAPI document, its documentation page (no CDN) and the browsable API."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from events.api.urls import router
from tests.api.contract import CONTRACT_FILTERS
from tests.api.personas import *  # noqa: F403 (the personas: fixtures found by name)
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

# The viewsets whose ``@action(detail=True)`` routes are also documented.
AGGREGATES = ["/api/v1/conflicts/{slug}/counts/", "/api/v1/conflicts/{slug}/accusation-matrix/"]
ACTIONS = [
    *AGGREGATES,
    *(
        f"/api/v1/{kind}/{{id}}/{step}/"
        for kind in ("proposals", "responses", "meetings", "accusations")
        for step in ("submit", "publish", "retract", "return-to-draft")
    ),
    *(
        f"/api/v1/{prefix}/export.{extension}"
        for prefix in (
            *("events", "proposals", "responses", "meetings", "accusations"),
            *("participants", "citations", "locations"),
        )
        for extension in ("csv", "jsonl")
    ),
    *(
        f"/api/v1/{prefix}/feed.atom"
        for prefix in ("events", "proposals", "responses", "meetings", "accusations")
    ),
    "/api/v1/sources/{id}/suggestions/",
    "/api/v1/releases/{version}/{name}",
]
# The contract's timeline filters, and pagination.
TIMELINE_FILTERS = CONTRACT_FILTERS | {"page", "page_size"}


@pytest.fixture
def schema(anonymous) -> dict:
    response = anonymous.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def parameters(schema: dict, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


def test_the_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_yaml_schema_is_the_same_valid_document(anonymous, schema):
    response = anonymous.get("/api/schema/")

    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    document = yaml.safe_load(response.content)
    validate(document)
    assert document["paths"].keys() == schema["paths"].keys()


def test_every_endpoint_is_documented(schema):
    expected = set(ACTIONS)
    for prefix, viewset, _ in router.registry:
        expected.add(f"/api/v1/{prefix}/")
        expected.add(f"/api/v1/{prefix}/{{{getattr(viewset, 'lookup_field', 'pk')}}}/")
    expected = {path.replace("{pk}", "{id}") for path in expected}

    documented = {path for path in schema["paths"] if path.startswith("/api/v1/")}

    assert documented == expected


def test_the_timeline_documents_the_contract_filters(schema):
    documented = parameters(schema, "/api/v1/events/")

    assert TIMELINE_FILTERS <= documented.keys(), TIMELINE_FILTERS - documented.keys()
    assert documented["in_effect_on"]["schema"]["type"] == "string"
    assert documented["include_affiliates"]["schema"]["type"] == "boolean"
    assert documented["q"]["description"]


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in router.registry])
def test_every_filter_of_a_list_is_documented(schema, prefix):
    viewset = next(v for p, v, _ in router.registry if p == prefix)
    filterset = getattr(viewset, "filterset_class", None)
    declared = set(filterset.get_filters()) if filterset else set()

    documented = parameters(schema, f"/api/v1/{prefix}/")

    assert declared <= documented.keys(), declared - documented.keys()
    assert "csv" in documented["format"]["schema"]["enum"]


def test_roles_are_written_as_lists_of_slugs_and_status_is_read_only(schema):
    components = schema["components"]["schemas"]

    request = components["ProposalRequest"]["properties"]
    assert request["proposers"]["type"] == "array"
    assert request["proposers"]["items"]["type"] == "string"
    assert "editorial_status" not in request
    assert "editorial_status" in components["Proposal"]["properties"]


def test_the_aggregates_document_their_period(schema):
    for path in AGGREGATES:
        assert {"date_after", "date_before"} <= parameters(schema, path).keys()


class Links(HTMLParser):
    """The URLs of a page's src and href attributes; ``resources`` are those the browser
    fetches on its own (scripts, stylesheets, icons, images), not links a reader may follow."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)
                if tag != "a":
                    self.resources.append(value)


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def is_local(url: str) -> bool:
    return urlsplit(url).netloc in ("", "testserver")


def test_the_docs_page_loads_nothing_from_a_cdn(anonymous):
    response = anonymous.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    urls = links(response.content.decode()).urls
    assert urls, "the page should load Swagger UI"
    assert [url for url in urls if not is_local(url)] == []
    # Swagger UI's start-up script comes from the page's own URL (no inline script: the
    # Content Security Policy allows none); everything else is a static file.
    assert "/api/docs/?script=" in urls
    static = [url for url in urls if url != "/api/docs/?script="]
    assert all(url.startswith("/static/") for url in static), urls
    # Each of them is a file the project serves itself.
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url


def test_the_docs_page_reads_the_local_schema(anonymous):
    script = anonymous.get("/api/docs/?script=")

    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


def test_the_browsable_api_renders_the_timeline(anonymous):
    ProposalFactory(editorial_status="published", title="Easter truce")

    response = anonymous.get("/api/v1/events/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Easter truce" in html
    resources = links(html).resources
    assert [url for url in resources if not is_local(url)] == []
    assert any(url.startswith("/static/rest_framework/") for url in resources), resources
