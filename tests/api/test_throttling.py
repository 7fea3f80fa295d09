"""The API's rate limits: the Nth request of a window passes and the next is a 429 with
Retry-After, the RateLimit-* headers count down, anonymous clients are counted by address and
signed-in ones by user (a token's user is the key), and "off" means no limit."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from lib.throttling import RateThrottle
from tests.api.personas import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/conflicts/"
ADDRESSES = ("127.0.0.1", "203.0.113.7", "198.51.100.9")


class Clock:
    """The throttles' clock, moved by the test (an instance: not bound as a method)."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(RateThrottle, "timer", clock)
    return clock


@pytest.fixture(autouse=True)
def counters():
    """The counters live in the default cache, which outlives a test's transaction: each test
    here starts and ends without the ones it uses."""

    def forget():
        users = get_user_model().objects.values_list("pk", flat=True)
        cache.delete_many(
            [f"throttle_anon_{address}" for address in ADDRESSES]
            + [f"throttle_user_{pk}" for pk in users]
        )

    forget()
    yield
    forget()


@pytest.fixture
def rates(settings):
    def set_rates(anon=None, user=None):
        settings.API_THROTTLE_RATES = {"anon": anon, "user": user}

    return set_rates


def headers(response) -> tuple[str, str, str]:
    return (
        response.get("RateLimit-Limit"),
        response.get("RateLimit-Remaining"),
        response.get("RateLimit-Reset"),
    )


def test_the_nth_anonymous_request_passes_and_the_next_is_a_429(client, rates, clock):
    rates(anon=(3, 60))
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}


def test_the_headers_count_down_to_zero(client, rates, clock):
    rates(anon=(3, 60))
    seen = [headers(client.get(URL))]
    clock.now += 10
    seen += [headers(client.get(URL)) for _ in range(3)]
    # The reset is when the oldest counted request leaves the window: 60 s after the first.
    assert seen == [("3", "2", "60"), ("3", "1", "50"), ("3", "0", "50"), ("3", "0", "50")]


def test_the_window_has_room_again_when_the_oldest_request_leaves_it(client, rates, clock):
    rates(anon=(2, 60))
    client.get(URL)
    clock.now += 30
    client.get(URL)
    clock.now += 29.5
    early = client.get(URL)
    assert early.status_code == 429
    assert early["Retry-After"] == "1"
    clock.now += 0.5  # 60 s after the first request: it is out of the window
    again = client.get(URL)
    assert again.status_code == 200
    assert headers(again) == ("2", "0", "30")


def test_each_token_has_its_own_budget(rates, clock):
    rates(anon=(1, 60), user=(2, 60))
    first = token_client(UserFactory(username="analyst-one"))
    second = token_client(UserFactory(username="analyst-two"))
    assert [first.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert [second.get(URL).status_code for _ in range(2)] == [200, 200]
    assert headers(second.get(URL))[:2] == ("2", "0")


def test_a_token_is_counted_apart_from_anonymous_clients_at_its_address(client, rates, clock):
    rates(anon=(1, 60), user=(5, 60))
    assert [client.get(URL).status_code for _ in range(2)] == [200, 429]
    analyst = token_client(UserFactory(username="analyst"))
    response = analyst.get(URL)
    assert response.status_code == 200
    assert headers(response) == ("5", "4", "60")
    assert client.get(URL).status_code == 429


def test_a_user_s_token_and_session_share_one_budget(client, rates, clock):
    rates(user=(2, 60))
    user = UserFactory(username="analyst")
    client.force_login(user)
    assert client.get(URL).status_code == 200
    analyst = token_client(user)
    assert [analyst.get(URL).status_code for _ in range(2)] == [200, 429]


def test_anonymous_clients_are_counted_by_address(client, rates, clock):
    rates(anon=(1, 60))
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(URL, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_without_a_proxy_x_forwarded_for_buys_no_new_budget(client, rates, clock):
    rates(anon=(1, 60))
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_behind_one_proxy_the_address_it_saw_is_the_client(client, rates, clock, settings):
    settings.PROXY_COUNT = 1
    rates(anon=(1, 60))
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    spoofed = "198.51.100.9, 203.0.113.7"
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 200


def test_a_refused_bad_request_is_counted_and_carries_the_headers(client, rates, clock):
    rates(anon=(2, 60))
    response = client.get(URL, {"no_such_filter": "1"})
    assert response.status_code == 400
    assert headers(response) == ("2", "1", "60")


def test_exports_and_the_schema_are_counted_too(client, rates, clock):
    rates(anon=(2, 60))
    assert headers(client.get("/api/v1/events/export.csv")) == ("2", "1", "60")
    assert headers(client.get("/api/schema/")) == ("2", "0", "60")
    assert client.get("/api/v1/events/export.jsonl").status_code == 429


def test_off_means_no_limit_and_no_headers(client, rates, clock):
    rates(anon=(1, 60))
    assert [client.get(URL).status_code for _ in range(2)] == [200, 429]
    rates(anon=None, user=None)
    responses = [client.get(URL) for _ in range(5)]
    assert [response.status_code for response in responses] == [200] * 5
    assert headers(responses[-1]) == (None, None, None)


def test_pages_outside_the_api_are_not_counted(client, rates, clock):
    rates(anon=(2, 60))
    for _ in range(3):
        page = client.get("/admin/login/")
        assert page.status_code == 200
        assert headers(page) == (None, None, None)
    assert headers(client.get(URL)) == ("2", "1", "60")
